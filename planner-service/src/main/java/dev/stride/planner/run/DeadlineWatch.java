package dev.stride.planner.run;

import dev.stride.kit.runtime.PeriodicJob;
import dev.stride.planner.persistence.DeploymentStore;
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
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Fails phases that missed their deadline, and rollbacks nobody reported done by theirs. Deadlines are columns of the phase rows, so they survive restarts; any
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

    public DeadlineWatch(
            Pool pool,
            DeploymentStore store,
            DeploymentEngine engine,
            Vertx vertx,
            @ConfigProperty(name = "stride.deadline.check-interval", defaultValue = "1s")
                    Duration interval) {
        this.pool = pool;
        this.store = store;
        this.engine = engine;
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
                                        id ->
                                                (machine, state, situation) ->
                                                        machine.rollbackDeadlinePassed(
                                                                state, situation.now()),
                                        id -> id));
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
