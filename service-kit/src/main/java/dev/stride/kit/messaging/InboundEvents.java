package dev.stride.kit.messaging;

import dev.stride.events.CloudEvent;
import dev.stride.events.EventCodec;
import dev.stride.events.EventSchemas;
import dev.stride.events.EventType;
import dev.stride.events.InvalidEventException;
import dev.stride.events.StrideEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The consumer side of every Stride service. A record is parsed as a structured CloudEvent, validated against
 * its JSON Schema and bound to its record; then its effect runs in one transaction with the processed-event
 * mark, so a redelivered event changes nothing. A record that cannot be read, or whose effect rejects it with
 * {@link InvalidEventException}, is nacked: the channel's {@code dead-letter-queue} failure strategy sends it to
 * the dead-letter topic with the reason in the {@code dead-letter-reason} header, and the consumer goes on.
 * Other failures (database down) are retried with back-off, holding the partition, until they go through:
 * the dead-letter topic is only for records that are wrong, never for valid ones that met a bad moment.
 */
@ApplicationScoped
public class InboundEvents {

    private static final Logger LOG = Logger.getLogger(InboundEvents.class);

    private final Pool pool;
    private final EventCodec codec;
    private final EventSchemas schemas;
    private final ProcessedEvents processed;
    private final OutboxPublisher publisher;

    public InboundEvents(
            Pool pool,
            EventCodec codec,
            EventSchemas schemas,
            ProcessedEvents processed,
            OutboxPublisher publisher) {
        this.publisher = publisher;
        this.pool = pool;
        this.codec = codec;
        this.schemas = schemas;
        this.processed = processed;
    }

    /**
     * Applies {@code effect} once per event id for {@code consumer}, then acknowledges {@code message}.
     *
     * @param effect runs inside the transaction; it may fail with {@link InvalidEventException} to dead-letter
     */
    public <T extends StrideEvent> Uni<Void> consume(
            Message<String> message,
            EventType expected,
            String consumer,
            BiFunction<SqlConnection, ReceivedEvent<T>, Uni<Void>> effect) {
        ReceivedEvent<T> event;
        try {
            event = read(message.getPayload(), expected);
        } catch (InvalidEventException e) {
            return deadLetter(message, e);
        }
        return pool.withTransaction(
                        tx ->
                                processed
                                        .markProcessed(
                                                tx,
                                                consumer,
                                                event.envelope().id(),
                                                event.envelope().type())
                                        .flatMap(
                                                first ->
                                                        first
                                                                ? effect.apply(tx, event)
                                                                : Uni.createFrom().voidItem()))
                // The record's own content the schema let through but the handler or the database
                // cannot take:
                // retrying would hold the partition forever, so it goes to the dead-letter topic
                // with the reason.
                .onFailure(InboundEvents::recordAtFault)
                .transform(
                        e ->
                                new InvalidEventException(
                                        "cannot apply "
                                                + event.envelope().type()
                                                + " "
                                                + event.envelope().id()
                                                + ": "
                                                + e.getMessage()))
                .onFailure(e -> !(e instanceof InvalidEventException))
                .invoke(
                        e ->
                                LOG.warnf(
                                        "Applying %s %s failed, retrying: %s",
                                        event.envelope().type(),
                                        event.envelope().id(),
                                        e.toString()))
                // A failure that is not the record's fault (database down) must not dead-letter a
                // valid event:
                // retry, holding the partition, until it goes through.
                .onFailure(e -> !(e instanceof InvalidEventException))
                .retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(30))
                .atMost(Long.MAX_VALUE)
                .onItemOrFailure()
                .transformToUni(
                        (ignored, failure) -> {
                            if (failure == null) {
                                // What the event decided (a rollback, the next phase) leaves at
                                // once, not at the outbox
                                // publisher's next poll; with nothing in the outbox this costs one
                                // empty claim.
                                publisher.publishSoon();
                                return Uni.createFrom().completionStage(message.ack());
                            }
                            return deadLetter(message, failure);
                        });
    }

    /**
     * Whether a failure comes from the record rather than from the moment: a value the handler refuses
     * (IllegalArgumentException, a date or number out of range) or PostgreSQL's "data exception" class 22 (a NUL
     * character in text, a value out of a column's range). Trying again gives the same failure.
     */
    static boolean recordAtFault(Throwable failure) {
        if (failure instanceof InvalidEventException) {
            return false;
        }
        if (failure instanceof IllegalArgumentException
                || failure instanceof java.time.DateTimeException
                || failure instanceof ArithmeticException) {
            return true;
        }
        return failure instanceof io.vertx.pgclient.PgException pg
                && pg.getSqlState() != null
                && pg.getSqlState().startsWith("22");
    }

    /** Parses and validates one record's value; throws {@link InvalidEventException} with the reason. */
    @SuppressWarnings("unchecked")
    public <T extends StrideEvent> ReceivedEvent<T> read(String payload, EventType expected) {
        if (payload == null || payload.isBlank()) {
            throw new InvalidEventException("empty record value");
        }
        var tree = codec.parseTree(payload);
        List<String> violations = schemas.validate(tree);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(
                    "invalid " + describe(tree) + ": " + String.join("; ", violations));
        }
        CloudEvent envelope = codec.toEnvelope(tree);
        if (!expected.type().equals(envelope.type())) {
            throw new InvalidEventException(
                    "type "
                            + envelope.type()
                            + " does not belong on this topic, expected "
                            + expected.type());
        }
        T data = (T) codec.data(envelope, expected.dataClass());
        if (!subjectIs(envelope.subject(), data.deploymentId())) {
            throw new InvalidEventException(
                    "subject " + envelope.subject() + " differs from data.deploymentId");
        }
        return new ReceivedEvent<>(envelope, data);
    }

    private static boolean subjectIs(String subject, java.util.UUID deploymentId) {
        try {
            return UUID.fromString(subject).equals(deploymentId);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String describe(com.fasterxml.jackson.databind.JsonNode tree) {
        var type = tree.path("type");
        return type.isTextual() ? "event " + type.asText() : "event";
    }

    // If the dead-letter topic cannot take the record (broker down, topic missing), keep trying:
    // returning a
    // failure would end the channel's stream and stop the consumer for good.
    private Uni<Void> deadLetter(Message<String> message, Throwable reason) {
        LOG.warnf("Dead-lettering a record: %s", reason.getMessage());
        return Uni.createFrom()
                .deferred(() -> Uni.createFrom().completionStage(message.nack(reason)))
                .onFailure()
                .invoke(
                        e ->
                                LOG.warnf(
                                        "Could not dead-letter a record, retrying: %s",
                                        e.toString()))
                .onFailure()
                .retry()
                .withBackOff(Duration.ofMillis(500), Duration.ofSeconds(30))
                .atMost(Long.MAX_VALUE);
    }
}
