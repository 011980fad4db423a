package dev.stride.notifier.flow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The REST API: the delivery log and test messages, with roles, problem documents and no secret in sight. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(WireMockReceivers.class)
class NotifierApiTest extends FlowSupport {

    private static final String OPERATOR = "stride-operator";

    @Test
    void aTestMessageGoesToEveryChannelOfTheRouteButTheStatusPage() {
        JsonPath queued =
                given().header("Authorization", TestTokens.bearer("alice", OPERATOR))
                        .contentType("application/json")
                        .body("{\"route\": \"checkout-production\", \"message\": \"hello\"}")
                        .post("/api/v1/notifications/test")
                        .then()
                        .statusCode(202)
                        .extract()
                        .jsonPath();
        UUID testId = UUID.fromString(queued.getString("testId"));
        assertThat(queued.getList("channels.channel", String.class))
                .containsExactly("team", "status", "hook");
        assertThat(queued.getList("channels.status", String.class))
                .containsExactly("PENDING", "NOT_TESTED", "PENDING");

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(deliveries(testId).getList("items.status", String.class))
                                        .containsExactly("SENT", "SENT"));
        List<LoggedRequest> slack = requests(WireMockReceivers.TEAM, "route checkout-production");
        assertThat(slack).hasSize(1);
        JsonNode message = tree(slack.get(0).getBodyAsString());
        assertThat(message.path("text").asText())
                .matches(
                        "🔔 Test notification from Stride to route checkout-production - \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\. "
                                + "hello \\(requested by alice\\)");
        assertThat(
                        message.path("attachments")
                                .get(0)
                                .path("blocks")
                                .get(0)
                                .path("text")
                                .path("text")
                                .asText())
                .isEqualTo("Test notification");
        LoggedRequest hook = requests(WireMockReceivers.HOOK, testId.toString()).get(0);
        JsonNode event = tree(hook.getBodyAsString());
        assertThat(event.path("type").asText()).isEqualTo("dev.stride.notification.test.v1");
        assertThat(event.path("data").path("requestedBy").asText()).isEqualTo("alice");
        assertThat(
                        wireMock.findAll(
                                com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                                                com.github.tomakehurst.wiremock.client.WireMock
                                                        .urlPathMatching(
                                                                WireMockReceivers.STATUSPAGE
                                                                        + ".*"))
                                        .withRequestBody(
                                                com.github.tomakehurst.wiremock.client.WireMock
                                                        .containing("hello"))))
                .isEmpty();
    }

    @Test
    void theOnCallRouteCanBeTestedToo() {
        given().header("Authorization", TestTokens.bearer("bob", "stride-admin"))
                .contentType("application/json")
                .body("{\"route\": \"on-call\"}")
                .post("/api/v1/notifications/test")
                .then()
                .statusCode(202)
                .body("channels[0].channel", equalTo("oncall"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(requests(WireMockReceivers.ON_CALL, "Requested by bob."))
                                        .hasSize(1));
    }

    @Test
    void badTestRequestsAreProblemsNamingTheField() {
        String operator = TestTokens.bearer("alice", OPERATOR);
        given().header("Authorization", operator)
                .contentType("application/json")
                .body("{}")
                .post("/api/v1/notifications/test")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("route"));
        given().header("Authorization", operator)
                .contentType("application/json")
                .body("{\"route\": \"nowhere\"}")
                .post("/api/v1/notifications/test")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("route"))
                .body("detail", org.hamcrest.Matchers.containsString("no route named 'nowhere'"));
        // The caller's text comes back cut short and without control characters.
        given().header("Authorization", operator)
                .contentType("application/json")
                .body("{\"route\": \"bad\\u0007\\nroute" + "y".repeat(5000) + "\"}")
                .post("/api/v1/notifications/test")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("route"))
                .body(
                        "detail",
                        org.hamcrest.Matchers.containsString(
                                "no route named 'bad??route" + "y".repeat(54) + "...'"))
                .body(
                        "detail",
                        org.hamcrest.Matchers.not(
                                org.hamcrest.Matchers.containsString("y".repeat(55))));
        given().header("Authorization", operator)
                .contentType("application/json")
                .body("{\"route\": \"default\", \"message\": 42}")
                .post("/api/v1/notifications/test")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("message"));
        given().header("Authorization", operator)
                .contentType("application/json")
                .body("{\"route\": \"default\", \"message\": \"" + "x".repeat(501) + "\"}")
                .post("/api/v1/notifications/test")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("message"));
        given().header("Authorization", operator)
                .contentType("application/json")
                .body("[not json")
                .post("/api/v1/notifications/test")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void onlyOperatorsSendTestMessagesAndAnyStrideRoleReadsTheLog() {
        given().header("Authorization", TestTokens.bearer("vera", "stride-viewer"))
                .contentType("application/json")
                .body("{\"route\": \"default\"}")
                .post("/api/v1/notifications/test")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().header("Authorization", TestTokens.bearer("rick", "stride-requester"))
                .queryParam("deploymentId", UUID.randomUUID().toString())
                .get("/api/v1/deliveries")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void theDeliveryLogNeedsAUuid() {
        String viewer = TestTokens.bearer("vera", "stride-viewer");
        given().header("Authorization", viewer)
                .get("/api/v1/deliveries")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("deploymentId"));
        given().header("Authorization", viewer)
                .queryParam("deploymentId", "1-1-1-1-1")
                .get("/api/v1/deliveries")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("deploymentId"))
                .body("errors[0].message", equalTo("must be a UUID"));
    }

    @Test
    void noSecretAppearsInTheApi() {
        JsonPath queued =
                given().header("Authorization", TestTokens.bearer("alice", OPERATOR))
                        .contentType("application/json")
                        .body("{\"route\": \"broken\"}")
                        .post("/api/v1/notifications/test")
                        .then()
                        .statusCode(202)
                        .extract()
                        .jsonPath();
        UUID testId = UUID.fromString(queued.getString("testId"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                deliveries(testId)
                                                        .getString(
                                                                "items.find { it.channel == 'broken' }.status"))
                                        .isEqualTo("FAILED"));

        String everything = deliveriesText(testId) + given().get("/q/openapi").asString();
        assertThat(everything)
                .doesNotContain(
                        "broken-token",
                        "T0BROKEN",
                        "hook-query-secret",
                        WireMockReceivers.HOOK_SECRET_BASE64,
                        WireMockReceivers.STATUSPAGE_KEY,
                        "team-token");
        assertThat(deliveries(testId).getString("items.find { it.channel == 'broken' }.lastError"))
                .contains("****");
    }
}
