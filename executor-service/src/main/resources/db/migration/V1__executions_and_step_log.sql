-- What the executor has been asked to do, and how far it got: one row per phase or rollback of an attempt.
-- A row is claimed, worked (platform calls are idempotent), and finished together with the events it emits;
-- a row left APPLYING by a crash is taken up again and re-verified, never marked done blindly.
CREATE TABLE execution (
    id            BIGSERIAL   PRIMARY KEY,
    deployment_id UUID        NOT NULL,
    attempt       INT         NOT NULL,
    -- "phase:<index>" or "rollback"
    step          TEXT        NOT NULL,
    phase_type    TEXT,
    phase_index   INT,
    -- Absent for a rollback of an attempt that never reached the platform.
    target        JSONB,
    parameters    JSONB       NOT NULL,
    status        TEXT        NOT NULL,
    tries         INT         NOT NULL DEFAULT 0,
    outcome       TEXT,
    claimed_at    TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ,
    UNIQUE (deployment_id, attempt, step)
);

CREATE INDEX execution_open ON execution (id) WHERE status IN ('PENDING', 'APPLYING');

-- Every platform call: what, on which execution, its result and how long it took.
CREATE TABLE execution_step (
    id           BIGSERIAL   PRIMARY KEY,
    execution_id BIGINT      NOT NULL REFERENCES execution (id),
    call         TEXT        NOT NULL,
    result       TEXT        NOT NULL,
    detail       TEXT,
    duration_ms  BIGINT      NOT NULL,
    at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX execution_step_by_execution ON execution_step (execution_id, id);
