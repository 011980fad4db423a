-- MIGRATION phases. started_at: when the executor announced the phase started (PhaseStarted is written once,
-- however often the row is taken up again). migration_backup: the pg_dump backup a MIGRATION phase took, recorded
-- before anything was migrated: a run taken up again after a crash reuses it instead of dumping the half-migrated
-- database, and the backup of a deployment can always be found by its deployment and attempt.
ALTER TABLE execution ADD COLUMN started_at TIMESTAMPTZ;

CREATE TABLE migration_backup (
    execution_id  BIGINT      PRIMARY KEY REFERENCES execution (id),
    deployment_id UUID        NOT NULL,
    attempt       INT         NOT NULL,
    location      TEXT        NOT NULL,
    bytes         BIGINT      NOT NULL,
    sha256        TEXT        NOT NULL,
    took_ms       BIGINT      NOT NULL,
    taken_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX migration_backup_by_deployment ON migration_backup (deployment_id, attempt);
