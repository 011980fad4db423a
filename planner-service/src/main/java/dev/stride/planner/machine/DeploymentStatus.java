package dev.stride.planner.persistence;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The states of ARCHITECTURE.md's deployment state machine. */
public enum DeploymentStatus {
    REQUESTED, REJECTED, AWAITING_APPROVAL, IN_PROGRESS, PAUSED, ROLLING_BACK, ROLLED_BACK, ROLLBACK_FAILED,
    SUCCEEDED, FAILED, ABORTED;

    public static Optional<DeploymentStatus> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.name().equals(text)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
