package dev.stride.notifier.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stride.notifier.channel.Channels;
import dev.stride.notifier.config.NotifierConfig;
import dev.stride.notifier.delivery.DeliverySender;
import dev.stride.notifier.delivery.DeliveryStore;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Two notifier replicas over one database: a second {@link DeliverySender} (as another replica runs it, its own
 * slots and pace) races the service's own for the same rows, and WireMock counts every delivery once.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(WireMockReceivers.class)
class TwoSendersTest extends FlowSupport {

    private static final int DELIVERIES = 60;

    @Test
    void twoSendersOverOneDatabaseSendEveryDeliveryExactlyOnce() {
        DeliverySender own = Arc.container().instance(DeliverySender.class).get();
        DeliverySender other =
                new DeliverySender(
                        Arc.container().instance(DeliveryStore.class).get(),
                        Arc.container().instance(Channels.class).get(),
                        Arc.container().instance(NotifierConfig.class).get(),
                        Arc.container().instance(Vertx.class).get());
        String marker = "race-" + UUID.randomUUID();
        List<UUID> events = new ArrayList<>();
        List<Tuple> rows = new ArrayList<>();
        for (int i = 0; i < DELIVERIES; i++) {
            UUID event = UUID.randomUUID();
            UUID deployment = UUID.randomUUID();
            events.add(event);
            rows.add(
                    Tuple.of(
                            event,
                            deployment,
                            "{\"id\": \""
                                    + event
                                    + "\", \"subject\": \""
                                    + deployment
                                    + "\", \"marker\": \""
                                    + marker
                                    + "\"}"));
        }
        other.start();
        try {
            // All due at once, as the recorder on any replica would have written them; both senders
            // are woken together.
            pool().preparedQuery(
                            "INSERT INTO delivery (event_id, event_type, deployment_id, channel, route, event) "
                                    + "VALUES ($1, 'dev.stride.deployment.requested.v1', $2, 'hook', 'default', $3)")
                    .executeBatch(rows)
                    .await()
                    .atMost(Duration.ofSeconds(10));
            own.wake(List.of("hook"));
            other.wake(List.of("hook"));

            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    pool().preparedQuery(
                                                            "SELECT count(*) FROM delivery WHERE event_id = ANY($1) AND status = 'SENT'")
                                                    .execute(Tuple.of(events.toArray(UUID[]::new)))
                                                    .await()
                                                    .atMost(Duration.ofSeconds(5))
                                                    .iterator()
                                                    .next()
                                                    .getLong(0)
                                            == DELIVERIES);
        } finally {
            other.stop();
        }

        List<LoggedRequest> received =
                wireMock.findAll(postRequestedFor(urlPathEqualTo(WireMockReceivers.HOOK))).stream()
                        .filter(r -> r.getBodyAsString().contains(marker))
                        .toList();
        Map<String, Long> perEvent =
                received.stream()
                        .collect(
                                Collectors.groupingBy(
                                        r -> r.getHeader("webhook-id"), Collectors.counting()));
        assertThat(perEvent.keySet())
                .isEqualTo(events.stream().map(UUID::toString).collect(Collectors.toSet()));
        assertThat(perEvent.values()).as("requests per delivery").containsOnly(1L);
        Set<Integer> attempts =
                pool()
                        .preparedQuery("SELECT attempts FROM delivery WHERE event_id = ANY($1)")
                        .execute(Tuple.of(events.toArray(UUID[]::new)))
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .stream()
                        .map(row -> row.getInteger(0))
                        .collect(Collectors.toSet());
        assertThat(attempts).as("each row claimed once").containsExactly(1);
    }
}
