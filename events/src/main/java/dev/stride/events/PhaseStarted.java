package dev.stride.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** The executor saw the platform reach the phase's state: {@code observedWeights} as read back, at {@code observedAt}. */
public record PhaseStarted(
        UUID deploymentId,
        int attempt,
        int phase,
        PhaseType phaseType,
        Map<String, Integer> observedWeights,
        Instant observedAt)
        implements StrideEvent {}
