-- One row per phase of an attempt the verifier judges: CHECKS phases (run at once) and TRAFFIC / ROLLOUT phases
-- (analysed from PhaseStarted for their hold). PhaseRequested and PhaseStarted arrive on different topics in either
-- order; the analysis runs once it has both. Everything the scheduler needs is here, so a restarted verifier
-- resumes: the next measurement is due at spec.dueAt(started_at, measured + 1), kept in next_due_at for the index.
CREATE TABLE analysis (
    deployment_id UUID        NOT NULL,
    attempt       INT         NOT NULL,
    phase         INT         NOT NULL,
    phase_type    TEXT,
    -- The AnalysisSpec (analysed phases) or the check parameters (CHECKS); absent until PhaseRequested arrives.
    spec          JSONB,
    -- Why the phase cannot be analysed (fails it when it starts).
    problem       TEXT,
    -- WAITING (for PhaseRequested or PhaseStarted), RUNNING, PASSED, FAILED, STOPPED (rollback, deployment over)
    status        TEXT        NOT NULL,
    requested_at  TIMESTAMPTZ,
    started_at    TIMESTAMPTZ,
    measured      INT         NOT NULL DEFAULT 0,
    next_due_at   TIMESTAMPTZ,
    -- A measurement in flight holds the row until then (another replica or tick leaves it alone).
    claimed_until TIMESTAMPTZ,
    summary       TEXT,
    finished_at   TIMESTAMPTZ,
    PRIMARY KEY (deployment_id, attempt, phase)
);

CREATE INDEX analysis_due ON analysis (next_due_at) WHERE status = 'RUNNING';

-- Every metric of every measurement: the value, or why there is none. kind: VALUE, NO_DATA, ERROR; outcome:
-- SUCCESS, FAILURE (over a trigger's level or outside a criterion), INCONCLUSIVE (no data), ERROR (provider).
CREATE TABLE measurement (
    id            BIGSERIAL        PRIMARY KEY,
    deployment_id UUID             NOT NULL,
    attempt       INT              NOT NULL,
    phase         INT              NOT NULL,
    seq           INT              NOT NULL,
    metric        TEXT             NOT NULL,
    kind          TEXT             NOT NULL,
    outcome       TEXT             NOT NULL,
    value         DOUBLE PRECISION,
    message       TEXT,
    -- When the measurement was due (the query's evaluation time) and when it was written: the lag between them is
    -- what a busy verifier shows first.
    measured_at   TIMESTAMPTZ      NOT NULL,
    recorded_at   TIMESTAMPTZ      NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (deployment_id, attempt, phase, seq, metric)
);

-- Each check of a CHECKS phase with its evidence. target is masked (no user info, no query values).
CREATE TABLE check_result (
    id            BIGSERIAL   PRIMARY KEY,
    deployment_id UUID        NOT NULL,
    attempt       INT         NOT NULL,
    phase         INT         NOT NULL,
    name          TEXT        NOT NULL,
    target        TEXT,
    passed        BOOLEAN     NOT NULL,
    status_code   INT,
    latency_ms    BIGINT,
    message       TEXT,
    checked_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX check_result_by_deployment ON check_result (deployment_id, attempt, phase);

-- Attempts whose analyses must not run (rolled back; every attempt once the deployment finished), so a late
-- PhaseRequested or PhaseStarted cannot start one again.
CREATE TABLE analysis_stop (
    deployment_id  UUID PRIMARY KEY,
    up_to_attempt  INT  NOT NULL,
    reason         TEXT NOT NULL
);
