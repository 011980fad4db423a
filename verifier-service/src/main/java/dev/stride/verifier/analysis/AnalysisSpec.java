package dev.stride.verifier.analysis;

import dev.stride.events.spec.Metric;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to watch during one analysed phase, fixed when its PhaseRequested arrives (so a restarted verifier judges it
 * as it began): the release, the phase's hold, the measurement interval, the rollback triggers, the success
 * criteria and each metric's query, already rendered.
 *
 * @param hold how long the phase holds its traffic (absent: one measurement, then the verdict)
 * @param window the query's range (PromQL duration), how far back each measurement looks
 * @param noDataLimit consecutive "no data" measurements of a metric after which the analysis says so
 * @param errorLimit consecutive provider errors a metric may have; one more and the analysis says so
 * @param promoted an operator promoted the deployment: the phase is not analysed
 * @param prometheus the base URL of the provider this phase's queries go to (absent, as in a spec stored before
 *        it was recorded: the configured {@code stride.verifier.prometheus.url}); the name stays for stored specs
 * @param provider the type of the metric provider that measures this phase (absent, as in a spec stored before it
 *        was recorded: {@code prometheus})
 * @param probe set when {@code health_check_success_rate} has no query: the verifier probes the release's health
 *        endpoint for it instead of asking the provider (absent: every metric goes to the provider)
 */
public record AnalysisSpec(
        String application,
        String environment,
        String version,
        Duration hold,
        Duration interval,
        String window,
        List<RollbackTrigger> triggers,
        List<SuccessCriterion> criteria,
        Map<String, String> queries,
        int noDataLimit,
        int errorLimit,
        boolean promoted,
        String prometheus,
        String provider,
        HealthProbe probe) {

    /** A spec for the default provider at {@code prometheus}. */
    public AnalysisSpec(
            String application,
            String environment,
            String version,
            Duration hold,
            Duration interval,
            String window,
            List<RollbackTrigger> triggers,
            List<SuccessCriterion> criteria,
            Map<String, String> queries,
            int noDataLimit,
            int errorLimit,
            boolean promoted,
            String prometheus) {
        this(
                application,
                environment,
                version,
                hold,
                interval,
                window,
                triggers,
                criteria,
                queries,
                noDataLimit,
                errorLimit,
                promoted,
                prometheus,
                null,
                null);
    }

    /** A spec for the configured default Prometheus. */
    public AnalysisSpec(
            String application,
            String environment,
            String version,
            Duration hold,
            Duration interval,
            String window,
            List<RollbackTrigger> triggers,
            List<SuccessCriterion> criteria,
            Map<String, String> queries,
            int noDataLimit,
            int errorLimit,
            boolean promoted) {
        this(
                application,
                environment,
                version,
                hold,
                interval,
                window,
                triggers,
                criteria,
                queries,
                noDataLimit,
                errorLimit,
                promoted,
                null,
                null,
                null);
    }

    /** This spec measured by the provider of {@code type}. */
    public AnalysisSpec withProvider(String type) {
        return new AnalysisSpec(
                application,
                environment,
                version,
                hold,
                interval,
                window,
                triggers,
                criteria,
                queries,
                noDataLimit,
                errorLimit,
                promoted,
                prometheus,
                type,
                probe);
    }

    /** Whether {@code metric} is measured by probing the release rather than by the provider. */
    public boolean probed(String metric) {
        return probe != null && Metric.HEALTH_CHECK_SUCCESS_RATE.wireName().equals(metric);
    }

    /** Every metric a trigger or a criterion names, each once, in that order. */
    public Set<String> metrics() {
        Set<String> metrics = new LinkedHashSet<>();
        triggers.forEach(t -> metrics.add(t.metric()));
        criteria.forEach(c -> metrics.add(c.metric()));
        return metrics;
    }

    /** Nothing to measure (or promoted): the phase passes at once. */
    public boolean isEmpty() {
        return promoted || triggers.isEmpty() && criteria.isEmpty();
    }

    /** When a phase with nothing to measure ends: at once if promoted or without a hold, else when the hold ends. */
    public Instant unmeasuredEnd(Instant startedAt) {
        return promoted || hold == null ? startedAt : startedAt.plus(hold);
    }

    /** How many measurements the phase gets: one per interval over the hold (the last at the hold's end), at least one. */
    public int measurementCount() {
        if (hold == null || hold.isZero()) {
            return 1;
        }
        long count = (hold.toMillis() + interval.toMillis() - 1) / interval.toMillis();
        return (int) Math.max(1, count);
    }

    /**
     * When measurement {@code seq} (1-based) is due: {@code seq} intervals after the phase started, the last one
     * at the hold's end. Derived, never stored: a restarted verifier knows its next measurement from its last.
     */
    public Instant dueAt(Instant startedAt, int seq) {
        Duration offset = interval.multipliedBy(seq);
        if (hold != null && !hold.isZero() && offset.compareTo(hold) > 0) {
            offset = hold;
        }
        return startedAt.plus(offset);
    }
}
