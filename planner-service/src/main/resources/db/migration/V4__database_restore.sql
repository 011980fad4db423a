-- A rollback with database.restore_on_rollback restores the backup before it verifies stable: RESTORE_APPROVAL
-- while a person must approve the restore (rollback_deadline NULL), RESTORING while the executor restores it
-- (rollback_deadline is when it must report).
ALTER TABLE deployment DROP CONSTRAINT deployment_rollback_verification_check;
ALTER TABLE deployment
    ADD CONSTRAINT deployment_rollback_verification_check
        CHECK (rollback_verification IN ('RESTORE_APPROVAL', 'RESTORING', 'WAITING', 'RUNNING'));
