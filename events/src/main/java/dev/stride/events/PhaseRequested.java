package dev.stride.events;

import dev.stride.events.spec.Target;
import java.util.Map;
import java.util.UUID;

/**
 * The planner asks for phase {@code phase} of attempt {@code attempt} to run. {@code parameters} carry what the
 * phase's type needs (weights, durations, batch sizes, checks); the executor or the verifier acts on it.
 */
public record PhaseRequested(
        UUID deploymentId,
        int attempt,
        int phase,
        PhaseType phaseType,
        Target target,
        Map<String, Object> parameters)
        implements StrideEvent {}
