package dev.stride.kit.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka. Each poll claims a batch of unpublished rows with
 * {@code FOR UPDATE SKIP LOCKED} (so replicas never publish the same row at once), sends them in order and
 * waits for the broker's acknowledgement ({@code acks=all}, idempotent producer), then marks them published
 * in the same transaction. A crash after sending and before the commit re-sends the rows on the next poll:
 * delivery is at least once, and consumers de-duplicate on the event id.
 */
@ApplicationScoped
public class OutboxPublisher {

    static final String CHANNEL = "stride-outbox";
    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);
    private static final byte[] CONTENT_TYPE = dev.stride.events.CloudEvent.CONTENT_TYPE
            .getBytes(StandardCharsets.UTF_8);

    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(60);

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final Vertx vertx;
    private final Duration pollInterval;
    private final int batchSize;
    private final AtomicBoolean running;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile long timerId = -1;

    public OutboxPublisher(Pool pool, @Channel(CHANNEL) MutinyEmitter<String> emitter, Vertx vertx,
            @ConfigProperty(name = "stride.outbox.poll-interval", defaultValue = "200ms") Duration pollInterval,
            @ConfigProperty(name = "stride.outbox.batch-size", defaultValue = "100") int batchSize,
            @ConfigProperty(name = "stride.outbox.enabled", defaultValue = "true") boolean enabled) {
        this.pool = pool;
        this.emitter = emitter;
        this.vertx = vertx;
        this.pollInterval = pollInterval;
        this.batchSize = batchSize;
        this.running = new AtomicBoolean(enabled);
    }

    // Default priority: runs after Reactive Messaging has wired its channels (LIBRARY_BEFORE).
    void startPolling(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(pollInterval.toMillis(), id -> poll());
    }

    void stopPolling(@Observes ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /**
     * Stops publishing; rows keep accumulating in the outbox. A batch already in flight finishes:
     * {@link #isIdle()} tells when none is left.
     */
    public void stop() {
        running.set(false);
    }

    /** True when stopped and no batch is in flight, so nothing will be published until {@link #start()}. */
    public boolean isIdle() {
        return !running.get() && !busy.get();
    }

    public void start() {
        running.set(true);
    }

    public boolean isRunning() {
        return running.get();
    }

    // One batch at a time per replica. Busy is taken before running is read: once stop() has returned and
    // isIdle() is true, no poll can still claim rows.
    private void poll() {
        if (!busy.compareAndSet(false, true)) {
            return;
        }
        if (!running.get()) {
            busy.set(false);
            return;
        }
        publishBatch()
                // A hung database or broker must not leave the publisher busy forever.
                .ifNoItem().after(BATCH_TIMEOUT).fail()
                .onTermination().invoke(() -> busy.set(false))
                .subscribe().with(published -> {
                    if (published == batchSize) {
                        poll(); // more may be waiting: drain without waiting for the next tick
                    }
                }, failure -> LOG.warnf("Outbox publishing failed, will retry: %s", failure.toString()));
    }

    /** Publishes one batch; returns how many rows were published. */
    public Uni<Integer> publishBatch() {
        return pool.withTransaction(tx -> claim(tx)
                .flatMap(rows -> rows.isEmpty()
                        ? Uni.createFrom().item(0)
                        : send(rows).flatMap(ignored -> markPublished(tx, rows)).replaceWith(rows.size())));
    }

    private Uni<List<OutboxRow>> claim(SqlConnection tx) {
        return tx.preparedQuery("SELECT seq, topic, record_key, payload FROM outbox WHERE published_at IS NULL "
                        + "ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(batchSize))
                .map(rowSet -> {
                    List<OutboxRow> rows = new ArrayList<>();
                    for (Row row : rowSet) {
                        rows.add(new OutboxRow(row.getLong("seq"), row.getString("topic"),
                                row.getString("record_key"), row.getString("payload")));
                    }
                    return rows;
                });
    }

    // One at a time, so records with the same key keep the outbox order on their partition.
    private Uni<Void> send(List<OutboxRow> rows) {
        return Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(this::send)
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> send(OutboxRow row) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CONTENT_TYPE);
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
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

    private record OutboxRow(long seq, String topic, String key, String payload) {
    }
}
