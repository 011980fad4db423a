package dev.stride.planner.machine;

/**
 * What a rollback still does once the executor reports stable restored: restore the database (the request's
 * {@code database.restore_on_rollback}, after its expand MIGRATION phase passed), then verify stable (the runbook's
 * {@code rollback_strategy.verification_delay}). Absent while the platform is still being restored and for a
 * rollback with nothing after it.
 *
 * <ul>
 *   <li>{@link #RESTORE_APPROVAL}: the restore waits for a person's approval (an environment whose deployments need
 *       approvals, such as production: the restore loses every write since the backup); no deadline.
 *   <li>{@link #RESTORING}: the executor restores the backup; the rollback deadline is when it must report.
 *   <li>{@link #WAITING}: the verification delay runs; the rollback deadline is when it ends.
 *   <li>{@link #RUNNING}: the verifier checks stable; the rollback deadline is when the verdict must have come.
 * </ul>
 */
public enum RollbackVerification {
    RESTORE_APPROVAL,
    RESTORING,
    WAITING,
    RUNNING
}
