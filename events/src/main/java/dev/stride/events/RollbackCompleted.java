package dev.stride.events;

import java.util.UUID;

/** The executor's word on a rollback: {@code SUCCEEDED} (stable serves all traffic again) or {@code FAILED}. */
public record RollbackCompleted(UUID deploymentId, int attempt, Outcome outcome, String detail)
        implements StrideEvent {

    public enum Outcome {
        SUCCEEDED,
        FAILED
    }
}
