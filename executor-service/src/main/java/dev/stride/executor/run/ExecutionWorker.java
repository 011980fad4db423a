package dev.stride.executor.run;

import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.StrideEvent;
import dev.stride.executor.migration.DatabaseBackups;
import dev.stride.executor.migration.MigrationPhase;
import dev.stride.executor.migration.MigrationRequest;
import dev.stride.executor.traffic.BoundDriver;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.RolloutInProgress;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficDrivers;
import dev.stride.kit.messaging.Outbox;
import dev.stride.kit.messaging.OutboxPublisher;
import dev.stride.kit.runtime.Bulkhead;
import dev.stride.kit.runtime.ClaimLoop;
import dev.stride.kit.runtime.PeriodicJob;
import dev.stride.kit.runtime.Settings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Works executions side by side, one deployment's strictly in order: reads the platform, applies the phase or
 * restores stable unless the platform already shows it, reads back and compares (Argo's VerifyWeight), then ends
 * the execution and writes its events (PhaseStarted with the observed weights; PhaseCompleted for FINALIZE, which
 * nothing analyses; RollbackCompleted) in one transaction. Every platform call goes to the step log.
 *
 * <p>Isolation: platform calls run on a bounded pool of {@code stride.executor.workers} threads, and the executions
 * of one endpoint (an API server, an AWS region and account, a HAProxy socket) hold at most
 * {@code stride.executor.workers-per-endpoint} of them: an endpoint that does not answer delays only its own
 * deployments. Rollbacks are claimed first and {@code stride.executor.rollback-reserve} slots are kept for them. A
 * rollback supersedes its own deployment's phase in flight at that phase's next platform call. Nothing waits on a
 * thread: a rollout still under way or a transient failure puts the execution back with a re-check time.
 *
 * <p>Claims are leases: renewed while worked on, and an execution whose replica died (no renewal for
 * {@code stride.executor.stale-after}) is taken up again by any replica and re-verified, so its events are still
 * written exactly once.
 */
@ApplicationScoped
public class ExecutionWorker {

    private static final Logger LOG = Logger.getLogger(ExecutionWorker.class);
    private static final int MAX_TRIES = 5;
    // A held ROLLOUT is looked at again this often while its deployment stays paused (the resume
    // takes it up at once).
    private static final Duration HELD_RECHECK = Duration.ofSeconds(30);
    // A MIGRATION phase whose database another migration holds looks again this often, until its
    // timeout.
    private static final Duration MIGRATION_LOCK_RECHECK = Duration.ofSeconds(2);
    private static final Duration OWN_DATABASE_DEADLINE = Duration.ofSeconds(10);

    private final Pool pool;
    private final ExecutionStore store;
    private final TrafficDrivers drivers;
    private final Outbox outbox;
    private final OutboxPublisher publisher;
    private final MigrationPhase migrations;
    private final Duration staleAfter;
    private final Duration retryInterval;
    private final Duration patience;
    private final int workers;
    private final int perEndpoint;
    private final int rollbackReserve;
    private final ExecutorService platformThreads;
    private final Map<Long, String> inFlight = new ConcurrentHashMap<>();
    private final ClaimLoop<Execution> job;
    private final PeriodicJob lease;

    public ExecutionWorker(
            Pool pool,
            ExecutionStore store,
            TrafficDrivers drivers,
            Outbox outbox,
            OutboxPublisher publisher,
            MigrationPhase migrations,
            Vertx vertx,
            @ConfigProperty(name = "stride.executor.poll-interval", defaultValue = "200ms")
                    Duration interval,
            @ConfigProperty(name = "stride.executor.stale-after", defaultValue = "15s")
                    Duration staleAfter,
            @ConfigProperty(name = "stride.executor.transient-retry-interval", defaultValue = "5s")
                    Duration retryInterval,
            @ConfigProperty(name = "stride.executor.transient-patience", defaultValue = "10m")
                    Duration patience,
            @ConfigProperty(name = "stride.executor.workers", defaultValue = "32") int workers,
            @ConfigProperty(name = "stride.executor.workers-per-endpoint", defaultValue = "4")
                    int perEndpoint,
            @ConfigProperty(name = "stride.executor.rollback-reserve", defaultValue = "2")
                    int rollbackReserve) {
        this.pool = pool;
        this.store = store;
        this.drivers = drivers;
        this.outbox = outbox;
        this.publisher = publisher;
        this.migrations = migrations;
        this.staleAfter = Settings.positive("stride.executor.stale-after", staleAfter);
        this.retryInterval =
                Settings.positive("stride.executor.transient-retry-interval", retryInterval);
        this.patience = Settings.positive("stride.executor.transient-patience", patience);
        this.workers = Settings.between("stride.executor.workers", workers, 1, 1024);
        this.perEndpoint =
                Settings.between(
                        "stride.executor.workers-per-endpoint", perEndpoint, 1, this.workers);
        this.rollbackReserve =
                Settings.between(
                        "stride.executor.rollback-reserve", rollbackReserve, 0, this.workers - 1);
        AtomicInteger threads = new AtomicInteger();
        this.platformThreads =
                Executors.newFixedThreadPool(
                        this.workers,
                        r -> {
                            Thread t =
                                    new Thread(r, "stride-platform-" + threads.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        // Every end looks again at once: it may have made its deployment's next execution due.
        this.job =
                new ClaimLoop<>(
                        "Executing phases",
                        vertx,
                        Settings.positive("stride.executor.poll-interval", interval),
                        Duration.ofMinutes(1),
                        new Bulkhead(this.workers, this.perEndpoint, this.rollbackReserve),
                        Integer.MAX_VALUE,
                        ClaimLoop.Wake.AFTER_EVERY_END,
                        new ClaimLoop.Work<>() {
                            @Override
                            public Uni<List<Execution>> claim(Bulkhead.Round round) {
                                return ExecutionWorker.this.claim(round);
                            }

                            @Override
                            public String endpoint(Execution e) {
                                return ExecutionWorker.this.endpoint(e);
                            }

                            @Override
                            public Uni<Void> run(Execution e) {
                                return ExecutionWorker.this.run(e);
                            }

                            // Still ours: its lease lapsed while a call was slow; the run in flight
                            // finishes it.
                            @Override
                            public boolean running(Execution e) {
                                return inFlight.containsKey(e.id());
                            }

                            // Its endpoint filled up within this claim: back to its row, claimable
                            // once a slot frees.
                            @Override
                            public Uni<Void> giveBack(Execution e) {
                                return store.release(e.id());
                            }
                        });
        // Renewed three times per stale-after: a replica that is alive never loses its claims.
        this.lease =
                new PeriodicJob(
                        "Renewing execution claims",
                        vertx,
                        this.staleAfter.dividedBy(3),
                        this.staleAfter,
                        () ->
                                inFlight.isEmpty()
                                        ? Uni.createFrom().item(false)
                                        : store.renew(List.copyOf(inFlight.keySet()))
                                                .replaceWith(false));
    }

    void start(@Observes StartupEvent event) {
        // The drivers are built now, not at the first phase: a bad setting of theirs stops the
        // executor at start.
        LOG.infof(
                "Traffic drivers for %s; %d workers, at most %d per endpoint, %d kept for rollbacks",
                drivers.targetTypes(), workers, perEndpoint, rollbackReserve);
        job.start();
        lease.start();
    }

    void stop(@Observes ShutdownEvent event) {
        job.stop();
        lease.stop();
        platformThreads.shutdownNow();
    }

    /** New work has been recorded: start on it now rather than at the next tick. */
    public void wake() {
        job.wake();
    }

    /** How many executions this replica is working on now. */
    public int inFlight() {
        return job.inFlight();
    }

    // Claims as many executions as there are free workers (only rollbacks once the free ones are
    // down to the
    // reserve), none of an endpoint that holds its full share; the loop starts each on its own and
    // returns at once.
    private Uni<List<Execution>> claim(Bulkhead.Round round) {
        return store.claim(round.limit(), staleAfter, round.priorityOnly(), round.full());
    }

    // One execution's run: tracked for the lease renewal while in flight.
    private Uni<Void> run(Execution e) {
        inFlight.put(e.id(), endpoint(e));
        return work(e).onTermination()
                .invoke(() -> inFlight.remove(e.id()))
                .onFailure()
                .invoke(failure -> LOG.warnf("Execution %d: %s", e.id(), failure.toString()))
                .onFailure()
                .recoverWithNull();
    }

    private String endpoint(Execution e) {
        if (e.phaseType() == PhaseType.MIGRATION) {
            return ExecutionRequests.migrationEndpoint(e.parameters());
        }
        if (e.target() == null) {
            return "none";
        }
        return drivers.endpoint(e.target());
    }

    private Uni<Void> work(Execution e) {
        Uni<Void> run;
        if (e.phaseType() == PhaseType.MIGRATION) {
            run = migrate(e);
        } else if (e.target() == null) {
            run =
                    end(
                            e,
                            "DONE",
                            "nothing of this attempt had reached the platform",
                            List.of(
                                    new RollbackCompleted(
                                            e.deploymentId(),
                                            e.attempt(),
                                            RollbackCompleted.Outcome.SUCCEEDED,
                                            "nothing of this attempt had reached the platform")));
        } else {
            BoundDriver<?> driver = drivers.forTarget(e.target()).orElse(null);
            run =
                    driver != null && e.held()
                            ? hold(e, driver)
                            : driver == null
                                    ? fail(
                                            e,
                                            "no traffic driver for platform "
                                                    + e.target().platform()
                                                    + " yet")
                                    : restoreFollows(e)
                                            .flatMap(
                                                    keep ->
                                                            reconcile(
                                                                    e,
                                                                    driver,
                                                                    keep
                                                                            ? new Asked(
                                                                                    TrafficAction
                                                                                            .RESTORE_KEEPING_MAINTENANCE,
                                                                                    null)
                                                                            : Asked.of(e)))
                                            .flatMap(live -> succeed(e, live))
                                            .onFailure(Superseded.class)
                                            .recoverWithUni(x -> supersede(e))
                                            .onFailure(PlatformException.class)
                                            .recoverWithUni(
                                                    failure -> {
                                                        if (failure
                                                                instanceof
                                                                RolloutInProgress progress) {
                                                            return recheckLater(e, progress);
                                                        }
                                                        // Transient: the platform did not answer or
                                                        // is not
                                                        // ready; say which endpoint.
                                                        return failure.isTransient()
                                                                ? waitOrFail(
                                                                        e,
                                                                        failure.getMessage()
                                                                                + " ("
                                                                                + endpoint(e)
                                                                                + ")")
                                                                : fail(e, failure.getMessage());
                                                    });
        }
        // Anything else (a bug, a crash of the worker) leaves the execution APPLYING, to be taken
        // up again.
        return run.onFailure()
                .recoverWithUni(
                        failure -> {
                            LOG.warnf(
                                    "Execution %d (%s %s) interrupted, will be taken up again: %s",
                                    e.id(), e.deploymentId(), e.step(), failure.toString());
                            return e.tries() >= MAX_TRIES
                                    ? fail(e, "gave up after " + e.tries() + " tries: " + failure)
                                    : Uni.createFrom().voidItem();
                        });
    }

    // A MIGRATION phase: announced once (PhaseStarted: its deadline is now its timeout), then run
    // on a
    // platform thread. The steps go to the step log as they happen and the backup is recorded
    // before
    // anything is migrated. A held lock puts the row back to check again; every failure is
    // permanent.
    private Uni<Void> migrate(Execution e) {
        MigrationRequest request;
        try {
            request = MigrationRequest.parse(e.parameters());
        } catch (IllegalArgumentException malformed) {
            return fail(e, malformed.getMessage());
        }
        if (request.isRestore()) {
            return restoreDatabase(e, request);
        }
        return announce(e)
                .flatMap(x -> store.backupOf(e.id()))
                .flatMap(
                        earlier ->
                                call(
                                        e,
                                        "migrate " + request.stage(),
                                        () ->
                                                migrations.run(
                                                        request,
                                                        backupName(e, request),
                                                        journal(e, earlier))))
                .flatMap(outcome -> migrationEnded(e, request, outcome))
                .onFailure(Superseded.class)
                .recoverWithUni(x -> supersede(e))
                .onFailure(PlatformException.class)
                .recoverWithUni(failure -> fail(e, failure.getMessage()));
    }

    // A migration (or restore) done ends the phase PASSED; one waiting for the database's lock
    // looks again later, within the phase's timeout.
    private Uni<Void> migrationEnded(
            Execution e, MigrationRequest request, MigrationPhase.Outcome outcome) {
        if (outcome instanceof MigrationPhase.Done done) {
            return end(
                    e,
                    "DONE",
                    done.summary(),
                    List.of(
                            new PhaseCompleted(
                                    e.deploymentId(),
                                    e.attempt(),
                                    e.phaseIndex(),
                                    e.phaseType(),
                                    PhaseCompleted.Outcome.PASSED,
                                    done.summary())));
        }
        return recheckLater(
                e,
                new RolloutInProgress(
                        ((MigrationPhase.Busy) outcome).why(),
                        MIGRATION_LOCK_RECHECK,
                        request.timeout()));
    }

    // A rollback whose attempt backed up a database with restore_on_rollback keeps the application
    // in maintenance: the database restore that follows takes it out.
    private Uni<Boolean> restoreFollows(Execution e) {
        return e.isRollback()
                ? store.restoreFollows(e.deploymentId(), e.attempt())
                : Uni.createFrom().item(false);
    }

    // The rollback's database restore: the attempt's recorded backup back into the database, with
    // the application in maintenance, then the integrity check; or, declined, maintenance off.
    private Uni<Void> restoreDatabase(Execution e, MigrationRequest request) {
        BoundDriver<?> driver =
                e.target() == null ? null : drivers.forTarget(e.target()).orElse(null);
        if (driver == null) {
            return fail(
                    e, "no traffic driver for the target, so no maintenance mode for the restore");
        }
        return announce(e)
                .flatMap(x -> store.backupOfAttempt(e.deploymentId(), e.attempt()))
                .flatMap(
                        backup ->
                                call(
                                        e,
                                        request.restore() ? "restore database" : "maintenance off",
                                        () ->
                                                migrations.restore(
                                                        request,
                                                        backup,
                                                        driver::maintenance,
                                                        journal(e, backup))))
                .flatMap(outcome -> migrationEnded(e, request, outcome))
                .onFailure(PlatformException.class)
                .recoverWithUni(failure -> fail(e, failure.getMessage()));
    }

    private Uni<Void> announce(Execution e) {
        return pool.withTransaction(
                        tx ->
                                store.markStarted(tx, e.id())
                                        .flatMap(
                                                first ->
                                                        first
                                                                ? outbox.append(
                                                                                tx,
                                                                                new PhaseStarted(
                                                                                        e
                                                                                                .deploymentId(),
                                                                                        e.attempt(),
                                                                                        e
                                                                                                .phaseIndex(),
                                                                                        e
                                                                                                .phaseType(),
                                                                                        Map.of(),
                                                                                        Instant
                                                                                                .now()))
                                                                        .replaceWithVoid()
                                                                : Uni.createFrom().voidItem()))
                .invoke(publisher::publishSoon);
    }

    // The step log and the backup record are written from the platform thread, each within a
    // deadline: a database of the executor's own that does not answer fails the step, and the row
    // is taken up again.
    private MigrationPhase.Journal journal(
            Execution e, java.util.Optional<DatabaseBackups.Backup> earlier) {
        return new MigrationPhase.Journal() {
            @Override
            public void step(String call, String result, String detail, Duration took) {
                store.logStep(e.id(), call, result, detail, took.toMillis())
                        .await()
                        .atMost(OWN_DATABASE_DEADLINE);
            }

            @Override
            public java.util.Optional<DatabaseBackups.Backup> earlierBackup() {
                return earlier;
            }

            @Override
            public void backedUp(DatabaseBackups.Backup backup) {
                store.recordBackup(e, backup).await().atMost(OWN_DATABASE_DEADLINE);
            }
        };
    }

    // <application>-<environment>-<deployment>-a<attempt>-p<phase>-<UTC time>: unique per run,
    // sorted by time
    // within a release.
    static String backupName(Execution e, MigrationRequest request) {
        String at =
                java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                        .withZone(java.time.ZoneOffset.UTC)
                        .format(Instant.now());
        return request.application()
                + "-"
                + request.environment()
                + "-"
                + e.deploymentId()
                + "-a"
                + e.attempt()
                + "-p"
                + e.phaseIndex()
                + "-"
                + at;
    }

    /** Reads, applies unless already in place, reads back until the platform shows the expected state. */
    private Uni<LiveState> reconcile(Execution e, BoundDriver<?> driver, Asked asked) {
        Integer expected = ExpectedState.canaryWeight(asked.parsed());
        return call(e, "read", driver::read)
                .flatMap(
                        before -> {
                            if (ExpectedState.alreadyInPlace(asked.parsed(), expected, before)) {
                                return store.logStep(
                                                e.id(),
                                                "apply",
                                                "skipped",
                                                "already in place: " + before.weights(),
                                                0)
                                        .replaceWith(before);
                            }
                            Uni<Void> apply =
                                    call(
                                            e,
                                            e.isRollback()
                                                    ? "restore-stable"
                                                    : "apply " + e.phaseType(),
                                            () -> {
                                                driver.apply(asked.action());
                                                return null;
                                            });
                            return apply.flatMap(x -> call(e, "read-back", driver::read))
                                    .map(
                                            after -> {
                                                if (expected != null
                                                        && !expected.equals(after.canaryWeight())) {
                                                    throw new ReadBackMismatch(
                                                            "the platform shows "
                                                                    + after.weights()
                                                                    + ", expected canary at "
                                                                    + expected
                                                                    + "%");
                                                }
                                                return after;
                                            })
                                    .onFailure(ReadBackMismatch.class)
                                    .retry()
                                    .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(1))
                                    .atMost(5)
                                    .onFailure(ReadBackMismatch.class)
                                    .transform(m -> new PlatformException(m.getMessage(), false));
                        });
    }

    /**
     * The execution's action, read once from its phase (or the rollback's {@link TrafficAction#RESTORE}), or why it
     * cannot be read: that failure is the apply step's, after the read and the safe point, like any refusal.
     */
    private record Asked(TrafficAction parsed, PlatformException malformed) {

        static Asked of(Execution e) {
            if (e.isRollback()) {
                return new Asked(TrafficAction.RESTORE, null);
            }
            try {
                return new Asked(
                        PhaseActions.parse(e.target().platform(), e.phaseType(), e.parameters()),
                        null);
            } catch (PlatformException malformed) {
                return new Asked(null, malformed);
            }
        }

        TrafficAction action() throws PlatformException {
            if (malformed != null) {
                throw malformed;
            }
            return parsed;
        }
    }

    /**
     * One blocking platform call on the platform threads, retried when the failure is transient, logged with its
     * time. A phase checks first that no rollback of its attempt has been asked for: that is its safe point.
     */
    private <T> Uni<T> call(Execution e, String name, Callable<T> call) {
        Uni<Void> safePoint =
                e.isRollback() || e.isDatabaseRestore()
                        ? Uni.createFrom().voidItem()
                        : store.rollbackRequested(e.deploymentId(), e.attempt())
                                .map(
                                        rolledBack -> {
                                            if (rolledBack) {
                                                throw new Superseded();
                                            }
                                            return null;
                                        });
        // Each attempt is logged on its own, with its own time: a call to an endpoint that does not
        // answer shows as
        // one failed step per attempt, each ending at the call's deadline.
        Uni<T> attempt =
                Uni.createFrom()
                        .item(Instant::now)
                        .flatMap(
                                start ->
                                        safePoint
                                                .flatMap(
                                                        x ->
                                                                Uni.createFrom()
                                                                        .item(
                                                                                () -> {
                                                                                    try {
                                                                                        return call
                                                                                                .call();
                                                                                    } catch (
                                                                                            Exception
                                                                                                    failure) {
                                                                                        throw failure
                                                                                                        instanceof
                                                                                                        RuntimeException
                                                                                                                runtime
                                                                                                ? runtime
                                                                                                : new CallFailed(
                                                                                                        failure);
                                                                                    }
                                                                                })
                                                                        .runSubscriptionOn(
                                                                                platformThreads)
                                                                        .onFailure(CallFailed.class)
                                                                        .transform(
                                                                                Throwable
                                                                                        ::getCause))
                                                .onItemOrFailure()
                                                .transformToUni(
                                                        (result, failure) ->
                                                                failure instanceof Superseded
                                                                        ? Uni.createFrom()
                                                                                .failure(failure)
                                                                        : store.logStep(
                                                                                        e.id(),
                                                                                        name,
                                                                                        result(
                                                                                                failure),
                                                                                        failure
                                                                                                        == null
                                                                                                ? describe(
                                                                                                        result)
                                                                                                : failure
                                                                                                                        instanceof
                                                                                                                        PlatformException
                                                                                                                                p
                                                                                                                && p
                                                                                                                        .isTransient()
                                                                                                        ? failure
                                                                                                                        .getMessage()
                                                                                                                + " ("
                                                                                                                + endpoint(
                                                                                                                        e)
                                                                                                                + ")"
                                                                                                        : failure
                                                                                                                .getMessage(),
                                                                                        Duration
                                                                                                .between(
                                                                                                        start,
                                                                                                        Instant
                                                                                                                .now())
                                                                                                .toMillis())
                                                                                .flatMap(
                                                                                        x ->
                                                                                                failure
                                                                                                                == null
                                                                                                        ? Uni
                                                                                                                .createFrom()
                                                                                                                .item(
                                                                                                                        result)
                                                                                                        : Uni
                                                                                                                .createFrom()
                                                                                                                .failure(
                                                                                                                        failure))));
        return attempt.onFailure(f -> f instanceof PlatformException p && p.isTransient())
                .retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .atMost(3);
    }

    private static String result(Throwable failure) {
        if (failure == null) {
            return "ok";
        }
        return failure instanceof RolloutInProgress ? "in progress" : "failed";
    }

    private Uni<Void> succeed(Execution e, LiveState live) {
        Instant now = Instant.now();
        List<StrideEvent> events = new ArrayList<>();
        if (e.isRollback()) {
            events.add(
                    new RollbackCompleted(
                            e.deploymentId(),
                            e.attempt(),
                            RollbackCompleted.Outcome.SUCCEEDED,
                            "stable restored; the platform shows " + live.weights()));
        } else {
            events.add(
                    new PhaseStarted(
                            e.deploymentId(),
                            e.attempt(),
                            e.phaseIndex(),
                            e.phaseType(),
                            live.weights(),
                            now));
            if (e.phaseType() == PhaseType.FINALIZE) {
                events.add(
                        new PhaseCompleted(
                                e.deploymentId(),
                                e.attempt(),
                                e.phaseIndex(),
                                e.phaseType(),
                                PhaseCompleted.Outcome.PASSED,
                                "finalized; the platform shows " + live.weights()));
            }
        }
        return end(e, "DONE", "observed " + live.weights(), events);
    }

    // The rollback of this attempt was asked for while the phase was in flight: the phase stops
    // here, emits nothing
    // (the planner is rolling back), and the rollback, next in this deployment's line, starts at
    // once.
    private Uni<Void> supersede(Execution e) {
        return store.logStep(
                        e.id(),
                        "superseded",
                        "cancelled",
                        "a rollback of this attempt was asked for: the phase stops before its next platform call",
                        0)
                .flatMap(x -> end(e, "CANCELLED", "superseded by the rollback", List.of()))
                .invoke(() -> job.wake());
    }

    // A paused deployment's ROLLOUT: the platform's rollout is held (the batches replaced so far
    // stay)
    // and the row waits for the resume, which takes it up at once; looked at again now and then, in
    // case a hold did not take. Its patience does not run meanwhile.
    private Uni<Void> hold(Execution e, BoundDriver<?> driver) {
        return call(
                        e,
                        "hold",
                        () -> {
                            driver.hold();
                            return "rollout held until the deployment is resumed";
                        })
                .replaceWithVoid()
                .flatMap(x -> store.waitHeld(e.id(), HELD_RECHECK))
                .onFailure(Superseded.class)
                .recoverWithUni(x -> supersede(e))
                // The step log has the platform's answer; the hold is tried again at the recheck.
                .onFailure(PlatformException.class)
                .recoverWithUni(x -> store.waitHeld(e.id(), HELD_RECHECK));
    }

    // The platform took the change and is rolling it out: checked again after its interval (the row
    // waits, no
    // thread does), until the platform's progress deadline after the phase was asked for.
    private Uni<Void> recheckLater(Execution e, RolloutInProgress progress) {
        return store.retryLater(e.id(), progress.recheckAfter(), progress.deadline())
                .flatMap(
                        waiting -> {
                            if (waiting) {
                                return store.logStep(
                                        e.id(),
                                        "wait",
                                        "in progress",
                                        progress.getMessage()
                                                + "; checking again in "
                                                + human(progress.recheckAfter()),
                                        0);
                            }
                            return fail(
                                    e,
                                    progress.getMessage()
                                            + ", and did not finish within "
                                            + human(progress.deadline()));
                        });
    }

    // A transient failure that outlived the quick retries (instances still booting, a throttled
    // API, an endpoint
    // that does not answer): the execution waits and is tried again every retry interval, in its
    // deployment's order,
    // until its patience is spent.
    private Uni<Void> waitOrFail(Execution e, String reason) {
        return store.retryLater(e.id(), retryInterval, patience)
                .flatMap(
                        waiting -> {
                            if (waiting) {
                                return store.logStep(
                                        e.id(),
                                        "wait",
                                        "retrying",
                                        reason + "; trying again in " + human(retryInterval),
                                        0);
                            }
                            return fail(
                                    e, reason + " (still failing after " + human(patience) + ")");
                        });
    }

    private Uni<Void> fail(Execution e, String reason) {
        StrideEvent event =
                e.isRollback()
                        ? new RollbackCompleted(
                                e.deploymentId(),
                                e.attempt(),
                                RollbackCompleted.Outcome.FAILED,
                                reason)
                        : new PhaseCompleted(
                                e.deploymentId(),
                                e.attempt(),
                                e.phaseIndex(),
                                e.phaseType(),
                                PhaseCompleted.Outcome.FAILED,
                                reason);
        return end(e, "FAILED", reason, List.of(event));
    }

    // The execution ends and its events go to the outbox together; if another worker ended it
    // first, nothing is
    // written twice.
    private Uni<Void> end(Execution e, String status, String outcome, List<StrideEvent> events) {
        return pool.withTransaction(
                        tx ->
                                store.finish(tx, e.id(), status, outcome)
                                        .flatMap(
                                                ended ->
                                                        !ended || events.isEmpty()
                                                                ? Uni.createFrom().voidItem()
                                                                : Multi.createFrom()
                                                                        .iterable(events)
                                                                        .onItem()
                                                                        .transformToUniAndConcatenate(
                                                                                ev ->
                                                                                        outbox
                                                                                                .append(
                                                                                                        tx,
                                                                                                        ev))
                                                                        .collect()
                                                                        .last()
                                                                        .replaceWithVoid()))
                // The planner, the verifier and people wait for these: publish without waiting for
                // the next poll.
                .invoke(publisher::publishSoon);
    }

    static String human(Duration d) {
        if (d.toSeconds() % 60 == 0 && d.toSeconds() > 0) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() > 0 && d.toMillis() % 1000 == 0
                ? d.toSeconds() + " s"
                : d.toMillis() + " ms";
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

    private static final class Superseded extends RuntimeException {
        Superseded() {
            super("superseded by a rollback", null, false, false);
        }
    }
}
