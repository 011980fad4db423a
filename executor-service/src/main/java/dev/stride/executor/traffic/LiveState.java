package dev.stride.executor.traffic;

import java.util.Map;

/**
 * A platform's state as read back: traffic weights in percent by track ({@code stable}, {@code canary}) and, where
 * the platform knows them, versions by track.
 */
public record LiveState(Map<String, Integer> weights, Map<String, String> versions) {

    public static final String STABLE = "stable";
    public static final String CANARY = "canary";

    public LiveState {
        weights = Map.copyOf(weights);
        versions = versions == null ? Map.of() : Map.copyOf(versions);
    }

    public Integer canaryWeight() {
        return weights.get(CANARY);
    }
}
