package dev.stride.events;

import java.util.UUID;

/** A phase ended: {@code PASSED} moves the plan on, {@code FAILED} stops it. {@code summary} is for people. */
public record PhaseCompleted(
        UUID deploymentId,
        int attempt,
        int phase,
        PhaseType phaseType,
        Outcome outcome,
        String summary)
        implements StrideEvent {

    public enum Outcome {
        PASSED,
        FAILED
    }
}
