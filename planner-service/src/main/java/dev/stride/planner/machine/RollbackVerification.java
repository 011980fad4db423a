package dev.stride.planner.machine;

/**
 * Where a rollback's verification of stable stands (the runbook's {@code rollback_strategy.verification_delay}):
 * stable is restored and the delay is being waited out, or the verifier is checking stable. Absent while the
 * platform is still being restored and for a rollback without a delay.
 */
public enum RollbackVerification {
    WAITING,
    RUNNING
}
