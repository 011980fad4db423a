package dev.stride.planner.machine;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The states of ARCHITECTURE.md's deployment state machine. */
public enum DeploymentStatus {
    REQUESTED,
    REJECTED,
    AWAITING_APPROVAL,
    IN_PROGRESS,
    PAUSED,
    ROLLING_BACK,
    ROLLED_BACK,
    ROLLBACK_FAILED,
    SUCCEEDED,
    FAILED,
    ABORTED;

    /** Statuses in which the deployment is moving traffic or versions: one per application and environment. */
    public boolean isActive() {
        return this == IN_PROGRESS || this == PAUSED || this == ROLLING_BACK;
    }

    public boolean isFinal() {
        return this == REJECTED
                || this == ROLLED_BACK
                || this == ROLLBACK_FAILED
                || this == SUCCEEDED
                || this == FAILED
                || this == ABORTED;
    }

    public static Optional<DeploymentStatus> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.name().equals(text)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
