-- The endpoint an analysis's measurement goes to (its Prometheus; for CHECKS the first target they name), as
-- scheme://host:port: the scheduler bounds how many measurements in flight one endpoint may hold, so one that does
-- not answer holds only its share. '' for rows written before it was recorded (they use the default Prometheus).
ALTER TABLE analysis ADD COLUMN endpoint TEXT NOT NULL DEFAULT '';
