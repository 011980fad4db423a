-- Incidents open per application and environment (from stride.incidents): while one is, the phases of that
-- application and environment are measured at the shorter incident-interval (the runbook's "enhanced monitoring").
CREATE TABLE open_incident (
    incident_id UUID PRIMARY KEY,
    application TEXT        NOT NULL,
    environment TEXT        NOT NULL,
    severity    TEXT        NOT NULL,
    opened_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX open_incident_scope ON open_incident (application, environment);
