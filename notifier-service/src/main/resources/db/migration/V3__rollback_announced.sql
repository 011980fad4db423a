-- The deployment attempts whose rollback people have been told of ("rollback initiated"). The planner and the
-- incident service may both ask to roll back one attempt (a breach, then the incident it opens); the first request
-- to arrive makes the message, later ones for the same attempt make none. event_id: the request that did.
CREATE TABLE rollback_announced (
    deployment_id UUID        NOT NULL,
    attempt       INT         NOT NULL,
    event_id      UUID        NOT NULL,
    requested_by  TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (deployment_id, attempt)
);
