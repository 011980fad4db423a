-- When the service first heard of each deployment, so a declared incident (POST /api/v1/incidents) can name the
-- deployment active in its application and environment, else the latest one there. Rows written before this
-- migration count as seen at the time it ran (their order among themselves is then their finish time).
ALTER TABLE deployment ADD COLUMN seen_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX deployment_latest ON deployment (application, environment, seen_at DESC);
