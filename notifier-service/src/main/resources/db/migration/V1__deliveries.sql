-- What the notifier learned about each deployment from the events that name it (DeploymentRequested above all),
-- so later events that carry only the deployment id can be named and routed.
CREATE TABLE deployment (
    deployment_id UUID        PRIMARY KEY,
    application   TEXT,
    environment   TEXT,
    version       TEXT,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The delivery log: one row per (event, channel), written in the transaction that marks the event processed, so a
-- redelivered event never makes a second row. PENDING -> SENDING -> SENT | FAILED | SKIPPED (nothing to do, e.g.
-- a status-page update with no open status-page incident). Secrets never reach this table: channels are named,
-- and errors are masked before they are stored.
CREATE TABLE delivery (
    id              BIGSERIAL   PRIMARY KEY,
    event_id        UUID        NOT NULL,
    event_type      TEXT        NOT NULL,
    deployment_id   UUID        NOT NULL,
    channel         TEXT        NOT NULL,
    route           TEXT        NOT NULL,
    kind            TEXT,
    notice          JSONB,
    event           TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'PENDING',
    attempts        INT         NOT NULL DEFAULT 0,
    last_error      TEXT,
    detail          TEXT,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    claimed_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at     TIMESTAMPTZ,
    UNIQUE (event_id, channel)
);

CREATE INDEX delivery_open ON delivery (channel, id) WHERE status IN ('PENDING', 'SENDING');
CREATE INDEX delivery_by_deployment ON delivery (deployment_id, id);

-- Which status-page incident tells the public about a deployment's trouble, per Statuspage channel, so updates
-- go to it. stride_incident_open: a Stride incident (P0/P1) is open for it, so the deployment's end alone does
-- not resolve it.
CREATE TABLE statuspage_incident (
    channel             TEXT        NOT NULL,
    deployment_id       UUID        NOT NULL,
    page_incident_id    TEXT        NOT NULL,
    status              TEXT        NOT NULL,
    stride_incident_id  UUID,
    stride_incident_open BOOLEAN    NOT NULL DEFAULT false,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, deployment_id)
);
