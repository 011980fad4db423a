package dev.stride.executor.run;

import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.StrideEvent;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficDriver;
import dev.stride.executor.traffic.TrafficDrivers;
import dev.stride.kit.messaging.Outbox;
import dev.stride.kit.messaging.OutboxPublisher;
import dev.stride.kit.runtime.PeriodicJob;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Works executions one by one (one deployment's in order): reads the platform, applies the phase or restores
 * stable unless the platform already shows it, reads back and compares (Argo's VerifyWeight), then ends the
 * execution and writes its events (PhaseStarted with the observed weights; PhaseCompleted for FINALIZE, which
 * nothing analyses; RollbackCompleted) in one transaction. Every platform call goes to the step log. A worker
 * that dies between the write and the read-back leaves the execution APPLYING; it is taken up again after
 * {@code stride.executor.stale-after} and re-verified, so its events are still written exactly once.
 */
@ApplicationScoped
public class ExecutionWorker {

    private static final Logger LOG = Logger.getLogger(ExecutionWorker.class);
    private static final int BATCH = 10;
    private static final int MAX_TRIES = 5;

    private final Pool pool;
    private final ExecutionStore store;
    private final TrafficDrivers drivers;
    private final Outbox outbox;
    private final OutboxPublisher publisher;
    private final Duration staleAfter;
    private final Duration retryInterval;
    private final Duration patience;
    private final PeriodicJob job;

    public ExecutionWorker(Pool pool, ExecutionStore store, TrafficDrivers drivers, Outbox outbox,
            OutboxPublisher publisher, Vertx vertx,
            @ConfigProperty(name = "stride.executor.poll-interval", defaultValue = "200ms") Duration interval,
            @ConfigProperty(name = "stride.executor.stale-after", defaultValue = "60s") Duration staleAfter,
            @ConfigProperty(name = "stride.executor.transient-retry-interval", defaultValue = "5s")
            Duration retryInterval,
            @ConfigProperty(name = "stride.executor.transient-patience", defaultValue = "10m") Duration patience) {
        this.pool = pool;
        this.store = store;
        this.drivers = drivers;
        this.outbox = outbox;
        this.publisher = publisher;
        this.staleAfter = staleAfter;
        this.retryInterval = retryInterval;
        this.patience = patience;
        this.job = new PeriodicJob("Executing phases", vertx, interval, Duration.ofMinutes(10),
                () -> store.claim(BATCH, staleAfter).flatMap(claimed -> Multi.createFrom().iterable(claimed)
                        .onItem().transformToUniAndConcatenate(this::work)
                        .collect().asList()
                        .map(done -> claimed.size() == BATCH)));
    }

    void start(@Observes StartupEvent event) {
        job.start();
    }

    void stop(@Observes ShutdownEvent event) {
        job.stop();
    }

    /** New work has been recorded: start on it now rather than at the next tick. */
    public void wake() {
        job.runNow();
    }

    private Uni<Void> work(Execution e) {
        Uni<Void> run;
        if (e.target() == null) {
            run = end(e, "DONE", "nothing of this attempt had reached the platform", List.of(new RollbackCompleted(
                    e.deploymentId(), e.attempt(), RollbackCompleted.Outcome.SUCCEEDED,
                    "nothing of this attempt had reached the platform")));
        } else {
            TrafficDriver driver = drivers.forTarget(e.target()).orElse(null);
            run = driver == null
                    ? fail(e, "no traffic driver for platform " + e.target().platform() + " yet")
                    : reconcile(e, driver).flatMap(live -> succeed(e, live))
                            .onFailure(PlatformException.class)
                            .recoverWithUni(failure -> ((PlatformException) failure).isTransient()
                                    ? waitOrFail(e, failure.getMessage())
                                    : fail(e, failure.getMessage()));
        }
        // Anything else (a bug, a crash of the worker) leaves the execution APPLYING, to be taken up again.
        return run.onFailure().recoverWithUni(failure -> {
            LOG.warnf("Execution %d (%s %s) interrupted, will be taken up again: %s", e.id(), e.deploymentId(),
                    e.step(), failure.toString());
            return e.tries() >= MAX_TRIES ? fail(e, "gave up after " + e.tries() + " tries: " + failure)
                    : Uni.createFrom().voidItem();
        });
    }

    /** Reads, applies unless already in place, reads back until the platform shows the expected state. */
    private Uni<LiveState> reconcile(Execution e, TrafficDriver driver) {
        Integer expected = ExpectedState.canaryWeight(e);
        return call(e, "read", () -> driver.read(e.target())).flatMap(before -> {
            if (ExpectedState.alreadyInPlace(e, expected, before)) {
                return store.logStep(e.id(), "apply", "skipped", "already in place: " + before.weights(), 0)
                        .replaceWith(before);
            }
            Uni<Void> apply = e.isRollback()
                    ? call(e, "restore-stable", () -> {
                        driver.restoreStable(e.target());
                        return null;
                    })
                    : call(e, "apply " + e.phaseType(), () -> {
                        driver.apply(e.target(), e.phaseType(), e.parameters());
                        return null;
                    });
            return apply.flatMap(x -> call(e, "read-back", () -> driver.read(e.target())))
                    .map(after -> {
                        if (expected != null && !expected.equals(after.canaryWeight())) {
                            throw new ReadBackMismatch("the platform shows " + after.weights()
                                    + ", expected canary at " + expected + "%");
                        }
                        return after;
                    })
                    .onFailure(ReadBackMismatch.class).retry().withBackOff(Duration.ofMillis(100),
                            Duration.ofSeconds(1)).atMost(5)
                    .onFailure(ReadBackMismatch.class).transform(m -> new PlatformException(m.getMessage(), false));
        });
    }

    /** One blocking platform call, off the event loop, retried when the failure is transient, logged with its time. */
    private <T> Uni<T> call(Execution e, String name, Callable<T> call) {
        return Uni.createFrom().item(Instant::now).flatMap(start -> Uni.createFrom().item(() -> {
                    try {
                        return call.call();
                    } catch (Exception failure) {
                        throw failure instanceof RuntimeException runtime ? runtime : new CallFailed(failure);
                    }
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure(CallFailed.class).transform(Throwable::getCause)
                .onFailure(f -> f instanceof PlatformException p && p.isTransient())
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(3)
                .onItemOrFailure().transformToUni((result, failure) -> store.logStep(e.id(), name,
                                failure == null ? "ok" : "failed",
                                failure == null ? describe(result) : failure.getMessage(),
                                Duration.between(start, Instant.now()).toMillis())
                        .flatMap(x -> failure == null ? Uni.createFrom().item(result)
                                : Uni.createFrom().failure(failure))));
    }

    private Uni<Void> succeed(Execution e, LiveState live) {
        Instant now = Instant.now();
        List<StrideEvent> events = new ArrayList<>();
        if (e.isRollback()) {
            events.add(new RollbackCompleted(e.deploymentId(), e.attempt(), RollbackCompleted.Outcome.SUCCEEDED,
                    "stable restored; the platform shows " + live.weights()));
        } else {
            events.add(new PhaseStarted(e.deploymentId(), e.attempt(), e.phaseIndex(), e.phaseType(), live.weights(),
                    now));
            if (e.phaseType() == PhaseType.FINALIZE) {
                events.add(new PhaseCompleted(e.deploymentId(), e.attempt(), e.phaseIndex(), e.phaseType(),
                        PhaseCompleted.Outcome.PASSED, "finalized; the platform shows " + live.weights()));
            }
        }
        return end(e, "DONE", "observed " + live.weights(), events);
    }

    // A transient failure that outlived the quick retries (instances still booting, a throttled API): the execution
    // waits and is tried again every retry interval, in its deployment's order, until its patience is spent.
    private Uni<Void> waitOrFail(Execution e, String reason) {
        return store.retryLater(e.id(), retryInterval, patience).flatMap(waiting -> {
            if (waiting) {
                return store.logStep(e.id(), "wait", "retrying", reason + "; trying again in " + retryInterval, 0);
            }
            return fail(e, reason + " (still failing after " + human(patience) + ")");
        });
    }

    private Uni<Void> fail(Execution e, String reason) {
        StrideEvent event = e.isRollback()
                ? new RollbackCompleted(e.deploymentId(), e.attempt(), RollbackCompleted.Outcome.FAILED, reason)
                : new PhaseCompleted(e.deploymentId(), e.attempt(), e.phaseIndex(), e.phaseType(),
                        PhaseCompleted.Outcome.FAILED, reason);
        return end(e, "FAILED", reason, List.of(event));
    }

    // The execution ends and its events go to the outbox together; if another worker ended it first, nothing is
    // written twice.
    private Uni<Void> end(Execution e, String status, String outcome, List<StrideEvent> events) {
        return pool.withTransaction(tx -> store.finish(tx, e.id(), status, outcome).flatMap(ended -> !ended
                ? Uni.createFrom().voidItem()
                : Multi.createFrom().iterable(events).onItem().transformToUniAndConcatenate(ev -> outbox.append(tx, ev))
                        .collect().last().replaceWithVoid()))
                // The planner, the verifier and people wait for these: publish without waiting for the next poll.
                .invoke(publisher::publishSoon);
    }

    private static String human(Duration d) {
        return d.toSeconds() % 60 == 0 && d.toSeconds() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    private static String describe(Object result) {
        return result instanceof LiveState live ? "weights " + live.weights() : null;
    }

    private static final class ReadBackMismatch extends RuntimeException {
        ReadBackMismatch(String message) {
            super(message);
        }
    }

    private static final class CallFailed extends RuntimeException {
        CallFailed(Throwable cause) {
            super(cause);
        }
    }
}
