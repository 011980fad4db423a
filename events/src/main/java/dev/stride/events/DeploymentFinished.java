package dev.stride.events;

import dev.stride.events.spec.Environment;
import java.time.Instant;
import java.util.UUID;

/** A deployment reached an end state. Carries what the delivery figures need (lead time, duration). */
public record DeploymentFinished(
        UUID deploymentId,
        String application,
        Environment environment,
        String version,
        Outcome outcome,
        String reason,
        Instant commitTime,
        Instant requestedAt,
        Instant finishedAt)
        implements StrideEvent {

    public enum Outcome {
        SUCCEEDED,
        ROLLED_BACK,
        FAILED,
        REJECTED,
        ABORTED
    }
}
