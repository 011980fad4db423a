package dev.stride.kit.runtime;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The claim loop of a worker that runs many outside calls side by side from rows in PostgreSQL (the executor's
 * executions, the verifier's measurements). Each tick of a {@link PeriodicJob} is one round: it reads the room in
 * the {@link Bulkhead} (free slots, endpoints at their share), claims at most that many due rows leaving the full
 * endpoints out ({@link Work#claim}), takes a slot for each row it got and sets it going on its own
 * ({@link Work#run}), and is done: a round never waits for the work it started. A round that got all it asked for
 * runs again at once (more may be due). Each slot is given back when its work ends, however it ends; then the loop
 * looks again at once, after every end or only when that end opened a limit that held work back ({@link Wake}).
 *
 * <p>The loop is non-blocking: claims return a {@link Uni} (the reactive PostgreSQL client), and the work runs
 * wherever its Uni runs it (the executor's platform threads, the verifier's non-blocking HTTP). What a row is, how it
 * is claimed and leased, and what its work does stay with the service.
 *
 * @param <T> a claimed row
 */
public final class ClaimLoop<T> {

    private static final Logger LOG = Logger.getLogger(ClaimLoop.class);

    /** When a slot given back makes the loop claim again at once. */
    public enum Wake {
        /** After every end: ending one row's work may make another due (the executor's next step in line). */
        AFTER_EVERY_END,
        /** Only when the end opened a limit that was reached; otherwise the next tick claims. */
        WHEN_A_LIMIT_OPENS
    }

    /** What the service supplies: how to claim, where each row's calls go, and the work itself. */
    public interface Work<T> {

        /** Claims at most {@code round.limit()} due rows, none of {@code round.full()}'s endpoints. */
        Uni<List<T>> claim(Bulkhead.Round round);

        /** The endpoint the row's calls go to, as the bulkhead counts it. */
        String endpoint(T row);

        /** The row's work; its slot is given back when the Uni ends. Subscribed at once, never awaited. */
        Uni<Void> run(T row);

        /** The row's work is already in flight here (its claim lapsed and came back to us): it is not started twice. */
        default boolean running(T row) {
            return false;
        }

        /** A claimed row whose endpoint filled up within the round: give it back untried. */
        default Uni<Void> giveBack(T row) {
            return Uni.createFrom().voidItem();
        }
    }

    private final String name;
    private final Bulkhead bulkhead;
    private final int batch;
    private final Wake wake;
    private final Work<T> work;
    private final PeriodicJob job;

    /**
     * @param name what the loop does, for logs
     * @param tick how often it claims when nothing wakes it
     * @param timeout a round (a claim) that takes longer fails, so the loop is never stuck
     * @param batch at most this many rows per round (besides the free slots)
     */
    public ClaimLoop(
            String name,
            Vertx vertx,
            Duration tick,
            Duration timeout,
            Bulkhead bulkhead,
            int batch,
            Wake wake,
            Work<T> work) {
        this.name = name;
        this.bulkhead = bulkhead;
        this.batch = batch;
        this.wake = wake;
        this.work = work;
        this.job = new PeriodicJob(name, vertx, tick, timeout, this::round);
    }

    public void start() {
        job.start();
    }

    public void stop() {
        job.stop();
    }

    /** Something became due now: claim at once rather than at the next tick (skipped if a round is in flight). */
    public void wake() {
        job.runNow();
    }

    /** Rows whose work is in flight now. */
    public int inFlight() {
        return bulkhead.inUse();
    }

    /** One round: claims what the room allows and starts it; true if it got all it asked for and room is left. */
    Uni<Boolean> round() {
        Bulkhead.Round round = bulkhead.round(batch);
        if (round.limit() <= 0) {
            return Uni.createFrom().item(false);
        }
        return work.claim(round)
                .flatMap(
                        claimed -> {
                            List<Uni<Void>> givenBack = new ArrayList<>();
                            for (T row : claimed) {
                                if (work.running(row)) {
                                    continue;
                                }
                                String endpoint = work.endpoint(row);
                                if (bulkhead.take(endpoint, 1) == 0) {
                                    // Its endpoint filled up within this round: back to its row,
                                    // claimable once a slot frees (the
                                    // next round leaves the endpoint out).
                                    givenBack.add(work.giveBack(row));
                                    continue;
                                }
                                start(row, endpoint);
                            }
                            Uni<Void> back =
                                    givenBack.isEmpty()
                                            ? Uni.createFrom().voidItem()
                                            : Uni.join()
                                                    .all(givenBack)
                                                    .andCollectFailures()
                                                    .replaceWithVoid();
                            // All it asked for: more may be due. Only priority work asked for: the
                            // rest waits for a slot anyway.
                            return back.map(
                                    x ->
                                            claimed.size() == round.limit()
                                                    && !round.priorityOnly()
                                                    && bulkhead.free() > 0);
                        });
    }

    private void start(T row, String endpoint) {
        Uni<Void> running;
        try {
            running = work.run(row);
        } catch (RuntimeException e) {
            running = Uni.createFrom().failure(e);
        }
        running.onTermination()
                .invoke(
                        () -> {
                            boolean opened = bulkhead.give(endpoint, 1);
                            if (opened || wake == Wake.AFTER_EVERY_END) {
                                job.runNow();
                            }
                        })
                .subscribe()
                .with(
                        done -> {},
                        failure -> LOG.warnf("%s: %s failed: %s", name, row, failure.toString()));
    }
}
