package dev.stride.kit.messaging;

import dev.stride.events.CloudEvent;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.StrideEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes events to the outbox table. Call it with the connection of the transaction that makes the state
 * change the event announces: both commit or neither does. {@link OutboxPublisher} sends them to Kafka.
 */
@ApplicationScoped
public class Outbox {

    private final EventCodec codec;
    private final String source;

    public Outbox(
            EventCodec codec, @ConfigProperty(name = "stride.service.name") String serviceName) {
        this.codec = codec;
        this.source = "/stride/" + serviceName;
    }

    /** Appends {@code data} as a new CloudEvent, keyed by its deployment id, and returns the envelope. */
    public Uni<CloudEvent> append(SqlClient transaction, StrideEvent data) {
        return append(transaction, codec.wrap(data, source));
    }

    /** Appends an envelope built elsewhere (its id is kept, so a caller can record it as processed). */
    public Uni<CloudEvent> append(SqlClient transaction, CloudEvent event) {
        EventType type =
                EventType.ofType(event.type())
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "unknown event type " + event.type()));
        return transaction
                .preparedQuery(
                        "INSERT INTO outbox (event_id, event_type, topic, record_key, payload) "
                                + "VALUES ($1, $2, $3, $4, $5)")
                .execute(
                        Tuple.of(
                                UUID.fromString(event.id()),
                                event.type(),
                                type.topic(),
                                event.subject(),
                                codec.encode(event)))
                .replaceWith(event);
    }

    public String source() {
        return source;
    }
}
