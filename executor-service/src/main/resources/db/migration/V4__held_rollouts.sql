-- A paused deployment's ROLLOUT is held (DeploymentPaused): the platform's rollout stops where it is, and the
-- row waits for DeploymentResumed, which moves created_at (its patience) on by the time held and takes it up again.
ALTER TABLE execution
    ADD COLUMN held_since TIMESTAMPTZ;
