-- A phase whose platform is not ready yet (new instances still booting, throttling) waits and is tried again from
-- not_before, until stride.executor.transient-patience after it was asked for.
ALTER TABLE execution ADD COLUMN not_before TIMESTAMPTZ;
