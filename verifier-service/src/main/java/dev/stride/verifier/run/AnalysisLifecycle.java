package dev.stride.verifier.run;

import static dev.stride.kit.persistence.Columns.jsonObject;

import dev.stride.events.IncidentOpened;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.verifier.analysis.AnalysisSpec;
import dev.stride.verifier.checks.CheckRunner;
import dev.stride.verifier.metrics.MetricProvider;
import dev.stride.verifier.metrics.MetricProviders;
import dev.stride.verifier.metrics.MetricTemplates;
import dev.stride.verifier.persistence.AnalysisKey;
import dev.stride.verifier.persistence.AnalysisStore;
import dev.stride.verifier.persistence.DueAnalysis;
import dev.stride.verifier.persistence.OpenIncidents;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * An analysis's life before and after its measurements, as the consumers record it inside their transactions:
 * requested, started, stopped. PhaseRequested and PhaseStarted come on different topics and may arrive in either
 * order: each records its half, and the analysis runs once both are in (CHECKS need only the request). The metric
 * provider is fixed with the spec (its type and URL). Nothing starts for an attempt that was stopped.
 */
@ApplicationScoped
public class AnalysisLifecycle {

    private static final Logger LOG = Logger.getLogger(AnalysisLifecycle.class);

    /** The phases the verifier analyses; CHECKS it runs; FINALIZE and MIGRATION belong to the executor. */
    static final Set<PhaseType> ANALYSED = Set.of(PhaseType.TRAFFIC, PhaseType.ROLLOUT);

    private final AnalysisStore store;
    private final MetricTemplates templates;
    private final MetricProviders providers;
    private final AnalysisScheduler scheduler;
    private final CheckRunner checks;
    private final OpenIncidents incidents;

    public AnalysisLifecycle(
            AnalysisStore store,
            MetricTemplates templates,
            MetricProviders providers,
            AnalysisScheduler scheduler,
            CheckRunner checks,
            OpenIncidents incidents) {
        this.incidents = incidents;
        this.store = store;
        this.templates = templates;
        this.providers = providers;
        this.scheduler = scheduler;
        this.checks = checks;
    }

    public Uni<Void> requested(SqlClient tx, PhaseRequested phase) {
        if (phase.phaseType() != PhaseType.CHECKS && !ANALYSED.contains(phase.phaseType())) {
            return Uni.createFrom().voidItem();
        }
        if (phase.phaseType() == PhaseType.CHECKS) {
            return record(tx, phase, false);
        }
        // An incident open where the release goes: its phases are measured more often.
        Map<String, Object> parameters = phase.parameters() == null ? Map.of() : phase.parameters();
        return incidents
                .anyOpen(
                        tx,
                        text(parameters.get("application")),
                        text(parameters.get("environment")))
                .flatMap(watched -> record(tx, phase, watched));
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private Uni<Void> record(SqlClient tx, PhaseRequested phase, boolean watched) {
        AnalysisKey key = new AnalysisKey(phase.deploymentId(), phase.attempt(), phase.phase());
        JsonObject spec;
        String problem = null;
        String endpoint = "";
        boolean measurable = false;
        if (phase.phaseType() == PhaseType.CHECKS) {
            Map<String, Object> parameters =
                    phase.parameters() == null ? Map.of() : phase.parameters();
            spec = jsonObject(parameters);
            endpoint = checks.endpoint(parameters);
        } else {
            AnalysisSpec analysis = null;
            MetricProvider provider = null;
            try {
                analysis = PhaseAnalyses.spec(phase, templates, watched);
                String type =
                        templates
                                .settings(analysis.application(), analysis.environment())
                                .provider();
                provider =
                        providers
                                .forType(type)
                                .orElseThrow(
                                        () ->
                                                new IllegalArgumentException(
                                                        "no metric provider "
                                                                + type
                                                                + " (stride.verifier.provider; there are "
                                                                + new TreeSet<>(providers.types())
                                                                + ")"));
                analysis = analysis.withProvider(type);
            } catch (IllegalArgumentException e) {
                analysis = null;
                problem = e.getMessage();
                LOG.warnf(
                        "Phase %d of %s attempt %d cannot be analysed: %s",
                        phase.phase(), phase.deploymentId(), phase.attempt(), problem);
            }
            spec = analysis == null ? null : jsonObject(analysis);
            endpoint = analysis == null ? "" : provider.endpoint(analysis.prometheus());
            measurable = analysis != null && !analysis.isEmpty();
        }
        String why = problem;
        String where = endpoint;
        // A ROLLOUT is watched while the platform replaces the batches: its window opens now, at
        // the
        // request, not when the executor reports the rollout done.
        boolean watchWhileRolling = phase.phaseType() == PhaseType.ROLLOUT && measurable;
        // Stable's verification after a rollback comes after the rollback stopped the attempt's
        // analyses: it is the one phase such a stop does not hold back.
        Uni<Boolean> held =
                isVerification(phase)
                        ? Uni.createFrom().item(false)
                        : store.isStopped(tx, phase.deploymentId(), phase.attempt());
        return held.flatMap(
                stopped ->
                        stopped
                                ? Uni.createFrom().voidItem()
                                : store.requested(tx, key, phase.phaseType(), spec, why, where)
                                        // Checks start when asked for; the executor sends
                                        // no PhaseStarted for them. A ROLLOUT is measured as it
                                        // rolls.
                                        .flatMap(
                                                x ->
                                                        phase.phaseType() == PhaseType.CHECKS
                                                                        || watchWhileRolling
                                                                ? store.started(
                                                                        tx, key, Instant.now())
                                                                : Uni.createFrom().voidItem())
                                        .flatMap(x -> activate(tx, key)));
    }

    /** The planner's CHECKS phase that verifies stable after a rollback (stage {@code rollback}). */
    static boolean isVerification(PhaseRequested phase) {
        return phase.phaseType() == PhaseType.CHECKS
                && phase.parameters() != null
                && "rollback".equals(String.valueOf(phase.parameters().get("stage")));
    }

    public Uni<Void> started(SqlClient tx, PhaseStarted phase) {
        if (!ANALYSED.contains(phase.phaseType())) {
            return Uni.createFrom().voidItem();
        }
        AnalysisKey key = new AnalysisKey(phase.deploymentId(), phase.attempt(), phase.phase());
        Instant at = phase.observedAt() == null ? Instant.now() : phase.observedAt();
        // A ROLLOUT's PhaseStarted says the rollout is done: its analysis, running since the
        // request,
        // now holds for its hold more (AnalysisSpec#rolling).
        Uni<Void> rolledOut =
                phase.phaseType() == PhaseType.ROLLOUT
                        ? store.rolledOut(tx, key, at)
                        : Uni.createFrom().voidItem();
        return store.isStopped(tx, phase.deploymentId(), phase.attempt())
                .flatMap(
                        stopped ->
                                stopped
                                        ? Uni.createFrom().voidItem()
                                        : rolledOut
                                                .flatMap(x -> store.started(tx, key, at))
                                                .flatMap(x -> activate(tx, key)));
    }

    public Uni<Void> stop(SqlClient tx, UUID deploymentId, int upToAttempt, String reason) {
        return store.stop(tx, deploymentId, upToAttempt, reason).replaceWithVoid();
    }

    /** DeploymentPaused: the deployment's analyses measure nothing until it is resumed. */
    public Uni<Void> paused(SqlClient tx, UUID deploymentId, Instant at) {
        return store.pause(tx, deploymentId, at);
    }

    /** DeploymentResumed: the suspended analyses go on, the time paused not counted toward their hold. */
    public Uni<Void> resumed(SqlClient tx, UUID deploymentId, Instant at) {
        return store.resume(tx, deploymentId, at);
    }

    public void wake() {
        scheduler.wake();
    }

    /**
     * IncidentOpened: the incident is remembered for the phases requested from now on, and the analyses running
     * in its application and environment move onto the shorter {@code incident-interval} from their next
     * measurement (the runbook's "enhanced monitoring" for P2/P3, and every severity).
     */
    public Uni<Void> incidentOpened(SqlClient tx, IncidentOpened opened) {
        return incidents
                .opened(tx, opened)
                .flatMap(
                        x ->
                                reschedule(
                                        tx,
                                        opened.application(),
                                        opened.environment().wireName(),
                                        true));
    }

    /** IncidentResolved: with no other incident open there, its running analyses go back to their interval. */
    public Uni<Void> incidentResolved(SqlClient tx, UUID incidentId) {
        return incidents
                .resolved(tx, incidentId)
                .flatMap(
                        scope ->
                                scope.isEmpty()
                                        ? Uni.createFrom().voidItem()
                                        : incidents
                                                .anyOpen(
                                                        tx,
                                                        scope.get().application(),
                                                        scope.get().environment())
                                                .flatMap(
                                                        open ->
                                                                open
                                                                        ? Uni.createFrom()
                                                                                .voidItem()
                                                                        : reschedule(
                                                                                tx,
                                                                                scope.get()
                                                                                        .application(),
                                                                                scope.get()
                                                                                        .environment(),
                                                                                false)));
    }

    private Uni<Void> reschedule(
            SqlClient tx, String application, String environment, boolean watched) {
        if (application == null || environment == null) {
            return Uni.createFrom().voidItem();
        }
        MetricTemplates.Settings settings = templates.settings(application, environment);
        Duration interval = watched ? settings.watched().interval() : settings.interval();
        return store.runningIn(tx, application, environment)
                .flatMap(
                        running -> {
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (DueAnalysis due : running) {
                                AnalysisSpec spec = stored(due);
                                if (spec == null) {
                                    continue;
                                }
                                var moved =
                                        spec.every(
                                                interval,
                                                due.startedAt(),
                                                due.measured(),
                                                due.rolling(),
                                                due.rolledOutAt());
                                if (moved.isEmpty()) {
                                    continue;
                                }
                                chain =
                                        chain.flatMap(
                                                x ->
                                                        store.reschedule(
                                                                        tx,
                                                                        due.key(),
                                                                        due.measured(),
                                                                        jsonObject(
                                                                                moved.get().spec()),
                                                                        moved.get().startedAt(),
                                                                        moved.get().nextDue())
                                                                .invoke(
                                                                        done -> {
                                                                            if (done) {
                                                                                LOG.infof(
                                                                                        "Analysis %s of %s in %s: measured every %s from measurement %d on (%s)",
                                                                                        due.key(),
                                                                                        application,
                                                                                        environment,
                                                                                        interval,
                                                                                        due
                                                                                                        .measured()
                                                                                                + 1,
                                                                                        watched
                                                                                                ? "an incident is open there"
                                                                                                : "no incident open there any more");
                                                                            }
                                                                        })
                                                                .replaceWithVoid());
                            }
                            return chain;
                        });
    }

    // The spec as stored (a ROLLOUT's end is derived from it when judged); null if it cannot be
    // read.
    private static AnalysisSpec stored(DueAnalysis due) {
        if (due.spec() == null) {
            return null;
        }
        try {
            return dev.stride.events.EventCodec.mapper()
                    .readValue(due.spec().encode(), AnalysisSpec.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warnf(
                    "Analysis %s: stored spec unreadable, not rescheduled: %s",
                    due.key(), e.getOriginalMessage());
            return null;
        }
    }

    // Both halves in: the first measurement is due one interval after the start; checks and a phase
    // that cannot be
    // analysed are due at once; a phase with nothing to measure when its hold ends (at once if it
    // has none).
    private Uni<Void> activate(SqlClient tx, AnalysisKey key) {
        return store.lockWaiting(tx, key)
                .flatMap(
                        waiting -> {
                            if (waiting.isEmpty()) {
                                return Uni.createFrom().voidItem();
                            }
                            var due = waiting.get();
                            Instant first = Instant.now();
                            if (due.type() != PhaseType.CHECKS
                                    && due.problem() == null
                                    && due.spec() != null) {
                                AnalysisSpec spec = AnalysisScheduler.spec(due);
                                first =
                                        spec.isEmpty()
                                                ? spec.unmeasuredEnd(due.startedAt())
                                                : spec.dueAt(due.startedAt(), 1);
                            }
                            return store.run(tx, key, first);
                        });
    }
}
