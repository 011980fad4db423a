-- What the incident service knows of each deployment: who it is (DeploymentRequested) and how it ended
-- (DeploymentFinished). The delivery figures are computed from these rows and the incidents.
CREATE TABLE deployment (
    id           UUID PRIMARY KEY,
    application  TEXT        NOT NULL,
    environment  TEXT        NOT NULL,
    version      TEXT,
    commit_time  TIMESTAMPTZ,
    requested_at TIMESTAMPTZ,
    outcome      TEXT,
    reason       TEXT,
    finished_at  TIMESTAMPTZ
);

CREATE INDEX deployment_finished ON deployment (application, environment, finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE incident (
    id              UUID PRIMARY KEY,
    deployment_id   UUID        NOT NULL,
    attempt         INT,
    application     TEXT,
    environment     TEXT,
    severity        TEXT        NOT NULL,
    status          TEXT        NOT NULL,
    title           TEXT        NOT NULL,
    cause           TEXT        NOT NULL,
    rule            TEXT        NOT NULL,
    -- deployment + cause: repeated signals of one cause attach to the incident while it is not resolved.
    dedup_key       TEXT        NOT NULL,
    opened_at       TIMESTAMPTZ NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by TEXT,
    resolved_at     TIMESTAMPTZ,
    resolved_by     TEXT,
    resolution      TEXT,
    root_cause      TEXT,
    action_items    JSONB       NOT NULL DEFAULT '[]'::jsonb,
    paged           BOOLEAN     NOT NULL DEFAULT false
);

CREATE UNIQUE INDEX incident_open_dedup ON incident (dedup_key) WHERE status <> 'RESOLVED';
CREATE INDEX incident_deployment ON incident (deployment_id);
CREATE INDEX incident_listing ON incident (opened_at DESC);

CREATE TABLE incident_timeline (
    id          BIGSERIAL PRIMARY KEY,
    incident_id UUID        NOT NULL REFERENCES incident (id),
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    kind        TEXT        NOT NULL,
    actor       TEXT        NOT NULL,
    detail      TEXT
);

CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, id);

-- Pages to send to the pager, written with the incident change that calls for them and sent by the
-- page dispatcher (retried with back-off), never from inside a Kafka handler.
CREATE TABLE page (
    id              BIGSERIAL PRIMARY KEY,
    incident_id     UUID        NOT NULL REFERENCES incident (id),
    action          TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'PENDING',
    tries           INT         NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at         TIMESTAMPTZ
);

CREATE INDEX page_due ON page (next_attempt_at) WHERE status = 'PENDING';
