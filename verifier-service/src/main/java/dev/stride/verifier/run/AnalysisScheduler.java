package dev.stride.verifier.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.stride.events.EventCodec;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseType;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import dev.stride.kit.messaging.Outbox;
import dev.stride.kit.messaging.OutboxPublisher;
import dev.stride.kit.runtime.Bulkhead;
import dev.stride.kit.runtime.ClaimLoop;
import dev.stride.verifier.ConfigCheck;
import dev.stride.verifier.analysis.AnalysisJudge;
import dev.stride.verifier.analysis.AnalysisSpec;
import dev.stride.verifier.analysis.Assessment;
import dev.stride.verifier.analysis.Finding;
import dev.stride.verifier.analysis.Sample;
import dev.stride.verifier.checks.CheckRunner;
import dev.stride.verifier.metrics.MetricProvider;
import dev.stride.verifier.metrics.MetricProviders;
import dev.stride.verifier.metrics.Reading;
import dev.stride.verifier.metrics.probe.HealthProber;
import dev.stride.verifier.persistence.AnalysisStore;
import dev.stride.verifier.persistence.CheckResult;
import dev.stride.verifier.persistence.DueAnalysis;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One timer for every analysis: each tick claims the analyses whose next measurement is due (any number of
 * deployments, none with a thread of its own) and sets each one's measurement going on its own. For each it writes
 * the samples, the analysis's progress and the events the measurement calls for (ThresholdBreached at once;
 * PhaseCompleted when the phase ends) in one transaction. A measurement is taken as of its due time, so one that
 * runs late (a busy tick, a restart) still measures its own interval. CHECKS phases are run by the same loop.
 *
 * <p>Isolation: a tick never waits for a measurement. At most {@code max-in-flight} measurements run at once, and
 * at most {@code endpoint-share} of them to one endpoint (a Prometheus, a check's first target): a Prometheus that
 * does not answer holds its share of the slots for its timeout, and every other analysis keeps its cadence. A claim
 * round asks only for what the free slots allow, so nothing claimed waits in this process for a slot.
 */
@ApplicationScoped
public class AnalysisScheduler {

    private static final Logger LOG = Logger.getLogger(AnalysisScheduler.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Pool pool;
    private final AnalysisStore store;
    private final MetricProviders providers;
    private final HealthProber prober;
    private final CheckRunner checks;
    private final Outbox outbox;
    private final OutboxPublisher publisher;
    private final Duration lease;
    private final ClaimLoop<DueAnalysis> loop;

    public AnalysisScheduler(
            Pool pool,
            AnalysisStore store,
            MetricProviders providers,
            HealthProber prober,
            CheckRunner checks,
            Outbox outbox,
            OutboxPublisher publisher,
            Vertx vertx,
            @ConfigProperty(name = "stride.verifier.tick", defaultValue = "100ms") Duration tick,
            @ConfigProperty(name = "stride.verifier.batch-size", defaultValue = "64") int batch,
            @ConfigProperty(name = "stride.verifier.lease", defaultValue = "30s") Duration lease,
            @ConfigProperty(name = "stride.verifier.max-in-flight", defaultValue = "256")
                    int maxInFlight,
            @ConfigProperty(name = "stride.verifier.endpoint-share", defaultValue = "32")
                    int endpointShare,
            @ConfigProperty(name = "stride.verifier.prometheus.timeout", defaultValue = "5s")
                    Duration queryTimeout,
            @ConfigProperty(name = "stride.verifier.checks.timeout", defaultValue = "10s")
                    Duration checksTimeout) {
        ConfigCheck.positive("stride.verifier.tick", tick);
        ConfigCheck.atLeastOne("stride.verifier.batch-size", batch);
        ConfigCheck.positive("stride.verifier.lease", lease);
        ConfigCheck.atLeastOne("stride.verifier.max-in-flight", maxInFlight);
        ConfigCheck.atLeastOne("stride.verifier.endpoint-share", endpointShare);
        ConfigCheck.positive("stride.verifier.prometheus.timeout", queryTimeout);
        ConfigCheck.positive("stride.verifier.checks.timeout", checksTimeout);
        // A claim must outlast the measurement it covers, or another replica takes the analysis
        // while it is measured.
        if (lease.compareTo(queryTimeout) <= 0 || lease.compareTo(checksTimeout) <= 0) {
            throw new IllegalStateException(
                    "stride.verifier.lease ("
                            + lease
                            + ") must be longer than "
                            + "stride.verifier.prometheus.timeout ("
                            + queryTimeout
                            + ") and stride.verifier.checks.timeout ("
                            + checksTimeout
                            + ")");
        }
        this.pool = pool;
        this.store = store;
        this.providers = providers;
        this.prober = prober;
        this.checks = checks;
        this.outbox = outbox;
        this.publisher = publisher;
        this.lease = lease;
        // A round claims and dispatches, and is done: it never waits for a measurement. A round
        // that filled what it
        // asked for runs again at once (more may be due); an end claims again at once only if it
        // opened a limit.
        this.loop =
                new ClaimLoop<>(
                        "Measuring analyses",
                        vertx,
                        tick,
                        lease,
                        new Bulkhead(maxInFlight, Math.min(endpointShare, maxInFlight)),
                        batch,
                        ClaimLoop.Wake.WHEN_A_LIMIT_OPENS,
                        new ClaimLoop.Work<>() {
                            @Override
                            public Uni<List<DueAnalysis>> claim(Bulkhead.Round round) {
                                return AnalysisScheduler.this.claim(round);
                            }

                            @Override
                            public String endpoint(DueAnalysis due) {
                                return due.endpoint() == null ? "" : due.endpoint();
                            }

                            @Override
                            public Uni<Void> run(DueAnalysis due) {
                                return AnalysisScheduler.this.run(due);
                            }
                        });
    }

    void start(@Observes StartupEvent event) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        loop.stop();
    }

    /** Something became due now (a phase started, checks were asked for): look at once. */
    public void wake() {
        loop.wake();
    }

    /** Measurements in flight on this verifier. */
    int inFlight() {
        return loop.inFlight();
    }

    // The bulkhead's room as the claim query takes it: full endpoints left out, the others at most
    // their room.
    private Uni<List<DueAnalysis>> claim(Bulkhead.Round round) {
        List<String> busy = new ArrayList<>(round.partly().keySet());
        List<Integer> free = busy.stream().map(round.partly()::get).toList();
        return store.claimDue(round.limit(), lease, round.full(), busy, free, round.perEndpoint());
    }

    // Each measurement runs on its own; its slot is freed when it ends, however it ends. The
    // deadline is the lease:
    // past it the claim is gone anyway (and the conditional writes keep a late measurement from
    // counting twice).
    private Uni<Void> run(DueAnalysis due) {
        return work(due)
                .ifNoItem()
                .after(lease)
                .fail()
                .onFailure()
                .invoke(
                        failure ->
                                LOG.warnf(
                                        "Analysis %s not measured in time (%s), will be taken up "
                                                + "again",
                                        due.key(), failure.toString()))
                .onFailure()
                .recoverWithNull();
    }

    private Uni<Void> work(DueAnalysis due) {
        Uni<Boolean> run =
                Uni.createFrom()
                        .deferred(
                                () -> {
                                    if (due.type() == PhaseType.CHECKS) {
                                        return runChecks(due);
                                    }
                                    if (due.problem() != null) {
                                        return end(
                                                due,
                                                PhaseCompleted.Outcome.FAILED,
                                                "cannot be analysed: " + due.problem());
                                    }
                                    AnalysisSpec spec = spec(due);
                                    return spec.isEmpty()
                                            ? end(
                                                    due,
                                                    PhaseCompleted.Outcome.PASSED,
                                                    AnalysisJudge.nothingToMeasure(spec).summary())
                                            : measure(due, spec);
                                });
        // A failure (database down) leaves the claim to run out: the measurement is taken again
        // then.
        return run.onFailure(StaleMeasurement.class)
                .recoverWithItem(false)
                .invoke(
                        wrote -> {
                            if (wrote) {
                                publisher.publishSoon();
                            }
                        })
                .onFailure()
                .invoke(
                        failure ->
                                LOG.warnf(
                                        "Analysis %s interrupted, will be taken up again: %s",
                                        due.key(), failure.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Boolean> measure(DueAnalysis due, AnalysisSpec spec) {
        int seq = due.measured() + 1;
        Instant at = due.dueAt();
        // The provider named in the spec when the phase was requested; one no longer installed
        // reads as an error.
        MetricProvider provider = providers.forType(spec.provider()).orElse(null);
        List<Uni<Sample>> readings =
                spec.metrics().stream()
                        .map(
                                metric ->
                                        (spec.probed(metric)
                                                        ? prober.measure(spec.probe())
                                                        : provider == null
                                                                ? Uni.createFrom()
                                                                        .item(
                                                                                Reading.error(
                                                                                        "no metric provider "
                                                                                                + spec
                                                                                                        .provider()))
                                                                : provider.measure(
                                                                        spec.prometheus(),
                                                                        spec.queries().get(metric),
                                                                        at))
                                                .map(
                                                        reading ->
                                                                new Sample(
                                                                        seq,
                                                                        metric,
                                                                        at,
                                                                        reading.kind(),
                                                                        reading.value(),
                                                                        reading.message())))
                        .toList();
        return Uni.join()
                .all(readings)
                .andFailFast()
                .flatMap(
                        samples ->
                                pool.withTransaction(
                                        tx ->
                                                store.record(
                                                                tx,
                                                                due.key(),
                                                                samples,
                                                                outcomes(spec, samples))
                                                        .flatMap(x -> store.samples(tx, due.key()))
                                                        .flatMap(
                                                                all -> {
                                                                    Assessment assessment =
                                                                            AnalysisJudge.assess(
                                                                                    spec, all, seq);
                                                                    List<StrideEvent> events =
                                                                            breaches(
                                                                                    due,
                                                                                    spec,
                                                                                    assessment
                                                                                            .findings());
                                                                    if (assessment.ends()) {
                                                                        return finish(
                                                                                tx,
                                                                                due,
                                                                                seq,
                                                                                assessment
                                                                                        .outcome(),
                                                                                assessment
                                                                                        .summary(),
                                                                                events);
                                                                    }
                                                                    return store.advance(
                                                                                    tx,
                                                                                    due.key(),
                                                                                    seq,
                                                                                    spec.dueAt(
                                                                                            due
                                                                                                    .startedAt(),
                                                                                            seq
                                                                                                    + 1))
                                                                            .flatMap(
                                                                                    moved ->
                                                                                            emitIf(
                                                                                                    tx,
                                                                                                    moved,
                                                                                                    events));
                                                                })));
    }

    private Uni<Boolean> runChecks(DueAnalysis due) {
        Map<String, Object> parameters = map(due);
        String stage =
                parameters.get("stage") == null ? null : String.valueOf(parameters.get("stage"));
        return checks.run(parameters)
                .flatMap(
                        results -> {
                            boolean passed = results.stream().allMatch(CheckResult::passed);
                            String summary = CheckRunner.summary(stage, results);
                            return pool.withTransaction(
                                    tx ->
                                            store.checkResults(tx, due.key(), results)
                                                    .flatMap(
                                                            x ->
                                                                    finish(
                                                                            tx,
                                                                            due,
                                                                            0,
                                                                            passed
                                                                                    ? PhaseCompleted
                                                                                            .Outcome
                                                                                            .PASSED
                                                                                    : PhaseCompleted
                                                                                            .Outcome
                                                                                            .FAILED,
                                                                            summary,
                                                                            List.of())));
                        });
    }

    private Uni<Boolean> end(DueAnalysis due, PhaseCompleted.Outcome outcome, String summary) {
        return pool.withTransaction(tx -> finish(tx, due, 0, outcome, summary, List.of()));
    }

    private Uni<Boolean> finish(
            SqlConnection tx,
            DueAnalysis due,
            int measured,
            PhaseCompleted.Outcome outcome,
            String summary,
            List<StrideEvent> breaches) {
        List<StrideEvent> events = new ArrayList<>(breaches);
        events.add(
                new PhaseCompleted(
                        due.key().deploymentId(),
                        due.key().attempt(),
                        due.key().phase(),
                        due.type(),
                        outcome,
                        summary));
        return store.finish(tx, due.key(), due.measured(), measured, outcome.name(), summary)
                .flatMap(ended -> emitIf(tx, ended, events));
    }

    // Stopped (rollback, deployment over) or measured elsewhere meanwhile: write nothing, say
    // nothing.
    private Uni<Boolean> emitIf(SqlConnection tx, boolean moved, List<StrideEvent> events) {
        if (!moved) {
            return Uni.createFrom().failure(new StaleMeasurement());
        }
        return Multi.createFrom()
                .iterable(events)
                .onItem()
                .transformToUniAndConcatenate(event -> outbox.append(tx, event))
                .collect()
                .asList()
                .map(appended -> !appended.isEmpty());
    }

    private static List<StrideEvent> breaches(
            DueAnalysis due, AnalysisSpec spec, List<Finding> findings) {
        Environment environment = environment(spec.environment());
        return findings.stream()
                .<StrideEvent>map(
                        f ->
                                new ThresholdBreached(
                                        due.key().deploymentId(),
                                        due.key().attempt(),
                                        due.key().phase(),
                                        f.metric(),
                                        f.observedValue() == null
                                                        || !Double.isFinite(f.observedValue())
                                                ? null
                                                : f.observedValue(),
                                        f.threshold(),
                                        f.window(),
                                        f.kind(),
                                        f.action(),
                                        spec.application(),
                                        environment))
                .toList();
    }

    /** A sample's outcome: FAILURE when its value is over a trigger's level or outside a criterion on its metric. */
    static List<String> outcomes(AnalysisSpec spec, List<Sample> samples) {
        return samples.stream()
                .map(
                        sample ->
                                switch (sample.kind()) {
                                    case NO_DATA -> "INCONCLUSIVE";
                                    case ERROR -> "ERROR";
                                    case VALUE -> {
                                        boolean over =
                                                spec.triggers().stream()
                                                        .filter(
                                                                t ->
                                                                        t.metric()
                                                                                .equals(
                                                                                        sample
                                                                                                .metric()))
                                                        .anyMatch(
                                                                t -> t.breachedBy(sample.value()));
                                        boolean outside =
                                                spec.criteria().stream()
                                                        .filter(
                                                                c ->
                                                                        c.metric()
                                                                                .equals(
                                                                                        sample
                                                                                                .metric()))
                                                        .anyMatch(c -> !c.metBy(sample.value()));
                                        yield over || outside ? "FAILURE" : "SUCCESS";
                                    }
                                })
                .toList();
    }

    private static Environment environment(String wire) {
        try {
            return wire == null ? null : Environment.fromWire(wire);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static AnalysisSpec spec(DueAnalysis due) {
        try {
            AnalysisSpec spec =
                    EventCodec.mapper().readValue(due.spec().encode(), AnalysisSpec.class);
            return due.rolling() ? spec.rolling(due.startedAt(), due.rolledOutAt()) : spec;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> map(DueAnalysis due) {
        try {
            return due.spec() == null
                    ? Map.of()
                    : EventCodec.mapper().readValue(due.spec().encode(), MAP);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The analysis moved on without this measurement: its transaction rolls back. */
    static final class StaleMeasurement extends RuntimeException {
        StaleMeasurement() {
            super("the analysis was stopped or measured meanwhile", null, false, false);
        }
    }
}
