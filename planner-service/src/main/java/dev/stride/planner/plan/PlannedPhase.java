package dev.stride.planner.plan;

import dev.stride.events.PhaseType;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a deployment's plan. {@code trafficPercentage} is set on TRAFFIC phases only; {@code hold} is how
 * long the phase stays under analysis once it has started (absent when the phase ends as soon as its work is done,
 * e.g. a canary's last 100% phase without a duration). {@code analysed} phases are judged against the rollback
 * triggers while they run. {@code parameters} is what travels in PhaseRequested: JSON values only (String,
 * Integer, Long, Double, Boolean, List, Map with String keys), copied into an unmodifiable map in insertion order.
 */
public record PlannedPhase(
        int index,
        PhaseType type,
        String name,
        Integer trafficPercentage,
        Duration hold,
        boolean analysed,
        Map<String, Object> parameters) {

    public PlannedPhase {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative: " + index);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if (trafficPercentage != null && (trafficPercentage < 0 || trafficPercentage > 100)) {
            throw new IllegalArgumentException(
                    "trafficPercentage must be from 0 to 100: " + trafficPercentage);
        }
        parameters = Parameters.copyOf(parameters == null ? Map.of() : parameters);
    }
}
