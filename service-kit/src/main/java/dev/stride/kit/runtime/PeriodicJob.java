package dev.stride.kit.runtime;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Work that runs every {@code interval} on a Vert.x timer (Quarkus' scheduler does not go below a second), one
 * run at a time: a tick that finds a run in flight is skipped. A run that emits {@code true} has more to do and
 * runs again at once; a run that fails is logged and retried at the next tick; a run that hangs past
 * {@code timeout} fails, so the job is never stuck busy.
 */
public final class PeriodicJob {

    private static final Logger LOG = Logger.getLogger(PeriodicJob.class);

    private final String name;
    private final Vertx vertx;
    private final Duration interval;
    private final Duration timeout;
    private final Supplier<Uni<Boolean>> work;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile long timerId = -1;

    public PeriodicJob(
            String name,
            Vertx vertx,
            Duration interval,
            Duration timeout,
            Supplier<Uni<Boolean>> work) {
        this.name = name;
        this.vertx = vertx;
        this.interval = interval;
        this.timeout = timeout;
        this.work = work;
    }

    public void start() {
        timerId = vertx.setPeriodic(interval.toMillis(), id -> tick());
    }

    public void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /** Runs now rather than at the next tick (skipped if a run is in flight). */
    public void runNow() {
        tick();
    }

    /** Whether a run is in flight. The flag is taken before the work starts, so work may check its own switches. */
    public boolean isBusy() {
        return busy.get();
    }

    private void tick() {
        if (!busy.compareAndSet(false, true)) {
            return;
        }
        Uni<Boolean> run;
        try {
            run = work.get();
        } catch (RuntimeException e) {
            busy.set(false);
            LOG.warnf("%s failed, will retry: %s", name, e.toString());
            return;
        }
        run.ifNoItem()
                .after(timeout)
                .fail()
                .onTermination()
                .invoke(() -> busy.set(false))
                .subscribe()
                .with(
                        more -> {
                            if (Boolean.TRUE.equals(more)) {
                                tick();
                            }
                        },
                        failure ->
                                LOG.warnf("%s failed, will retry: %s", name, failure.toString()));
    }
}
