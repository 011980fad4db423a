package dev.stride.incident.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stride.events.CloudEvent;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TestTokens;
import dev.stride.testing.TopicReader;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The incident service over real Kafka and PostgreSQL, with WireMock as PagerDuty: what a breach opens, what it
 * asks for, whom it pages, once, however often it arrives; and what people do with the incident.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(PagerDutyStub.class)
class IncidentFlowTest {

    private final EventCodec codec = new EventCodec();

    @BeforeEach
    void oncall() {
        Callers.actAs("alice", "stride-operator");
    }

    @Test
    void aProductionBreachOpensOneP1RequestsOneRollbackPagesOnceAndResolvingResolvesThePage() {
        UUID id = UUID.randomUUID();
        String app = "checkout-" + id.toString().substring(0, 8);
        String first =
                publish(
                        breach(
                                id,
                                app,
                                Environment.PRODUCTION,
                                "error_rate",
                                9.0,
                                ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        redeliver(id, EventType.THRESHOLD_BREACHED, first);
        redeliver(id, EventType.THRESHOLD_BREACHED, first);
        // The same cause reported again as a new event attaches to the incident too.
        String again =
                publish(
                        breach(
                                id,
                                app,
                                Environment.PRODUCTION,
                                "error_rate",
                                11.0,
                                ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        awaitProcessed("incident.threshold-breached", first, again);

        JsonPath incident = awaitOnlyIncident(app);
        assertThat(incident.getString("severity")).isEqualTo("P1");
        assertThat(incident.getString("status")).isEqualTo("OPEN");
        assertThat(incident.getString("deploymentId")).isEqualTo(id.toString());
        String incidentId = incident.getString("id");
        String dedupKey = "stride-incident-" + incidentId;

        List<JsonNode> rollbacks = awaitEvents(EventType.ROLLBACK_REQUESTED, id, 1);
        assertThat(rollbacks.get(0).path("attempt").asInt()).isEqualTo(1);
        assertThat(rollbacks.get(0).path("requestedBy").asText()).isEqualTo("incident-service");
        List<JsonNode> opened = awaitEvents(EventType.INCIDENT_OPENED, id, 1);
        assertThat(opened.get(0).path("severity").asText()).isEqualTo("P1");
        assertThat(opened.get(0).path("environment").asText()).isEqualTo("production");

        awaitTimeline(incidentId, "page-trigger-sent");
        List<JsonNode> pages = pages(dedupKey);
        assertThat(pages).hasSize(1);
        assertThat(pages.get(0).path("event_action").asText()).isEqualTo("trigger");
        assertThat(pages.get(0).path("routing_key").asText()).isEqualTo(PagerDutyStub.ROUTING_KEY);
        assertThat(pages.get(0).path("payload").path("severity").asText()).isEqualTo("error");
        assertThat(timelineKinds(incidentId))
                .containsSubsequence("opened", "rollback-requested", "page-queued")
                .contains("breach", "page-trigger-sent");
        assertThat(events(EventType.ROLLBACK_REQUESTED, id)).hasSize(1);
        assertThat(events(EventType.INCIDENT_OPENED, id)).hasSize(1);

        given().contentType("application/json")
                .body("{\"resolution\": \"rolled back; connection pool fixed\"}")
                .post("/api/v1/incidents/" + incidentId + "/resolve")
                .then()
                .statusCode(200)
                .body("status", equalTo("RESOLVED"))
                .body("resolvedBy", equalTo("alice"));

        List<JsonNode> resolved = awaitEvents(EventType.INCIDENT_RESOLVED, id, 1);
        assertThat(resolved.get(0).path("resolution").asText())
                .isEqualTo("rolled back; connection pool fixed");
        awaitTimeline(incidentId, "page-resolve-sent");
        assertThat(pages(dedupKey))
                .extracting(p -> p.path("event_action").asText())
                .containsExactly("trigger", "resolve");
        String whole =
                given().get("/api/v1/incidents/" + incidentId)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
        assertThat(whole).doesNotContain(PagerDutyStub.ROUTING_KEY);
    }

    @Test
    void aFailedProductionRollbackIsAP0PagedWithoutAskingForAnotherRollback() throws Exception {
        UUID id = UUID.randomUUID();
        String app = "payments-" + id.toString().substring(0, 8);
        String requested = publish(requested(id, app, "production"));
        awaitProcessed("incident.deployment-requested", requested);
        // RollbackCompleted names no application or environment: the DeploymentRequested told us.
        publish(new RollbackCompleted(id, 2, RollbackCompleted.Outcome.FAILED, "No such server."));

        JsonPath incident = awaitOnlyIncident(app);
        assertThat(incident.getString("severity")).isEqualTo("P0");
        assertThat(incident.getString("environment")).isEqualTo("production");
        awaitTimeline(incident.getString("id"), "page-trigger-sent");
        assertThat(pages("stride-incident-" + incident.getString("id")))
                .hasSize(1)
                .allSatisfy(
                        p ->
                                assertThat(p.path("payload").path("severity").asText())
                                        .isEqualTo("critical"));
        assertThat(outboxed(EventType.ROLLBACK_REQUESTED, id)).isZero();
    }

    @Test
    void aStagingRollbackNotifiesTheTeamWithoutPagingOrRollingBack() {
        UUID id = UUID.randomUUID();
        String app = "search-" + id.toString().substring(0, 8);
        publish(
                breach(
                        id,
                        app,
                        Environment.STAGING,
                        "response_time_p95",
                        1800.0,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));

        JsonPath incident = awaitOnlyIncident(app);
        assertThat(incident.getString("severity")).isEqualTo("P2");
        assertThat(incident.getBoolean("paged")).isFalse();
        assertThat(awaitEvents(EventType.INCIDENT_OPENED, id, 1).get(0).path("severity").asText())
                .isEqualTo("P2");
        assertThat(outboxed(EventType.ROLLBACK_REQUESTED, id)).isZero();
        assertThat(pageRows(incident.getString("id"))).isZero();
    }

    @Test
    void aManualProductionRollbackOpensOneP2WithoutPagingOrAnotherRollback() throws Exception {
        UUID id = UUID.randomUUID();
        String app = "orders-" + id.toString().substring(0, 8);
        awaitProcessed("incident.deployment-requested", publish(requested(id, app, "production")));
        // An operator's POST .../rollback, as the planner publishes it; delivered twice.
        String byHand =
                publish(
                        codec.wrap(
                                new RollbackRequested(
                                        id,
                                        1,
                                        "rollback requested by alice: checkout errors",
                                        "alice"),
                                "/stride/planner"));
        redeliver(id, EventType.ROLLBACK_REQUESTED, byHand);
        awaitProcessed("incident.rollback-requested", byHand);

        JsonPath incident = awaitOnlyIncident(app);
        assertThat(incident.getString("severity")).isEqualTo("P2");
        assertThat(incident.getString("rule")).isEqualTo("production-manual-rollback");
        assertThat(incident.getString("cause")).isEqualTo("manual-rollback");
        assertThat(incident.getString("title"))
                .isEqualTo("Production deployment rolled back by hand");
        assertThat(incident.getString("environment")).isEqualTo("production");
        assertThat(incident.getInt("attempt")).isEqualTo(1);
        assertThat(incident.getBoolean("paged")).isFalse();
        assertThat(timelineDetails(incident.getString("id")))
                .anySatisfy(
                        d ->
                                assertThat(d)
                                        .contains(
                                                "requested by alice: rollback requested by alice: checkout errors"));
        List<JsonNode> opened = awaitEvents(EventType.INCIDENT_OPENED, id, 1);
        assertThat(opened.get(0).path("severity").asText()).isEqualTo("P2");

        // On-call tooling asks again for the same deployment: it joins the open incident.
        String again =
                publish(
                        codec.wrap(
                                new RollbackRequested(id, 1, "still failing", "bob"),
                                "/oncall/tooling"));
        awaitProcessed("incident.rollback-requested", again);
        assertThat(awaitOnlyIncident(app).getString("id")).isEqualTo(incident.getString("id"));
        assertThat(timelineKinds(incident.getString("id"))).contains("manual-rollback");
        assertThat(outboxed(EventType.INCIDENT_OPENED, id)).isEqualTo(1);
        assertThat(outboxed(EventType.ROLLBACK_REQUESTED, id)).isZero();
        assertThat(pageRows(incident.getString("id"))).isZero();
    }

    @Test
    void aManualRollbackOutsideProductionAndAnAutomaticOneInProductionOpenNothing()
            throws Exception {
        UUID staging = UUID.randomUUID();
        String stagingApp = "orders-" + staging.toString().substring(0, 8);
        UUID production = UUID.randomUUID();
        String productionApp = "orders-" + production.toString().substring(0, 8);
        awaitProcessed(
                "incident.deployment-requested",
                publish(requested(staging, stagingApp, "staging")),
                publish(requested(production, productionApp, "production")));

        String byHand =
                publish(
                        codec.wrap(
                                new RollbackRequested(
                                        staging, 1, "rollback requested by alice", "alice"),
                                "/stride/planner"));
        // The planner rolling back on the verifier's breach: the breach is what gets classified.
        String automatic =
                publish(
                        codec.wrap(
                                new RollbackRequested(
                                        production,
                                        1,
                                        "threshold breached: error_rate 9.0 against 5% over 5m (trigger)",
                                        "verifier"),
                                "/stride/planner"));
        awaitProcessed("incident.rollback-requested", byHand, automatic);

        for (String app : List.of(stagingApp, productionApp)) {
            assertThat(
                            given().queryParam("application", app)
                                    .get("/api/v1/incidents")
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .jsonPath()
                                    .getList("items"))
                    .as(app)
                    .isEmpty();
        }
        assertThat(outboxed(EventType.INCIDENT_OPENED, staging)).isZero();
        assertThat(outboxed(EventType.INCIDENT_OPENED, production)).isZero();
    }

    @Test
    void itsOwnRollbackRequestAndAManualOneDuringAnIncidentOpenNoSecondIncident() {
        UUID id = UUID.randomUUID();
        String app = "billing-" + id.toString().substring(0, 8);
        publish(
                breach(
                        id,
                        app,
                        Environment.PRODUCTION,
                        "error_rate",
                        9.0,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        String incidentId = awaitOnlyIncident(app).getString("id");
        // The P1's own RollbackRequested is on the topic, and this service reads that topic.
        awaitEvents(EventType.ROLLBACK_REQUESTED, id, 1);
        assertThat(
                        sql(
                                "SELECT count(*) FROM processed_event p JOIN outbox o ON o.event_id::text = p.event_id "
                                        + "WHERE p.consumer = 'incident.rollback-requested' AND o.record_key = $1",
                                id.toString()))
                .as("its own request is marked processed when written")
                .isEqualTo(1);

        // Someone rolls back by hand while the P1 is open (same key, so read after the own one).
        String byHand =
                publish(
                        codec.wrap(
                                new RollbackRequested(id, 1, "belt and braces", "carol"),
                                "/oncall/tooling"));
        awaitProcessed("incident.rollback-requested", byHand);

        JsonPath only = awaitOnlyIncident(app);
        assertThat(only.getString("id")).isEqualTo(incidentId);
        assertThat(only.getString("severity")).isEqualTo("P1");
        assertThat(timelineKinds(incidentId))
                .contains("manual-rollback")
                .doesNotContain("automatic-rollback");
        assertThat(timelineDetails(incidentId))
                .filteredOn(d -> d != null && d.contains("requested by incident-service"))
                .isEmpty();
        assertThat(outboxed(EventType.INCIDENT_OPENED, id)).isEqualTo(1);
        assertThat(outboxed(EventType.ROLLBACK_REQUESTED, id)).isEqualTo(1);
    }

    @Test
    void anAlertOnlyBreachOpensNothingButLandsInTheTimelineOfAnOpenIncident() {
        UUID id = UUID.randomUUID();
        String app = "cart-" + id.toString().substring(0, 8);
        String alert =
                publish(
                        breach(
                                id,
                                app,
                                Environment.PRODUCTION,
                                "error_rate",
                                2.0,
                                ThresholdBreached.Action.ALERT));
        awaitProcessed("incident.threshold-breached", alert);
        assertThat(
                        given().queryParam("application", app)
                                .get("/api/v1/incidents")
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getList("items"))
                .isEmpty();

        // A pause trigger's breach opens nothing itself: the planner's DeploymentPaused does (P2).
        String pauseBreach =
                publish(
                        breach(
                                id,
                                app,
                                Environment.PRODUCTION,
                                "error_rate",
                                7.0,
                                ThresholdBreached.Action.PAUSE));
        awaitProcessed("incident.threshold-breached", pauseBreach);
        publish(
                codec.wrap(
                        new dev.stride.events.DeploymentPaused(
                                id,
                                1,
                                2,
                                app,
                                Environment.PRODUCTION,
                                "paused: error_rate 7.0 against 2% over 5m (trigger)",
                                "verifier"),
                        "/stride/planner"));
        JsonPath paused = awaitOnlyIncident(app);
        assertThat(paused.getString("severity")).isEqualTo("P2");
        assertThat(paused.getString("rule")).isEqualTo("production-paused");
        String incidentId = paused.getString("id");
        String later =
                publish(
                        breach(
                                id,
                                app,
                                Environment.PRODUCTION,
                                "response_time",
                                900.0,
                                ThresholdBreached.Action.ALERT));
        awaitProcessed("incident.threshold-breached", later);
        assertThat(timelineDetails(incidentId))
                .anySatisfy(d -> assertThat(d).startsWith("response_time 900.0"));
    }

    @Test
    void aPageThatFailsIsRetriedUntilPagerDutyTakesItAndSentOnce() {
        UUID id = UUID.randomUUID();
        String app = "ledger-" + id.toString().substring(0, 8);
        PagerDutyStub.server.stubFor(
                post(urlEqualTo("/v2/enqueue"))
                        .withRequestBody(containing(id.toString()))
                        .inScenario("flaky-" + id)
                        .whenScenarioStateIs(Scenario.STARTED)
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(500))
                        .willSetStateTo("second"));
        PagerDutyStub.server.stubFor(
                post(urlEqualTo("/v2/enqueue"))
                        .withRequestBody(containing(id.toString()))
                        .inScenario("flaky-" + id)
                        .whenScenarioStateIs("second")
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(429))
                        .willSetStateTo("third"));
        publish(
                breach(
                        id,
                        app,
                        Environment.PRODUCTION,
                        "health_check_success_rate",
                        40.0,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));

        String incidentId = awaitOnlyIncident(app).getString("id");
        awaitTimeline(incidentId, "page-trigger-sent");
        assertThat(pages("stride-incident-" + incidentId)).hasSize(3);
        assertThat(
                        sql(
                                "SELECT count(*) FROM page WHERE incident_id = $1 AND status = 'SENT' AND tries = 3",
                                UUID.fromString(incidentId)))
                .isEqualTo(1);
    }

    @Test
    void onCallAcknowledgesAddsNotesAndWritesTheReview() {
        UUID id = UUID.randomUUID();
        String app = "orders-" + id.toString().substring(0, 8);
        publish(
                breach(
                        id,
                        app,
                        Environment.PRODUCTION,
                        "error_rate",
                        8.0,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        String incidentId = awaitOnlyIncident(app).getString("id");
        String path = "/api/v1/incidents/" + incidentId;
        awaitTimeline(incidentId, "page-trigger-sent");

        given().post(path + "/acknowledge")
                .then()
                .statusCode(200)
                .body("status", equalTo("ACKNOWLEDGED"))
                .body("acknowledgedBy", equalTo("alice"));
        given().contentType("application/json")
                .body("{\"note\": \"pool exhausted on db-2\"}")
                .post(path + "/notes")
                .then()
                .statusCode(200);
        given().contentType("application/json")
                .body(
                        "{\"rootCause\": \"connection pool too small\", \"actionItems\": [\"alert on pool\", \"load test\"]}")
                .put(path + "/review")
                .then()
                .statusCode(200)
                .body("rootCause", equalTo("connection pool too small"))
                .body("actionItems.size()", equalTo(2));
        awaitTimeline(incidentId, "page-acknowledge-sent");
        assertThat(timelineKinds(incidentId)).contains("acknowledged", "note", "review-updated");

        given().queryParam("status", "ACKNOWLEDGED")
                .queryParam("severity", "P1")
                .queryParam("application", app)
                .queryParam("environment", "production")
                .get("/api/v1/incidents")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].id", equalTo(incidentId));
        given().queryParam("status", "OPEN")
                .queryParam("application", app)
                .get("/api/v1/incidents")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void badInputIsAProblemNamingTheField() {
        UUID id = UUID.randomUUID();
        String app = "inventory-" + id.toString().substring(0, 8);
        publish(
                breach(
                        id,
                        app,
                        Environment.STAGING,
                        "error_rate",
                        8.0,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        String path = "/api/v1/incidents/" + awaitOnlyIncident(app).getString("id");

        problem(given().queryParam("status", "CLOSED").get("/api/v1/incidents"), 400, "status");
        problem(given().queryParam("severity", "P7").get("/api/v1/incidents"), 400, "severity");
        problem(
                given().queryParam("environment", "prod").get("/api/v1/incidents"),
                400,
                "environment");
        problem(given().queryParam("size", "1000").get("/api/v1/incidents"), 400, "size");
        problem(given().get("/api/v1/incidents/not-a-uuid"), 400, "id");
        problem(
                given().contentType("application/json").body("{}").post(path + "/resolve"),
                400,
                "resolution");
        problem(
                given().contentType("application/json")
                        .body("{\"resolution\": \"  \"}")
                        .post(path + "/resolve"),
                400,
                "resolution");
        problem(
                given().contentType("application/json")
                        .body("{\"note\": \"x\", \"by\": \"mallory\"}")
                        .post(path + "/notes"),
                400,
                "by");
        problem(
                given().contentType("application/json")
                        .body("{\"actionItems\": \"one\"}")
                        .put(path + "/review"),
                400,
                "actionItems");
        problem(
                given().contentType("application/json")
                        .body("{\"actionItems\": [\"ok\", 3]}")
                        .put(path + "/review"),
                400,
                "actionItems[1]");
        problem(
                given().contentType("application/json").body("[1]").post(path + "/notes"),
                400,
                "(body)");
        problem(
                given().queryParam("from", "yesterday").get("/api/v1/metrics/delivery"),
                400,
                "from");
        problem(
                given().queryParam("from", "2026-03-02")
                        .queryParam("to", "2026-03-01")
                        .get("/api/v1/metrics/delivery"),
                400,
                "from");
        // Years Instant.parse takes but the figures cannot: outside 1970-9999 is the caller's
        // mistake, not a 500.
        problem(
                given().queryParam("to", "-1000000000-01-01T00:00:00Z")
                        .get("/api/v1/metrics/delivery"),
                400,
                "to");
        problem(
                given().queryParam("from", "+1000000000-01-01T00:00:00Z")
                        .get("/api/v1/metrics/delivery"),
                400,
                "from");
        problem(
                given().queryParam("to", "+10000-01-01T00:00:00Z").get("/api/v1/metrics/delivery"),
                400,
                "to");
        problem(
                given().queryParam("from", "1969-12-31").get("/api/v1/metrics/delivery"),
                400,
                "from");
        given().queryParam("from", "9999-12-01")
                .queryParam("to", "9999-12-31T23:59:59Z")
                .get("/api/v1/metrics/delivery")
                .then()
                .statusCode(200);
        given().get("/api/v1/incidents/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");

        given().contentType("application/json")
                .body("{\"resolution\": \"false alarm\"}")
                .post(path + "/resolve")
                .then()
                .statusCode(200);
        given().contentType("application/json")
                .body("{\"resolution\": \"again\"}")
                .post(path + "/resolve")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
        given().header("Authorization", TestTokens.bearer("victor", "stride-viewer"))
                .post(path + "/acknowledge")
                .then()
                .statusCode(403);
        given().header("Authorization", TestTokens.bearer("victor", "stride-viewer"))
                .get(path)
                .then()
                .statusCode(200);
    }

    // ---- helpers
    // ------------------------------------------------------------------------------------------------

    static ThresholdBreached breach(
            UUID id,
            String app,
            Environment env,
            String metric,
            double value,
            ThresholdBreached.Action action) {
        return new ThresholdBreached(
                id,
                1,
                2,
                metric,
                value,
                "5%",
                "5m",
                ThresholdBreached.Kind.TRIGGER,
                action,
                app,
                env);
    }

    static DeploymentRequested requested(UUID id, String app, String environment) throws Exception {
        String json =
                "{\"deploymentId\":\""
                        + id
                        + "\",\"application\":\""
                        + app
                        + "\",\"environment\":\""
                        + environment
                        + "\",\"version\":\"2.4.1\",\"artifact\":\"registry.example.com/shop/"
                        + app
                        + ":2.4.1\",\"commitSha\":\"9fceb02\",\"commitTime\":\"2026-03-02T11:42:17Z\",\"requestedBy\":\"ci\","
                        + "\"target\":{\"platform\":\"haproxy\",\"address\":\"127.0.0.1:9999\",\"backend\":\""
                        + app
                        + "\",\"stableServer\":\"stable\",\"canaryServer\":\"canary\"},\"deployment\":{\"strategy\":\"canary\","
                        + "\"phases\":[{\"name\":\"initial\",\"traffic_percentage\":5,\"duration\":\"10m\"},"
                        + "{\"name\":\"full-rollout\",\"traffic_percentage\":100}]}}";
        return EventCodec.mapper().readValue(json, DeploymentRequested.class);
    }

    String publish(StrideEvent data) {
        return publish(codec.wrap(data, "/stride/test"));
    }

    String publish(CloudEvent envelope) {
        String value = codec.encode(envelope);
        redeliver(
                UUID.fromString(envelope.subject()),
                EventType.ofType(envelope.type()).orElseThrow(),
                value);
        return value;
    }

    static void redeliver(UUID id, EventType type, String value) {
        TopicReader.publish(bootstrap(), type.topic(), id.toString(), value);
    }

    static JsonPath awaitOnlyIncident(String app) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                !given().queryParam("application", app)
                                        .get("/api/v1/incidents")
                                        .then()
                                        .statusCode(200)
                                        .extract()
                                        .jsonPath()
                                        .getList("items")
                                        .isEmpty());
        JsonPath list =
                given().queryParam("application", app)
                        .get("/api/v1/incidents")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
        assertThat(list.getList("items")).hasSize(1);
        return new JsonPath(
                given().get("/api/v1/incidents/" + list.getString("items[0].id"))
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
    }

    static void awaitTimeline(String incidentId, String kind) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> timelineKinds(incidentId).contains(kind));
    }

    static List<String> timelineKinds(String incidentId) {
        return given().get("/api/v1/incidents/" + incidentId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("timeline.kind", String.class);
    }

    static List<String> timelineDetails(String incidentId) {
        return given().get("/api/v1/incidents/" + incidentId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("timeline.detail", String.class);
    }

    /** The Events API documents PagerDuty received for this dedup key, in order. */
    static List<JsonNode> pages(String dedupKey) {
        EventCodec codec = new EventCodec();
        return PagerDutyStub.server.findAll(postRequestedFor(urlEqualTo("/v2/enqueue"))).stream()
                .map(LoggedRequest::getBodyAsString)
                .map(codec::parseTree)
                .filter(body -> dedupKey.equals(body.path("dedup_key").asText()))
                .toList();
    }

    static List<JsonNode> awaitEvents(EventType type, UUID id, int count) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> events(type, id).size() >= count);
        return events(type, id);
    }

    static List<JsonNode> events(EventType type, UUID id) {
        return TopicReader.events(bootstrap(), type, id.toString());
    }

    static long outboxed(EventType type, UUID id) {
        return sql(
                "SELECT count(*) FROM outbox WHERE event_type = $1 AND record_key = $2",
                type.type(),
                id.toString());
    }

    static long pageRows(String incidentId) {
        return sql("SELECT count(*) FROM page WHERE incident_id = $1", UUID.fromString(incidentId));
    }

    static void problem(io.restassured.response.Response response, int status, String field) {
        response.then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo(field));
    }

    /** Waits until the service has taken in these records as {@code consumer} (their effects are committed then). */
    static void awaitProcessed(String consumer, String... envelopes) {
        EventCodec codec = new EventCodec();
        String[] ids =
                Arrays.stream(envelopes)
                        .map(e -> codec.parseTree(e).path("id").asText())
                        .toArray(String[]::new);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                sql(
                                                "SELECT count(*) FROM processed_event WHERE consumer = $1 AND event_id = ANY($2)",
                                                consumer,
                                                ids)
                                        == ids.length);
    }

    static long sql(String query, Object... args) {
        return pool().preparedQuery(query)
                .execute(Tuple.from(args))
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
    }

    static Pool pool() {
        return Arc.container().instance(Pool.class).get();
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
