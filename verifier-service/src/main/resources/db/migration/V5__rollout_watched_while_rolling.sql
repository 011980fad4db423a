-- A ROLLOUT is measured from its PhaseRequested, while the platform replaces the batches: rolled_out_at is when
-- the executor reported the rollout done (its PhaseStarted). Until then the analysis has no end; after it, it
-- holds for the phase's hold (at least one interval) more.
ALTER TABLE analysis
    ADD COLUMN rolled_out_at TIMESTAMPTZ;
