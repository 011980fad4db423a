package dev.stride.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.kit.messaging.OutboxPublisher;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/**
 * Two replicas' outbox publishers over one database, publishing at the same time: every key's events must reach
 * the broker in the order they were written (a deployment's PhaseStarted before its PhaseCompleted), and none may be
 * lost. The broker is a recording emitter whose sends take a little time, as real ones do.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class OutboxOrderAcrossReplicasTest {

    private static final int ROWS = 300;
    private static final int KEYS = 5;

    @Inject Pool pool;

    @Inject Vertx vertx;

    @Inject OutboxPublisher ownPublisher;

    @Test
    void twoPublishersKeepEveryKeysOrder() {
        ownPublisher.stop();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(ownPublisher::isIdle);
        try {
            for (int i = 0; i < ROWS; i++) {
                pool.preparedQuery(
                                "INSERT INTO outbox (event_id, event_type, topic, record_key, payload) "
                                        + "VALUES (gen_random_uuid(), 'test.order', 'stride.test-order', $1, $2)")
                        .execute(Tuple.of("key-" + (i % KEYS), String.valueOf(i)))
                        .await()
                        .atMost(Duration.ofSeconds(5));
            }
            List<String[]> sent = new CopyOnWriteArrayList<>();
            OutboxPublisher replicaA = replica(sent);
            OutboxPublisher replicaB = replica(sent);

            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                Uni.join()
                                        .all(replicaA.publishBatch(), replicaB.publishBatch())
                                        .andFailFast()
                                        .await()
                                        .atMost(Duration.ofSeconds(10));
                                return unpublished() == 0;
                            });

            Map<String, List<Integer>> byKey = new HashMap<>();
            for (String[] record : sent) {
                byKey.computeIfAbsent(record[0], k -> new ArrayList<>())
                        .add(Integer.parseInt(record[1]));
            }
            assertThat(byKey).hasSize(KEYS);
            for (Map.Entry<String, List<Integer>> key : byKey.entrySet()) {
                assertThat(key.getValue())
                        .as("the order %s's events reached the broker in", key.getKey())
                        .isSorted()
                        .doesNotHaveDuplicates()
                        .hasSize(ROWS / KEYS);
            }
        } finally {
            pool.query("DELETE FROM outbox WHERE topic = 'stride.test-order'")
                    .execute()
                    .await()
                    .atMost(Duration.ofSeconds(5));
            ownPublisher.start();
        }
    }

    private OutboxPublisher replica(List<String[]> sent) {
        return new OutboxPublisher(
                pool, new RecordingEmitter(sent), vertx, Duration.ofSeconds(1), 10, true);
    }

    private long unpublished() {
        return pool.query(
                        "SELECT count(*) FROM outbox WHERE topic = 'stride.test-order' AND published_at IS NULL")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
    }

    /** A broker that records what is sent to it, in the order the sends are made, and takes 1-3 ms for each. */
    private static final class RecordingEmitter implements MutinyEmitter<String> {

        private final List<String[]> sent;

        RecordingEmitter(List<String[]> sent) {
            this.sent = sent;
        }

        @Override
        public <M extends Message<? extends String>> Uni<Void> sendMessage(M message) {
            @SuppressWarnings("unchecked")
            OutgoingKafkaRecordMetadata<String> metadata =
                    message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
            sent.add(new String[] {metadata.getKey(), message.getPayload()});
            return Uni.createFrom()
                    .voidItem()
                    .onItem()
                    .delayIt()
                    .by(Duration.ofMillis(ThreadLocalRandom.current().nextInt(3) + 1));
        }

        @Override
        public Uni<Void> send(String payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendAndAwait(String payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Cancellable sendAndForget(String payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        @SuppressWarnings(
                "deprecation") // MutinyEmitter still declares it; this fake must implement it.
        public <M extends Message<? extends String>> void send(M message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <M extends Message<? extends String>> void sendMessageAndAwait(M message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <M extends Message<? extends String>> Cancellable sendMessageAndForget(M message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete() {}

        @Override
        public void error(Exception e) {}

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }
}
