-- A paused deployment's analyses are suspended (DeploymentPaused): nothing is measured until DeploymentResumed.
-- analysis_pause holds the deployments paused now, so a phase that starts during the pause is suspended too.
CREATE TABLE analysis_pause (
    deployment_id UUID        PRIMARY KEY,
    paused_at     TIMESTAMPTZ NOT NULL
);

-- A suspended analysis keeps when its next measurement was due (paused_due) and since when it is suspended
-- (paused_at); the resume moves started_at and the due time on by the time paused, so a pause never eats a
-- phase's hold.
ALTER TABLE analysis
    ADD COLUMN paused_at  TIMESTAMPTZ,
    ADD COLUMN paused_due TIMESTAMPTZ;
