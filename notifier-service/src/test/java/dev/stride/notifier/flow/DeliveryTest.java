package dev.stride.notifier.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stride.events.EventType;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Delivery as the receivers see it: retried when it is worth it, never twice, signed, and secrets kept out. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(WireMockReceivers.class)
class DeliveryTest extends FlowSupport {

    @Test
    void a429IsRetriedAfterItsRetryAfterAndA500WithBackoffUntilSlackTakesIt() {
        String path = WireMockReceivers.FLAKY;
        wireMock.stubFor(
                post(urlPathEqualTo(path))
                        .inScenario("flaky")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(
                                aResponse()
                                        .withStatus(429)
                                        .withHeader("Retry-After", "1")
                                        .withBody("rate_limited"))
                        .willSetStateTo("limited"));
        wireMock.stubFor(
                post(urlPathEqualTo(path))
                        .inScenario("flaky")
                        .whenScenarioStateIs("limited")
                        // A receiver that echoes the URL it was called on: the secret must not
                        // reach the log through it.
                        .willReturn(
                                aResponse().withStatus(500).withBody("upstream failure on " + path))
                        .willSetStateTo("recovered"));
        wireMock.stubFor(
                post(urlPathEqualTo(path))
                        .inScenario("flaky")
                        .whenScenarioStateIs("recovered")
                        .willReturn(ok("ok")));
        UUID id = UUID.randomUUID();

        publish(EventType.DEPLOYMENT_REQUESTED, id, requested(id, "flaky-app", "staging", "1.0.0"));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(deliveries(id).getString("items[0].status"))
                                        .isEqualTo("SENT"));
        List<LoggedRequest> attempts = requests(path, id.toString());
        assertThat(attempts).hasSize(3);
        assertThat(
                        attempts.get(1).getLoggedDate().getTime()
                                - attempts.get(0).getLoggedDate().getTime())
                .as("Retry-After: 1 honoured")
                .isGreaterThanOrEqualTo(1000);
        JsonPath log = deliveries(id);
        assertThat(log.getInt("items[0].attempts")).isEqualTo(3);
        assertThat(log.getString("items[0].lastError"))
                .isEqualTo("Slack channel flaky answered HTTP 500: upstream failure on ****");
        assertThat(deliveriesText(id)).doesNotContain("flaky-token", "T0FLAKY");
    }

    @Test
    void theSameEventDeliveredThreeTimesMakesOneMessage() {
        UUID id = UUID.randomUUID();
        String once = requested(id, "cart", "development", "7.0.0");
        deliver(EventType.DEPLOYMENT_REQUESTED, id, once);
        deliver(EventType.DEPLOYMENT_REQUESTED, id, once);
        deliver(EventType.DEPLOYMENT_REQUESTED, id, once);
        // A later record on the same partition: once it is handled, so are the three before it.
        publish(EventType.DEPLOYMENT_REQUESTED, id, requested(id, "cart", "development", "7.0.1"));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(posted(WireMockReceivers.TEAM, id.toString())).hasSize(2));
        assertThat(posted(WireMockReceivers.TEAM, id.toString()))
                .filteredOn(m -> m.path("text").asText().contains("7.0.0"))
                .hasSize(1);
        String eventId = codec.parseTree(once).path("id").asText();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(requests(WireMockReceivers.HOOK, id.toString()))
                                        .hasSize(2));
        assertThat(requests(WireMockReceivers.HOOK, id.toString()))
                .filteredOn(r -> eventId.equals(r.getHeader("webhook-id")))
                .hasSize(1);
        assertThat(deliveries(id).getList("items.eventId", String.class))
                .filteredOn(eventId::equals)
                .hasSize(2);
    }

    @Test
    void aWebhookCarriesTheCloudEventSignedAsStandardWebhooksDo() throws Exception {
        UUID id = UUID.randomUUID();
        String event =
                publish(
                        EventType.DEPLOYMENT_REQUESTED,
                        id,
                        requested(id, "cart", "staging", "8.0.0"));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(requests(WireMockReceivers.HOOK, id.toString()))
                                        .hasSize(1));
        LoggedRequest received = requests(WireMockReceivers.HOOK, id.toString()).get(0);
        assertThat(received.getUrl()).endsWith("?" + WireMockReceivers.HOOK_QUERY);
        assertThat(received.getHeader("Content-Type")).startsWith("application/cloudevents+json");
        assertThat(received.getBodyAsString()).isEqualTo(event);
        String webhookId = received.getHeader("webhook-id");
        String timestamp = received.getHeader("webhook-timestamp");
        assertThat(webhookId).isEqualTo(codec.parseTree(event).path("id").asText());
        assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)))
                .isLessThan(300);

        // The receiver's side, from the spec alone: HMAC-SHA256 of "id.timestamp.body" with the
        // secret's bytes.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(
                new SecretKeySpec(
                        Base64.getDecoder().decode(WireMockReceivers.HOOK_SECRET_BASE64),
                        "HmacSHA256"));
        byte[] expected =
                mac.doFinal(
                        (webhookId + "." + timestamp + "." + received.getBodyAsString())
                                .getBytes(StandardCharsets.UTF_8));
        String header = received.getHeader("webhook-signature");
        assertThat(header).startsWith("v1,");
        assertThat(MessageDigest.isEqual(Base64.getDecoder().decode(header.substring(3)), expected))
                .isTrue();
    }

    @Test
    void aChannelThatKeepsFailingGivesUpWithoutHoldingUpTheOthers() {
        UUID id = UUID.randomUUID();
        publish(
                EventType.DEPLOYMENT_REQUESTED,
                id,
                requested(id, "broken-app", "staging", "1.0.0"));

        // The webhook goes out while Slack is still failing (its row still open, to be tried
        // again).
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            JsonPath now = deliveries(id);
                            assertThat(now.getString("items.find { it.channel == 'hook' }.status"))
                                    .isEqualTo("SENT");
                            assertThat(
                                            now.getString(
                                                    "items.find { it.channel == 'broken' }.status"))
                                    .isIn("PENDING", "SENDING");
                        });
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                deliveries(id)
                                                        .getString(
                                                                "items.find { it.channel == 'broken' }.status"))
                                        .isEqualTo("FAILED"));
        JsonPath log = deliveries(id);
        assertThat(log.getString("items.find { it.channel == 'hook' }.status")).isEqualTo("SENT");
        assertThat(log.getInt("items.find { it.channel == 'broken' }.attempts")).isEqualTo(4);
        assertThat(log.getString("items.find { it.channel == 'broken' }.lastError"))
                .isEqualTo(
                        "Slack channel broken answered HTTP 500: internal error while posting to ****");
        assertThat(requests(WireMockReceivers.BROKEN, id.toString())).hasSize(4);
    }

    @Test
    void aDeliveryLeftSendingByADeadSenderIsTakenUpAgain() {
        UUID id = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        String event = "{\"id\": \"" + eventId + "\", \"subject\": \"" + id + "\"}";
        pool().preparedQuery(
                        "INSERT INTO delivery (event_id, event_type, deployment_id, channel, route, event, status, "
                                + "attempts, claimed_at) VALUES ($1, 'dev.stride.deployment.requested.v1', $2, 'hook', 'default', "
                                + "$3, 'SENDING', 1, now() - interval '1 hour')")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(eventId, id, event))
                .await()
                .atMost(Duration.ofSeconds(5));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(deliveries(id).getString("items[0].status"))
                                        .isEqualTo("SENT"));
        assertThat(deliveries(id).getInt("items[0].attempts")).isEqualTo(2);
        assertThat(requests(WireMockReceivers.HOOK, id.toString()))
                .singleElement()
                .satisfies(
                        r -> assertThat(r.getHeader("webhook-id")).isEqualTo(eventId.toString()));
    }

    @Test
    void slackIsPacedPerWebhook() {
        UUID id = UUID.randomUUID();
        // All three at once, so only the pace can space them out.
        deliver(EventType.DEPLOYMENT_REQUESTED, id, requested(id, "cart", "development", "9.0.0"));
        deliver(EventType.DEPLOYMENT_REQUESTED, id, requested(id, "cart", "development", "9.0.1"));
        deliver(EventType.DEPLOYMENT_REQUESTED, id, requested(id, "cart", "development", "9.0.2"));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(requests(WireMockReceivers.TEAM, id.toString()))
                                        .hasSize(3));
        List<LoggedRequest> sent = requests(WireMockReceivers.TEAM, id.toString());
        for (int i = 1; i < sent.size(); i++) {
            // slack-min-interval is 300ms in tests; WireMock logs at millisecond precision.
            assertThat(
                            sent.get(i).getLoggedDate().getTime()
                                    - sent.get(i - 1).getLoggedDate().getTime())
                    .isGreaterThanOrEqualTo(295);
        }
    }
}
