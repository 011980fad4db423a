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

    /**
     * A ROLLOUT as judged now. It is measured from its request, while the platform replaces the batches, so the
     * triggers watch the whole rollout: until the executor reports it done ({@code rolledOutAt} null) it has no
     * end; then it holds for its own hold (at least one interval) after that. Measurement times stay every
     * interval from {@code startedAt}, so a restarted verifier finds the same ones. No data is not reported while
     * it rolls; one with no data through the whole rollout is at the first measurement after it.
     */
    public AnalysisSpec rolling(Instant startedAt, Instant rolledOutAt) {
        if (isEmpty()) {
            return this; // nothing to watch: it passes when the rollout is done, as any phase would
        }
        Duration after = hold == null || hold.isZero() ? interval : hold;
        Duration until =
                rolledOutAt == null || startedAt == null
                        ? ROLLING
                        : Duration.between(startedAt, rolledOutAt).plus(after);
        if (until.isNegative() || until.compareTo(after) < 0) {
            until = after;
        }
        // No data while it rolls is expected (the first batch's pods may not serve yet) and not
        // reported; a release that showed none through the whole rollout is reported at the first
        // measurement after it (the planner pauses), else the usual limit applies.
        int limit = noDataLimit;
        if (rolledOutAt == null || startedAt == null) {
            limit = Integer.MAX_VALUE;
        } else if (!rolledOutAt.isBefore(startedAt)) {
            long before = Duration.between(startedAt, rolledOutAt).toMillis() / interval.toMillis();
            limit = (int) Math.max(noDataLimit, Math.min(Integer.MAX_VALUE - 1, before + 1));
        }
        return new AnalysisSpec(
                application,
                environment,
                version,
                until,
                interval,
                window,
                triggers,
                criteria,
                queries,
                limit,
                errorLimit,
                promoted,
                prometheus,
                provider,
                probe);
    }

    /** An analysis moved onto another interval: its new spec, its start as the schedule counts it, its next due time. */
    public record Rescheduled(AnalysisSpec spec, Instant startedAt, Instant nextDue) {}

    /**
     * This running analysis measured every {@code next} from its next measurement on (an incident opened or was
     * resolved where it runs: the runbook's "enhanced monitoring"). The measurements taken stay as they are, and
     * so does the phase's end: the schedule's start moves so that measurement {@code measured} stays where it was
     * ({@code start' = last - next * measured}), and the hold so that {@code start' + hold'} is the old end (a
     * ROLLOUT's end follows its rollout anyway). Derived times stay derived, so a restarted verifier finds the
     * same ones. Empty when nothing changes: the same interval, nothing to measure, a single measurement, or the
     * last one already due.
     */
    public java.util.Optional<Rescheduled> every(
            Duration next, Instant startedAt, int measured, boolean rolling, Instant rolledOutAt) {
        if (next == null
                || next.isZero()
                || next.isNegative()
                || next.equals(interval)
                || isEmpty()
                || startedAt == null
                || (!rolling && (hold == null || hold.isZero()))) {
            return java.util.Optional.empty();
        }
        AnalysisSpec now = rolling ? rolling(startedAt, rolledOutAt) : this;
        if (measured >= now.measurementCount()) {
            return java.util.Optional.empty();
        }
        Instant last = measured == 0 ? startedAt : now.dueAt(startedAt, measured);
        Instant end = startedAt.plus(now.hold);
        if (!last.isBefore(end)) {
            return java.util.Optional.empty();
        }
        Instant start = last.minus(next.multipliedBy(measured));
        Duration newHold = rolling ? hold : Duration.between(start, end);
        AnalysisSpec moved =
                new AnalysisSpec(
                        application,
                        environment,
                        version,
                        newHold,
                        next,
                        window,
                        triggers,
                        criteria,
                        queries,
                        noDataLimit,
                        errorLimit,
                        promoted,
                        prometheus,
                        provider,
                        probe);
        AnalysisSpec judged = rolling ? moved.rolling(start, rolledOutAt) : moved;
        return java.util.Optional.of(
                new Rescheduled(moved, start, judged.dueAt(start, measured + 1)));
    }

    /** A rollout's analysis before the platform reports it done: longer than any phase deadline lets it run. */
    static final Duration ROLLING = Duration.ofDays(7);

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
