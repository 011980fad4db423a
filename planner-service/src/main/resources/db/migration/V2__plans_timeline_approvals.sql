-- The state machine's durable state: the plan's phases with their progress and deadlines, approvals, and the
-- timeline of every transition and manual action. Nothing a second replica needs is held in memory.
ALTER TABLE deployment
    ADD COLUMN attempt            INT         NOT NULL DEFAULT 1,
    ADD COLUMN current_phase      INT         NOT NULL DEFAULT -1,
    ADD COLUMN required_approvals INT         NOT NULL DEFAULT 0,
    ADD COLUMN reason             TEXT,
    ADD COLUMN finished_at        TIMESTAMPTZ,
    -- An abort puts stable back first: the deployment rolls back, then ends ABORTED.
    ADD COLUMN aborting           BOOLEAN     NOT NULL DEFAULT FALSE,
    -- When a rollback must have been reported done; past it the deployment ends ROLLBACK_FAILED.
    ADD COLUMN rollback_deadline  TIMESTAMPTZ;

-- Deployments accepted before plans existed cannot run: end them rather than leave them in the queue.
UPDATE deployment
   SET status = 'REJECTED', reason = 'accepted before the planner made plans; request it again', finished_at = now()
 WHERE status = 'REQUESTED';

CREATE INDEX deployment_rollback_deadline ON deployment (rollback_deadline) WHERE rollback_deadline IS NOT NULL;

CREATE INDEX deployment_queue ON deployment (application, environment, status, created_at);

CREATE TABLE deployment_phase (
    deployment_id      UUID        NOT NULL REFERENCES deployment (id),
    idx                INT         NOT NULL,
    type               TEXT        NOT NULL,
    name               TEXT        NOT NULL,
    traffic_percentage INT,
    hold_ms            BIGINT,
    analysed           BOOLEAN     NOT NULL,
    parameters         JSONB       NOT NULL,
    status             TEXT        NOT NULL,
    started_at         TIMESTAMPTZ,
    completed_at       TIMESTAMPTZ,
    verdict            TEXT,
    -- When the phase must have started (while requested) or finished (while running); null when none applies.
    deadline_at        TIMESTAMPTZ,
    PRIMARY KEY (deployment_id, idx)
);

CREATE INDEX deployment_phase_deadline ON deployment_phase (deadline_at) WHERE deadline_at IS NOT NULL;

CREATE TABLE deployment_approval (
    deployment_id UUID        NOT NULL REFERENCES deployment (id),
    approver      TEXT        NOT NULL,
    comment       TEXT,
    approved_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (deployment_id, approver)
);

CREATE TABLE deployment_timeline (
    seq           BIGSERIAL   PRIMARY KEY,
    deployment_id UUID        NOT NULL REFERENCES deployment (id),
    at            TIMESTAMPTZ NOT NULL,
    actor         TEXT        NOT NULL,
    action        TEXT        NOT NULL,
    detail        TEXT
);

CREATE INDEX deployment_timeline_by_deployment ON deployment_timeline (deployment_id, seq);
