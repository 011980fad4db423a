-- What an execution's platform calls talk to (an API server, an AWS region and account, a HAProxy socket): the
-- worker's bulkhead key. The claim skips executions whose endpoint already holds its share of the workers, so they
-- wait in their rows, not in a loop of claims and releases. Null for rows written before it (worked out at claim).
ALTER TABLE execution ADD COLUMN endpoint TEXT;
