package dev.stride.verifier.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The measurements this verifier has in flight, in all and per endpoint: at most {@code max} at once, and at most
 * {@code share} to one endpoint, so an endpoint that does not answer (each of its measurements held until the
 * timeout) can hold only its share and the others keep their slots. Per replica: each replica bounds its own.
 * Counts only grow through {@link #take} (one claim round at a time) and shrink as measurements end, so a limit read
 * before a claim still holds when the claim returns.
 */
final class InFlight {

    private final int max;
    private final int share;
    private final Map<String, Integer> byEndpoint = new HashMap<>();
    private int total;

    InFlight(int max, int share) {
        this.max = max;
        this.share = share;
    }

    int share() {
        return share;
    }

    synchronized int free() {
        return max - total;
    }

    synchronized int total() {
        return total;
    }

    /** Endpoints at their share: the next claim leaves their analyses alone. */
    synchronized List<String> full() {
        List<String> full = new ArrayList<>();
        byEndpoint.forEach((endpoint, n) -> {
            if (n >= share) {
                full.add(endpoint);
            }
        });
        return full;
    }

    /** Endpoints with measurements in flight but room left, and how much room (two lists, index by index). */
    synchronized Room room() {
        List<String> endpoints = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        byEndpoint.forEach((endpoint, n) -> {
            if (n < share) {
                endpoints.add(endpoint);
                free.add(share - n);
            }
        });
        return new Room(endpoints, free);
    }

    synchronized void take(String endpoint) {
        total++;
        byEndpoint.merge(endpoint, 1, Integer::sum);
    }

    /** One measurement ended; true if it freed a slot that a limit had closed (worth claiming again at once). */
    synchronized boolean release(String endpoint) {
        boolean wasFull = total >= max;
        total--;
        Integer n = byEndpoint.get(endpoint);
        if (n != null) {
            wasFull |= n >= share;
            if (n <= 1) {
                byEndpoint.remove(endpoint);
            } else {
                byEndpoint.put(endpoint, n - 1);
            }
        }
        return wasFull;
    }

    record Room(List<String> endpoints, List<Integer> free) {
    }
}
