package dev.stride.kit.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Slots for outside calls in flight on one replica: at most {@code total} in all, at most {@code perEndpoint} to any
 * one endpoint (an API server, a Prometheus, a webhook host), and optionally the last {@code reserve} free slots kept
 * for priority work (the executor's rollbacks). An endpoint that stops answering holds its slots until its calls time
 * out, but only its share: the other endpoints' work still finds free slots.
 *
 * <p>Nothing waits for a slot. A worker asks how much room there is ({@link #round} for a claim loop, {@link #free}
 * for one endpoint), claims only that much work, takes slots for what it got ({@link #take}) and gives them back
 * when each call ends ({@link #give}). Counts grow only through {@code take} and shrink as calls end, so room read
 * before a claim still holds when the claim returns (one claim at a time per bulkhead user). Shared by the
 * executor's worker, the verifier's scheduler and the notifier's senders, so the three keep the same rules.
 */
public final class Bulkhead {

    private final int total;
    private final int perEndpoint;
    private final int reserve;
    private final Map<String, Integer> busy = new HashMap<>();
    private int inUse;

    /** A bulkhead without a reserve. */
    public Bulkhead(int total, int perEndpoint) {
        this(total, perEndpoint, 0);
    }

    public Bulkhead(int total, int perEndpoint, int reserve) {
        if (total < 1 || perEndpoint < 1) {
            throw new IllegalArgumentException(
                    "a bulkhead needs at least one slot in all and per endpoint, has "
                            + total
                            + " and "
                            + perEndpoint);
        }
        if (reserve < 0 || reserve >= total) {
            throw new IllegalArgumentException(
                    "a bulkhead's reserve must be between 0 and "
                            + (total - 1)
                            + ", is "
                            + reserve);
        }
        this.total = total;
        this.perEndpoint = perEndpoint;
        this.reserve = reserve;
    }

    /** At most this many to one endpoint. */
    public int perEndpoint() {
        return perEndpoint;
    }

    /** Slots free in all. */
    public synchronized int free() {
        return total - inUse;
    }

    /** How many of {@code wanted} slots {@code endpoint} could take now (without taking them). */
    public synchronized int free(String endpoint, int wanted) {
        return Math.max(0, Math.min(wanted, room(endpoint)));
    }

    /** Slots in use in all. */
    public synchronized int inUse() {
        return inUse;
    }

    /** Slots in use for {@code endpoint}. */
    public synchronized int busy(String endpoint) {
        return busy.getOrDefault(endpoint, 0);
    }

    /**
     * The room for one claim of at most {@code batch}: how many to claim, whether only priority work may be claimed
     * (the free slots are down to the reserve), the endpoints at their share (leave their work alone) and the
     * endpoints in use with room left, with how much.
     */
    public synchronized Round round(int batch) {
        int free = total - inUse;
        List<String> full = new ArrayList<>();
        Map<String, Integer> partly = new LinkedHashMap<>();
        busy.forEach(
                (endpoint, n) -> {
                    if (n >= perEndpoint) {
                        full.add(endpoint);
                    } else {
                        partly.put(endpoint, perEndpoint - n);
                    }
                });
        return new Round(
                Math.max(0, Math.min(batch, free)), free <= reserve, full, partly, perEndpoint);
    }

    /** Takes up to {@code wanted} slots for {@code endpoint}, as many as are free now (maybe none). */
    public synchronized int take(String endpoint, int wanted) {
        int granted = Math.max(0, Math.min(wanted, room(endpoint)));
        if (granted > 0) {
            inUse += granted;
            busy.merge(endpoint, granted, Integer::sum);
        }
        return granted;
    }

    /**
     * Gives back {@code count} slots of {@code endpoint}; true if a limit that was reached (in all, or the endpoint's
     * share) has opened, so work held back by it may now be claimed.
     */
    public synchronized boolean give(String endpoint, int count) {
        if (count <= 0) {
            return false;
        }
        boolean wasFull = inUse >= total;
        inUse -= count;
        Integer n = busy.get(endpoint);
        if (n != null) {
            wasFull |= n >= perEndpoint;
            if (n - count <= 0) {
                busy.remove(endpoint);
            } else {
                busy.put(endpoint, n - count);
            }
        }
        return wasFull;
    }

    private int room(String endpoint) {
        return Math.min(total - inUse, perEndpoint - busy.getOrDefault(endpoint, 0));
    }

    /**
     * The room for one claim.
     *
     * @param limit how many to claim at most (0: none)
     * @param priorityOnly the free slots are down to the reserve: claim only priority work
     * @param full endpoints at their share: claim none of theirs
     * @param partly endpoints in use with room left, and how many more each may take
     * @param perEndpoint how many any other endpoint may take
     */
    public record Round(
            int limit,
            boolean priorityOnly,
            List<String> full,
            Map<String, Integer> partly,
            int perEndpoint) {

        public Round {
            full = List.copyOf(full);
            partly = Collections.unmodifiableMap(new LinkedHashMap<>(partly));
        }
    }
}
