package dev.stride.notifier.delivery;

import java.util.HashMap;
import java.util.Map;

/**
 * Slots for deliveries in flight: at most {@code total} in all, and at most {@code perEndpoint} to any one endpoint
 * (host:port). An endpoint that stops answering keeps its slots busy until its calls time out, but it can hold only
 * its share: the other endpoints' deliveries still find free slots. Nothing waits for a slot: a sender claims only
 * as many rows as there are free slots, takes them for the rows it got, and gives back untried any it could not.
 */
final class Bulkhead {

    private final int total;
    private final int perEndpoint;
    private final Map<String, Integer> busy = new HashMap<>();
    private int inUse;

    Bulkhead(int total, int perEndpoint) {
        this.total = total;
        this.perEndpoint = perEndpoint;
    }

    /** How many of {@code wanted} slots {@code endpoint} could take now (without taking them). */
    synchronized int free(String endpoint, int wanted) {
        return Math.max(0, Math.min(wanted, Math.min(total - inUse, perEndpoint - busy.getOrDefault(endpoint, 0))));
    }

    /** Takes up to {@code wanted} slots for {@code endpoint}, as many as are free now (maybe none). */
    synchronized int take(String endpoint, int wanted) {
        int free = Math.min(total - inUse, perEndpoint - busy.getOrDefault(endpoint, 0));
        int granted = Math.max(0, Math.min(wanted, free));
        if (granted > 0) {
            inUse += granted;
            busy.merge(endpoint, granted, Integer::sum);
        }
        return granted;
    }

    /** Gives back {@code count} slots of {@code endpoint}. */
    synchronized void give(String endpoint, int count) {
        if (count <= 0) {
            return;
        }
        inUse -= count;
        busy.computeIfPresent(endpoint, (e, n) -> n - count <= 0 ? null : n - count);
    }

    /** Slots in use for {@code endpoint}. */
    synchronized int busy(String endpoint) {
        return busy.getOrDefault(endpoint, 0);
    }

    /** Slots in use in all. */
    synchronized int inUse() {
        return inUse;
    }
}
