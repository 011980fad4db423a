-- The planner's deployments: the only writer of a deployment's state.
CREATE TABLE deployment (
    id                  UUID        PRIMARY KEY,
    application         TEXT        NOT NULL,
    environment         TEXT        NOT NULL,
    version             TEXT        NOT NULL,
    artifact            TEXT        NOT NULL,
    strategy            TEXT        NOT NULL,
    status              TEXT        NOT NULL,
    requested_by        TEXT        NOT NULL,
    commit_sha          TEXT,
    commit_time         TIMESTAMPTZ,
    -- The validated request, as the data of its DeploymentRequested event.
    spec                JSONB       NOT NULL,
    -- Where the request came from: "rest" or the CloudEvents source of the event.
    origin              TEXT        NOT NULL,
    idempotency_key     TEXT        UNIQUE,
    request_fingerprint TEXT,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX deployment_by_application ON deployment (application, environment, created_at DESC);
CREATE INDEX deployment_by_status ON deployment (status, created_at DESC);
CREATE INDEX deployment_by_created ON deployment (created_at DESC, id);
