package dev.stride.planner.api;

import dev.stride.planner.Sql;

/** Reads the planner's outbox table directly, as a test must to see what is not yet on Kafka. */
final class OutboxRows {

    private OutboxRows() {
    }

    static long count(String deploymentId) {
        return Sql.count("SELECT count(*) FROM outbox WHERE record_key = $1", deploymentId);
    }

    static long unpublished(String deploymentId) {
        return Sql.count("SELECT count(*) FROM outbox WHERE record_key = $1 AND published_at IS NULL", deploymentId);
    }
}
