-- A rollback with rollback_strategy.verification_delay verifies stable before it is complete: WAITING while the
-- delay runs (rollback_deadline is then when it ends), RUNNING while the verifier checks stable (rollback_deadline
-- is then when the verdict must have come). NULL while the platform is being restored, and for other rollbacks.
ALTER TABLE deployment
    ADD COLUMN rollback_verification TEXT CHECK (rollback_verification IN ('WAITING', 'RUNNING'));
