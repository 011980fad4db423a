package dev.stride.planner.run;

import dev.stride.kit.runtime.PeriodicJob;
import dev.stride.planner.machine.DeploymentState;
import dev.stride.planner.machine.RollbackVerification;
import dev.stride.planner.persistence.DeploymentStore;
import dev.stride.planner.plan.PhaseCompiler;
import dev.stride.planner.rules.PlannerRules;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Fails phases that missed their deadline, and rollbacks nobody reported done by theirs; asks for stable's
 * verification when a rollback's verification delay has run out. Deadlines are columns of the phase rows, so they survive restarts; any
 * replica may check them, and the state machine ignores a deadline another replica already acted on.
 */
@ApplicationScoped
public class DeadlineWatch {

    private static final Logger LOG = Logger.getLogger(DeadlineWatch.class);
    private static final int BATCH = 20;

    private final Pool pool;
    private final DeploymentStore store;
    private final DeploymentEngine engine;
    private final Clock clock = Clock.systemUTC();
    private final PeriodicJob job;
    private final PlannerRules rules;
    private final PhaseCompiler compiler = new PhaseCompiler();

    public DeadlineWatch(
            Pool pool,
            DeploymentStore store,
            DeploymentEngine engine,
            PlannerRules rules,
            Vertx vertx,
            @ConfigProperty(name = "stride.deadline.check-interval", defaultValue = "1s")
                    Duration interval) {
        this.pool = pool;
        this.store = store;
        this.engine = engine;
        this.rules = rules;
        this.job =
                new PeriodicJob(
                        "Checking deadlines",
                        vertx,
                        interval,
                        Duration.ofSeconds(60),
                        () -> check().replaceWith(false));
    }

    void start(@Observes StartupEvent event) {
        job.start();
    }

    void stop(@Observes ShutdownEvent event) {
        job.stop();
    }

    /** One pass over what is due; package-visible so a test can run two replicas' passes at the same moment. */
    Uni<Void> check() {
        Instant now = clock.instant();
        return store.duePhases(now, BATCH)
                .flatMap(
                        due ->
                                each(
                                        due,
                                        d ->
                                                (machine, state, situation) ->
                                                        machine.deadlinePassed(
                                                                state, d.phase(), situation.now()),
                                        DeploymentStore.PhaseDue::deploymentId))
                .flatMap(x -> store.dueRollbacks(now, BATCH))
                .flatMap(
                        due ->
                                each(
                                        due,
                                        d ->
                                                (machine, state, situation) ->
                                                        machine.rollbackDeadlinePassed(
                                                                state,
                                                                verification(
                                                                        state, d.stableVersion()),
                                                                situation.now()),
                                        DeploymentStore.RollbackDue::deploymentId));
    }

    // What a verification of stable checks; built only when one is due.
    private Map<String, Object> verification(DeploymentState state, String stableVersion) {
        if (state.verification() != RollbackVerification.WAITING) {
            return Map.of();
        }
        return compiler.rollbackVerification(
                state.request(), rules.checkDefaults(state.request().environment()), stableVersion);
    }

    // One transaction per deployment; one that fails is logged and does not hold up the others.
    private <T> Uni<Void> each(
            List<T> due, Function<T, DeploymentEngine.Input> input, Function<T, UUID> id) {
        if (due.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom()
                .iterable(due)
                .onItem()
                .transformToUniAndConcatenate(
                        d ->
                                pool.withTransaction(
                                                tx -> engine.apply(tx, id.apply(d), input.apply(d)))
                                        .replaceWithVoid()
                                        .onFailure()
                                        .recoverWithUni(
                                                e -> {
                                                    LOG.warnf(
                                                            "Deadline of deployment %s could not be handled, will retry: %s",
                                                            id.apply(d), e.toString());
                                                    return Uni.createFrom().voidItem();
                                                }))
                .collect()
                .last()
                .replaceWithVoid();
    }
}
