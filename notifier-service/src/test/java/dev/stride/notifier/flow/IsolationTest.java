package dev.stride.notifier.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stride.events.DeploymentFinished;
import dev.stride.events.EventType;
import dev.stride.events.spec.Environment;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A receiver that does not answer delays only its own deliveries: the others go out within a second, each delivery
 * on its own, while the black holes hold no more than their share of the sender's slots and their deliveries wait,
 * as rows, to be tried again. Test settings: connect-timeout 1s, request-timeout 3s, concurrency 8, per-endpoint 3.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(WireMockReceivers.class)
@QuarkusTestResource(BlackHoleReceivers.class)
class IsolationTest extends FlowSupport {

    private static final long WITHIN_MS = 1000;

    @Test
    void healthyReceiversHearWithinASecondWhileTwoBlackHolesHoldTheirShare() {
        List<UUID> stuck = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            stuck.add(id);
            publish(
                    EventType.DEPLOYMENT_REQUESTED,
                    id,
                    requested(id, "isolated-app", "staging", "1.0." + i));
        }
        // Both black holes hold every slot they may: three connections the silent one took and
        // keeps, three
        // connects to the unaccepting one hanging.
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                BlackHoleReceivers.silent.accepted() >= 3
                                        && sending("unaccepting-%") == 3
                                        && sending("silent-%") == 3);
        // Slack's pace (300 ms a message on one webhook) is the channel's own rule: let the stuck
        // deployments' team
        // messages go first, so the latency measured below is the sender's, not the pace's queue.
        for (UUID id : stuck) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    deliveries(id)
                                                            .getString(
                                                                    "items.find { it.channel == 'team' }.status"))
                                            .isEqualTo("SENT"));
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> sending("unaccepting-%") == 3 && sending("silent-%") == 3);

        UUID bystander = UUID.randomUUID();
        wireMock.stubFor(
                post(urlPathEqualTo(WireMockReceivers.STATUSPAGE))
                        .withRequestBody(containing("4.4.4"))
                        .willReturn(
                                aResponse()
                                        .withStatus(201)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"id\": \"sp-bystander\", \"status\": \"investigating\"}")));
        publish(
                new DeploymentFinished(
                        bystander,
                        "checkout",
                        Environment.PRODUCTION,
                        "4.4.4",
                        DeploymentFinished.Outcome.FAILED,
                        "smoke tests failed",
                        T,
                        T,
                        T));

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(
                                                deliveries(bystander)
                                                        .getList("items.status", String.class))
                                        .containsOnly("SENT")
                                        .hasSize(3));
        Map<String, LoggedRequest> arrived =
                Map.of(
                        "team", requests(WireMockReceivers.TEAM, bystander.toString()).get(0),
                        "hook", requests(WireMockReceivers.HOOK, bystander.toString()).get(0),
                        "status",
                                wireMock.findAll(
                                                com.github.tomakehurst.wiremock.client.WireMock
                                                        .postRequestedFor(
                                                                urlPathEqualTo(
                                                                        WireMockReceivers
                                                                                .STATUSPAGE))
                                                        .withRequestBody(containing("4.4.4")))
                                        .get(0));
        JsonPath log = deliveries(bystander);
        arrived.forEach(
                (channel, request) -> {
                    long latency =
                            request.getLoggedDate().getTime()
                                    - OffsetDateTime.parse(
                                                    log.getString(
                                                            "items.find { it.channel == '"
                                                                    + channel
                                                                    + "' }.createdAt"))
                                            .toInstant()
                                            .toEpochMilli();
                    System.out.printf(
                            "IsolationTest: %s received the bystander's delivery %d ms after it was recorded%n",
                            channel, latency);
                    assertThat(latency)
                            .as("%s delivery latency beside two black holes", channel)
                            .isLessThan(WITHIN_MS);
                });
        // Still holding their share, no more: the bystander did not need to wait for a slot they
        // had.
        assertThat(sending("silent-%")).isLessThanOrEqualTo(3);
        assertThat(sending("unaccepting-%")).isLessThanOrEqualTo(3);

        // The black-holed deliveries wait as rows and are tried again; the log names the endpoint,
        // never the path.
        String silentEndpoint = "127.0.0.1:" + BlackHoleReceivers.silent.port();
        String unacceptingEndpoint = "127.0.0.1:" + BlackHoleReceivers.unaccepting.port();
        for (UUID id : stuck) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(40))
                    .untilAsserted(
                            () -> {
                                JsonPath rows = deliveries(id);
                                for (String channel :
                                        List.of(
                                                "silent-a",
                                                "silent-b",
                                                "unaccepting-a",
                                                "unaccepting-b")) {
                                    String row = "items.find { it.channel == '" + channel + "' }";
                                    assertThat(rows.getInt(row + ".attempts"))
                                            .as(channel)
                                            .isGreaterThanOrEqualTo(2);
                                    assertThat(rows.getString(row + ".lastError"))
                                            .as(channel)
                                            .isEqualTo(
                                                    channel.startsWith("silent")
                                                            ? "webhook "
                                                                    + channel
                                                                    + ": "
                                                                    + silentEndpoint
                                                                    + " did not answer within 3000 ms"
                                                            : "webhook "
                                                                    + channel
                                                                    + ": could not connect to "
                                                                    + unacceptingEndpoint
                                                                    + " within 1000 ms");
                                }
                                assertThat(
                                                rows.getString(
                                                        "items.find { it.channel == 'hook' }.status"))
                                        .isEqualTo("SENT");
                                assertThat(
                                                rows.getString(
                                                        "items.find { it.channel == 'team' }.status"))
                                        .isEqualTo("SENT");
                            });
            assertThat(deliveriesText(id))
                    .doesNotContain(
                            BlackHoleReceivers.SILENT_TOKEN,
                            BlackHoleReceivers.UNACCEPTING_TOKEN,
                            "/hooks/",
                            "T0SILENT",
                            "T0UNACCEPTING");
        }
    }

    @Test
    void aDeliveryThatHangsDoesNotHoldUpTheNextOneOnItsChannel() {
        UUID hanging = UUID.randomUUID();
        // This receiver answers the hanging deployment's webhook after 5 s, past the 3 s request
        // timeout.
        wireMock.stubFor(
                post(urlPathEqualTo(WireMockReceivers.HOOK))
                        .atPriority(1)
                        .withRequestBody(containing(hanging.toString()))
                        .willReturn(aResponse().withStatus(204).withFixedDelay(5000)));
        publish(
                EventType.DEPLOYMENT_REQUESTED,
                hanging,
                requested(hanging, "cart", "development", "2.0.0"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(
                                                deliveries(hanging)
                                                        .getString(
                                                                "items.find { it.channel == 'hook' }.status"))
                                        .isEqualTo("SENDING"));

        UUID next = UUID.randomUUID();
        publish(
                EventType.DEPLOYMENT_REQUESTED,
                next,
                requested(next, "cart", "development", "2.0.1"));

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(requests(WireMockReceivers.HOOK, next.toString()))
                                        .hasSize(1));
        long latency =
                requests(WireMockReceivers.HOOK, next.toString()).get(0).getLoggedDate().getTime()
                        - OffsetDateTime.parse(
                                        deliveries(next)
                                                .getString(
                                                        "items.find { it.channel == 'hook' }.createdAt"))
                                .toInstant()
                                .toEpochMilli();
        System.out.printf(
                "IsolationTest: the next webhook arrived %d ms after it was recorded%n", latency);
        // Sent side by side it takes tens of ms; behind the hanging one (in series) it waits out
        // the rest of that
        // one's 3 s timeout, which was about 1 s in a mutation run: half a second keeps the two
        // well apart.
        assertThat(latency)
                .as("behind a hanging delivery on the same channel")
                .isLessThan(WITHIN_MS / 2);
        assertThat(deliveries(hanging).getString("items.find { it.channel == 'hook' }.status"))
                .isNotEqualTo("SENT");

        String endpoint = wireMock.baseUrl().replace("http://", "");
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> {
                            JsonPath rows = deliveries(hanging);
                            assertThat(rows.getInt("items.find { it.channel == 'hook' }.attempts"))
                                    .isGreaterThanOrEqualTo(2);
                            assertThat(
                                            rows.getString(
                                                    "items.find { it.channel == 'hook' }.lastError"))
                                    .isEqualTo(
                                            "webhook hook: "
                                                    + endpoint
                                                    + " did not answer within 3000 ms");
                        });
        assertThat(deliveriesText(hanging)).doesNotContain(WireMockReceivers.HOOK_QUERY);
    }

    /** Deliveries of the matching channels being sent right now. */
    private static long sending(String channelPattern) {
        return pool().preparedQuery(
                        "SELECT count(*) FROM delivery WHERE channel LIKE $1 AND status = 'SENDING'")
                .execute(Tuple.of(channelPattern))
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
    }
}
