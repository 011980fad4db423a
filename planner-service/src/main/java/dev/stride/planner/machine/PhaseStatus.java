package dev.stride.planner.machine;

/** Where one phase of a plan is. */
public enum PhaseStatus {
    PENDING,
    REQUESTED,
    RUNNING,
    PASSED,
    FAILED,
    SKIPPED;

    public boolean isDone() {
        return this == PASSED || this == FAILED || this == SKIPPED;
    }
}
