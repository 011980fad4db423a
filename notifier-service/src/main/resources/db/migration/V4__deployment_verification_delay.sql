-- A deployment whose request verifies stable after a rollback (rollback_strategy.verification_delay): its
-- RollbackCompleted says stable is restored and being verified, not that the rollback completed.
ALTER TABLE deployment
    ADD COLUMN verification_delay TEXT;
