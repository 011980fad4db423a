package dev.stride.planner.api;

import dev.stride.planner.Sql;

/** Reads the planner's outbox table directly, as a test must to see what is not yet on Kafka. */
final class OutboxRows {

    private OutboxRows() {}

    static long count(String deploymentId, String topic) {
        return Sql.count(
                "SELECT count(*) FROM outbox WHERE record_key = $1 AND topic = $2",
                deploymentId,
                topic);
    }

    static long unpublished(String deploymentId) {
        return Sql.count(
                "SELECT count(*) FROM outbox WHERE record_key = $1 AND published_at IS NULL",
                deploymentId);
    }
}
