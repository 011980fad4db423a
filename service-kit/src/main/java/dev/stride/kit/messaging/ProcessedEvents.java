package dev.stride.kit.messaging;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** The processed-event log: which event ids a consumer has applied (the Debezium outbox example's MessageLog). */
@ApplicationScoped
public class ProcessedEvents {

    /**
     * Records that {@code consumer} applies {@code eventId}, inside the effect's transaction. Emits {@code true}
     * the first time and {@code false} for a redelivery, whose effect must then be skipped.
     */
    public Uni<Boolean> markProcessed(
            SqlClient transaction, String consumer, String eventId, String eventType) {
        return transaction
                .preparedQuery(
                        "INSERT INTO processed_event (consumer, event_id, event_type) VALUES ($1, $2, $3) "
                                + "ON CONFLICT DO NOTHING")
                .execute(Tuple.of(consumer, eventId, eventType))
                .map(result -> result.rowCount() == 1);
    }
}
