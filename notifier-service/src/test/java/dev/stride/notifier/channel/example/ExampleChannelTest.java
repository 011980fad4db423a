package dev.stride.notifier.channel.example;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.CloudEvent;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseType;
import dev.stride.notifier.channel.ChannelFactories;
import dev.stride.notifier.channel.ChannelFactory;
import dev.stride.notifier.channel.Channels;
import dev.stride.notifier.channel.Delivery;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TestTokens;
import dev.stride.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A new kind of channel is one package: the test-only {@code example} kind (this package, registered by the test
 * resource {@link ExampleChannelConfig}) is found by the registry, built from configuration, routed to, and sent to
 * by the delivery sender, through the delivery log like Slack or a webhook, with nothing outside this package
 * knowing it exists.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(ExampleChannelConfig.class)
class ExampleChannelTest {

    private final EventCodec codec = new EventCodec();

    @Inject ChannelFactories factories;

    @Inject Channels channels;

    @Inject ExampleInbox inbox;

    @Inject Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void theRegistryFindsTheExampleKindBesideTheRealOnes() {
        assertThat(factories.types())
                .contains("slack", "statuspage", "webhook", ExampleChannelFactory.TYPE);
        assertThat(factories.forType(" Example ")).get().isInstanceOf(ExampleChannelFactory.class);
        Channels.Configured configured = channels.get(ExampleChannelConfig.CHANNEL).orElseThrow();
        assertThat(configured.type()).isEqualTo(ExampleChannelFactory.TYPE);
        assertThat(configured.channel()).isInstanceOf(ExampleChannel.class);
        assertThat(configured.minInterval()).isZero();
        assertThat(configured.endpoint()).isEqualTo("example.invalid:0");
    }

    @Test
    void twoKindsOfOneNameAreRefused() {
        ChannelFactory one = new ExampleChannelFactory(new ExampleInbox());
        ChannelFactory two = new ExampleChannelFactory(new ExampleInbox());
        assertThatThrownBy(() -> new ChannelFactories(List.of(one, two)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two kinds of channel are called example");
    }

    @Test
    void anEventOfItsRouteReachesTheExampleChannelThroughTheDeliveryLog() {
        UUID deployment = UUID.randomUUID();
        publish(EventType.DEPLOYMENT_REQUESTED, deployment, requested(deployment));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                deliveries(deployment)
                                                        .getList("items.status", String.class))
                                        .containsExactly("SENT"));
        JsonPath log = deliveries(deployment);
        assertThat(log.getString("items[0].channel")).isEqualTo(ExampleChannelConfig.CHANNEL);
        assertThat(log.getString("items[0].route")).isEqualTo(ExampleChannelConfig.ROUTE);
        assertThat(log.getString("items[0].kind")).isEqualTo("deployment-starting");
        assertThat(log.getString("items[0].detail"))
                .isEqualTo("kept in the example inbox of example-inbox");
        List<Delivery> received =
                inbox.received().stream().filter(d -> d.deploymentId().equals(deployment)).toList();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).notice().kind()).isEqualTo("deployment-starting");
        assertThat(received.get(0).notice().text()).contains("example-app", "3.1.0");
    }

    @Test
    void anEventThatMakesNoMessageIsNotCarried() {
        UUID deployment = UUID.randomUUID();
        publish(EventType.DEPLOYMENT_REQUESTED, deployment, requested(deployment));
        // A passed phase makes no message: the example channel, like Slack, does not carry it (no
        // row at all).
        CloudEvent passed =
                codec.wrap(
                        new PhaseCompleted(
                                deployment,
                                1,
                                0,
                                PhaseType.CHECKS,
                                PhaseCompleted.Outcome.PASSED,
                                "checks passed"),
                        "/stride/test");
        publish(EventType.PHASE_COMPLETED, deployment, codec.encode(passed));

        assertThat(deliveries(deployment).getList("items.eventType", String.class))
                .containsExactly(EventType.DEPLOYMENT_REQUESTED.type());
    }

    @Test
    void aTestMessageGoesToTheExampleChannel() {
        JsonPath queued =
                given().header("Authorization", TestTokens.bearer("alice", "stride-operator"))
                        .contentType("application/json")
                        .body("{\"route\": \"example\", \"message\": \"hello example\"}")
                        .post("/api/v1/notifications/test")
                        .then()
                        .statusCode(202)
                        .extract()
                        .jsonPath();
        assertThat(queued.getList("channels.type", String.class)).containsExactly("EXAMPLE");
        assertThat(queued.getList("channels.status", String.class)).containsExactly("PENDING");
        UUID testId = UUID.fromString(queued.getString("testId"));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(inbox.received())
                                        .filteredOn(d -> d.deploymentId().equals(testId))
                                        .singleElement()
                                        .satisfies(
                                                d ->
                                                        assertThat(d.notice().text())
                                                                .contains(
                                                                        "hello example (requested by alice)")));
    }

    /** A DeploymentRequested as the planner publishes it, for the example route's application. */
    private String requested(UUID deploymentId) {
        String data =
                """
                {"deploymentId": "%s", "application": "%s", "environment": "staging", "version": "3.1.0",
                 "artifact": "registry.example.com/shop/example-app:3.1.0",
                 "commitSha": "9fceb02d0ae598e95dc970b74767f19372d61af8",
                 "commitTime": "2026-11-26T09:00:00Z", "requestedBy": "ci",
                 "target": {"platform": "haproxy", "address": "127.0.0.1:9999", "backend": "example-app",
                            "stableServer": "stable", "canaryServer": "canary"},
                 "deployment": {"strategy": "canary", "phases": [
                     {"name": "initial", "traffic_percentage": 25, "duration": "10m"},
                     {"name": "full-rollout", "traffic_percentage": 100}]}}
                """
                        .formatted(deploymentId, ExampleChannelConfig.APPLICATION);
        return codec.encode(
                new CloudEvent(
                        CloudEvent.SPEC_VERSION,
                        UUID.randomUUID().toString(),
                        EventType.DEPLOYMENT_REQUESTED.type(),
                        "/stride/test",
                        java.time.Instant.now(),
                        deploymentId.toString(),
                        CloudEvent.DATA_CONTENT_TYPE,
                        codec.parseTree(data)));
    }

    /** Publishes a record as a producer would and waits until the notifier has taken it in. */
    private void publish(EventType type, UUID deploymentId, String value) {
        TopicReader.publish(bootstrap, type.topic(), deploymentId.toString(), value);
        String eventId = codec.parseTree(value).path("id").asText();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                pool.preparedQuery(
                                                        "SELECT count(*) FROM processed_event WHERE event_id = $1")
                                                .execute(Tuple.of(eventId))
                                                .await()
                                                .atMost(Duration.ofSeconds(5))
                                                .iterator()
                                                .next()
                                                .getLong(0)
                                        > 0);
    }

    private static JsonPath deliveries(UUID deploymentId) {
        return given().header("Authorization", TestTokens.bearer("viewer", "stride-viewer"))
                .queryParam("deploymentId", deploymentId.toString())
                .get("/api/v1/deliveries")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }
}
