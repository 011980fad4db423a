package dev.stride.planner.machine;

import dev.stride.planner.persistence.DeploymentStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Fails phases that missed their deadline. Deadlines are columns of the phase rows, so they survive restarts; any
 * replica may check them, and the state machine ignores a deadline another replica already acted on.
 */
@ApplicationScoped
public class DeadlineWatch {

    private static final Logger LOG = Logger.getLogger(DeadlineWatch.class);
    private static final int BATCH = 20;

    private final Pool pool;
    private final DeploymentStore store;
    private final DeploymentEngine engine;
    private final Vertx vertx;
    private final Duration interval;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile long timerId = -1;

    public DeadlineWatch(Pool pool, DeploymentStore store, DeploymentEngine engine, Vertx vertx,
            @ConfigProperty(name = "stride.deadline.check-interval", defaultValue = "1s") Duration interval) {
        this.pool = pool;
        this.store = store;
        this.engine = engine;
        this.vertx = vertx;
        this.interval = interval;
    }

    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(interval.toMillis(), id -> check());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    private void check() {
        if (!busy.compareAndSet(false, true)) {
            return;
        }
        store.duePhases(BATCH)
                .flatMap(due -> due.isEmpty() ? Uni.createFrom().voidItem()
                        : Multi.createFrom().iterable(due)
                                .onItem().transformToUniAndConcatenate(d -> pool.withTransaction(tx -> engine.apply(
                                        tx, d.deploymentId(), (machine, state, situation) -> machine.deadlinePassed(
                                                state, d.phase(), situation.now()))))
                                .collect().last().replaceWithVoid())
                .ifNoItem().after(Duration.ofSeconds(60)).fail()
                .onTermination().invoke(() -> busy.set(false))
                .subscribe().with(x -> { }, e -> LOG.warnf("Checking phase deadlines failed, will retry: %s",
                        e.toString()));
    }
}
