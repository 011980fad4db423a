package dev.stride.kit.messaging;

import dev.stride.kit.runtime.PeriodicJob;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes outbox rows to Kafka. Each poll claims a batch of unpublished rows, sends them in order and waits for
 * the broker's acknowledgement ({@code acks=all}, idempotent producer), then marks them published in the same
 * transaction. A crash after sending and before the commit re-sends the rows on the next poll: delivery is at
 * least once, and consumers de-duplicate on the event id.
 *
 * <p>One publisher at a time per database: a batch runs only under a transaction-scoped advisory lock, and a
 * replica that finds it taken skips its turn. Row locks alone ({@code SKIP LOCKED}) would let two replicas take
 * neighbouring batches and send them side by side, so a deployment's later event could reach Kafka before its
 * earlier one; with one publisher, every key's events leave in outbox order. A replica that dies mid-batch
 * releases the lock with its connection.
 */
@ApplicationScoped
public class OutboxPublisher {

    static final String CHANNEL = "stride-outbox";
    private static final byte[] CONTENT_TYPE =
            dev.stride.events.CloudEvent.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);

    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(60);

    /** The advisory lock key of the outbox publisher ("STRDOUTB"); each service has a database of its own. */
    static final long PUBLISHER_LOCK = 0x535452444f555442L;

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final int batchSize;
    private final AtomicBoolean running;
    private final PeriodicJob job;

    public OutboxPublisher(
            Pool pool,
            @Channel(CHANNEL) MutinyEmitter<String> emitter,
            Vertx vertx,
            @ConfigProperty(name = "stride.outbox.poll-interval", defaultValue = "200ms")
                    Duration pollInterval,
            @ConfigProperty(name = "stride.outbox.batch-size", defaultValue = "100") int batchSize,
            @ConfigProperty(name = "stride.outbox.enabled", defaultValue = "true")
                    boolean enabled) {
        this.pool = pool;
        this.emitter = emitter;
        this.batchSize = batchSize;
        this.running = new AtomicBoolean(enabled);
        // A full batch means more may wait: the job runs again at once instead of waiting for the
        // next tick.
        this.job =
                new PeriodicJob(
                        "Outbox publishing",
                        vertx,
                        pollInterval,
                        BATCH_TIMEOUT,
                        () ->
                                running.get()
                                        ? publishBatch().map(published -> published == batchSize)
                                        : Uni.createFrom().item(false));
    }

    // Default priority: runs after Reactive Messaging has wired its channels (LIBRARY_BEFORE).
    void startPolling(@Observes StartupEvent event) {
        job.start();
    }

    void stopPolling(@Observes ShutdownEvent event) {
        job.stop();
    }

    /**
     * Stops publishing; rows keep accumulating in the outbox. A batch already in flight finishes:
     * {@link #isIdle()} tells when none is left.
     */
    public void stop() {
        running.set(false);
    }

    /**
     * True when stopped and no batch is in flight, so nothing will be published until {@link #start()}. The job
     * marks itself busy before it reads the switch, so no batch can begin after this is true.
     */
    public boolean isIdle() {
        return !running.get() && !job.isBusy();
    }

    public void start() {
        running.set(true);
    }

    /**
     * Something was just committed to the outbox that should not wait for the next poll (a rollback's outcome):
     * publish now. Skipped if a batch is in flight; the next poll takes the rows then.
     */
    public void publishSoon() {
        job.runNow();
    }

    public boolean isRunning() {
        return running.get();
    }

    /** Publishes one batch; returns how many rows were published. */
    public Uni<Integer> publishBatch() {
        return pool.withTransaction(
                tx ->
                        tx.preparedQuery("SELECT pg_try_advisory_xact_lock($1)")
                                .execute(Tuple.of(PUBLISHER_LOCK))
                                .flatMap(
                                        lock ->
                                                !lock.iterator().next().getBoolean(0)
                                                        ? Uni.createFrom().item(0)
                                                        : claim(tx)
                                                                .flatMap(
                                                                        rows ->
                                                                                rows.isEmpty()
                                                                                        ? Uni
                                                                                                .createFrom()
                                                                                                .item(
                                                                                                        0)
                                                                                        : send(rows)
                                                                                                .flatMap(
                                                                                                        ignored ->
                                                                                                                markPublished(
                                                                                                                        tx,
                                                                                                                        rows))
                                                                                                .replaceWith(
                                                                                                        rows
                                                                                                                .size()))));
    }

    private Uni<List<OutboxRow>> claim(SqlConnection tx) {
        return tx.preparedQuery(
                        "SELECT seq, topic, record_key, payload FROM outbox WHERE published_at IS NULL "
                                + "ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(batchSize))
                .map(
                        rowSet -> {
                            List<OutboxRow> rows = new ArrayList<>();
                            for (Row row : rowSet) {
                                rows.add(
                                        new OutboxRow(
                                                row.getLong("seq"),
                                                row.getString("topic"),
                                                row.getString("record_key"),
                                                row.getString("payload")));
                            }
                            return rows;
                        });
    }

    // One at a time, so records with the same key keep the outbox order on their partition.
    private Uni<Void> send(List<OutboxRow> rows) {
        return Multi.createFrom()
                .iterable(rows)
                .onItem()
                .transformToUniAndConcatenate(this::send)
                .collect()
                .last()
                .replaceWithVoid();
    }

    private Uni<Void> send(OutboxRow row) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CONTENT_TYPE);
        OutgoingKafkaRecordMetadata<String> metadata =
                OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(row.topic())
                        .withKey(row.key())
                        .withHeaders(headers)
                        .build();
        return emitter.sendMessage(Message.of(row.payload()).addMetadata(metadata));
    }

    private Uni<Void> markPublished(SqlConnection tx, List<OutboxRow> rows) {
        Long[] seqs = rows.stream().map(OutboxRow::seq).toArray(Long[]::new);
        return tx.preparedQuery("UPDATE outbox SET published_at = now() WHERE seq = ANY($1)")
                .execute(Tuple.of(seqs))
                .replaceWithVoid();
    }

    private record OutboxRow(long seq, String topic, String key, String payload) {}
}
