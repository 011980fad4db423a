package dev.stride.incident.flow;

import static dev.stride.incident.flow.IncidentFlowTest.awaitEvents;
import static dev.stride.incident.flow.IncidentFlowTest.awaitProcessed;
import static dev.stride.incident.flow.IncidentFlowTest.awaitTimeline;
import static dev.stride.incident.flow.IncidentFlowTest.outboxed;
import static dev.stride.incident.flow.IncidentFlowTest.pageRows;
import static dev.stride.incident.flow.IncidentFlowTest.pages;
import static dev.stride.incident.flow.IncidentFlowTest.problem;
import static dev.stride.incident.flow.IncidentFlowTest.redeliver;
import static dev.stride.incident.flow.IncidentFlowTest.requested;
import static dev.stride.incident.flow.IncidentFlowTest.timelineKinds;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.CloudEvent;
import dev.stride.events.DeploymentFinished;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.spec.Environment;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On-call declares an incident ({@code POST /api/v1/incidents}): it concerns the deployment running in its
 * application and environment (else the latest one there), announces itself with who declared it, and a P0/P1 pages.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(PagerDutyStub.class)
class DeclaredIncidentTest {

    private final EventCodec codec = new EventCodec();

    @BeforeEach
    void oncall() {
        Callers.actAs("alice", "stride-operator");
    }

    @Test
    void aDeclaredP1NamesTheRunningDeploymentAnnouncesWhoDeclaredItAndPagesOnce() throws Exception {
        String app = "payments-" + UUID.randomUUID().toString().substring(0, 8);
        UUID finished = UUID.randomUUID();
        UUID running = UUID.randomUUID();
        awaitProcessed(
                "incident.deployment-requested", publish(requested(finished, app, "production")));
        awaitProcessed(
                "incident.deployment-finished",
                publish(
                        new DeploymentFinished(
                                finished,
                                app,
                                Environment.PRODUCTION,
                                "2.4.1",
                                DeploymentFinished.Outcome.SUCCEEDED,
                                null,
                                null,
                                Instant.now().minusSeconds(600),
                                Instant.now().minusSeconds(300))));
        awaitProcessed(
                "incident.deployment-requested", publish(requested(running, app, "production")));

        io.restassured.response.ExtractableResponse<io.restassured.response.Response> answer =
                given().contentType("application/json")
                        .body(
                                """
                                {"severity": "P1", "application": "%s", "environment": "production",
                                 "summary": "Checkout errors since 14:02",
                                 "description": "Card payments fail for about 20%% of users."}
                                """
                                        .formatted(app))
                        .post("/api/v1/incidents")
                        .then()
                        .statusCode(201)
                        .extract();
        JsonPath incident = answer.jsonPath();
        String id = incident.getString("id");
        assertThat(answer.header("Location")).endsWith("/api/v1/incidents/" + id);
        assertThat(incident.getString("deploymentId"))
                .as("the deployment still running, not the one that finished")
                .isEqualTo(running.toString());
        assertThat(incident.getString("severity")).isEqualTo("P1");
        assertThat(incident.getString("status")).isEqualTo("OPEN");
        assertThat(incident.getString("rule")).isEqualTo("declared");
        assertThat(incident.getString("title")).isEqualTo("Checkout errors since 14:02");
        assertThat(incident.getList("timeline.kind", String.class))
                .containsSubsequence("declared", "page-queued");
        assertThat(incident.getString("timeline[0].actor")).isEqualTo("alice");
        assertThat(incident.getString("timeline[0].detail"))
                .contains("Card payments fail for about 20% of users.");

        List<JsonNode> opened = awaitEvents(EventType.INCIDENT_OPENED, running, 1);
        assertThat(opened.get(0).path("declaredBy").asText()).isEqualTo("alice");
        assertThat(opened.get(0).path("incidentId").asText()).isEqualTo(id);
        assertThat(opened.get(0).path("severity").asText()).isEqualTo("P1");
        assertThat(opened.get(0).path("cause").asText()).isEqualTo("declared");
        awaitTimeline(id, "page-trigger-sent");
        assertThat(pages("stride-incident-" + id)).hasSize(1);
        assertThat(outboxed(EventType.ROLLBACK_REQUESTED, running))
                .as("the planner stops the deployment; it knows the attempt")
                .isZero();

        // The planner's rollback of that deployment joins the declared incident's timeline.
        String rollback =
                publish(
                        codec.wrap(
                                new RollbackRequested(
                                        running,
                                        1,
                                        "incident " + id + " (P1) declared by alice",
                                        "incident-service"),
                                "/stride/planner"));
        awaitProcessed("incident.rollback-requested", rollback);
        assertThat(timelineKinds(id)).contains("automatic-rollback");
        assertThat(
                        given().queryParam("application", app)
                                .get("/api/v1/incidents")
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getList("items"))
                .hasSize(1);
    }

    @Test
    void aDeclaredP3AfterTheLastDeploymentNamesItAndPagesNobody() throws Exception {
        String app = "search-" + UUID.randomUUID().toString().substring(0, 8);
        UUID last = UUID.randomUUID();
        awaitProcessed("incident.deployment-requested", publish(requested(last, app, "staging")));
        awaitProcessed(
                "incident.deployment-finished",
                publish(
                        new DeploymentFinished(
                                last,
                                app,
                                Environment.STAGING,
                                "2.4.1",
                                DeploymentFinished.Outcome.SUCCEEDED,
                                null,
                                null,
                                Instant.now().minusSeconds(60),
                                Instant.now())));
        JsonPath incident =
                given().contentType("application/json")
                        .body(
                                "{\"severity\": \"p3\", \"application\": \""
                                        + app
                                        + "\", \"environment\": \"staging\", \"summary\": \"Typo on"
                                        + " the results page\"}")
                        .post("/api/v1/incidents")
                        .then()
                        .statusCode(201)
                        .extract()
                        .jsonPath();
        assertThat(incident.getString("deploymentId")).isEqualTo(last.toString());
        assertThat(incident.getBoolean("paged")).isFalse();
        List<JsonNode> opened = awaitEvents(EventType.INCIDENT_OPENED, last, 1);
        assertThat(opened.get(0).path("severity").asText()).isEqualTo("P3");
        assertThat(pageRows(incident.getString("id"))).isZero();
    }

    @Test
    void aBadDeclarationIsAProblemNamingTheFieldAndOnlyOperatorsMayDeclare() throws Exception {
        String app = "ledger-" + UUID.randomUUID().toString().substring(0, 8);
        awaitProcessed(
                "incident.deployment-requested",
                publish(requested(UUID.randomUUID(), app, "production")));
        String good =
                "{\"severity\": \"P2\", \"application\": \""
                        + app
                        + "\", \"environment\":"
                        + " \"production\", \"summary\": \"Slow reports\"}";
        problem(declare(good.replace("\"P2\"", "\"P5\"")), 400, "severity");
        problem(declare(good.replace("\"production\"", "\"prod\"")), 400, "environment");
        problem(declare(good.replace(", \"summary\": \"Slow reports\"", "")), 400, "summary");
        problem(declare(good.replace("Slow reports", "x".repeat(201))), 400, "summary");
        problem(declare(good.replace("}", ", \"owner\": \"bob\"}")), 400, "owner");
        problem(declare("[1, 2]"), 400, "(body)");
        problem(declare(good.replace(app, "never-deployed-" + app)), 422, "application");
        given().header("Authorization", TestTokens.bearer("victor", "stride-viewer"))
                .contentType("application/json")
                .body(good)
                .post("/api/v1/incidents")
                .then()
                .statusCode(403);
        assertThat(
                        given().queryParam("application", app)
                                .get("/api/v1/incidents")
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getList("items"))
                .as("nothing half-written")
                .isEmpty();
        given().contentType("application/json")
                .body(good)
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .body("severity", equalTo("P2"));
    }

    @Test
    void aRetriedDeclarationWithItsIdempotencyKeyIsTheSameIncidentAndPagesOnce() throws Exception {
        String app = "orders-" + UUID.randomUUID().toString().substring(0, 8);
        UUID running = UUID.randomUUID();
        awaitProcessed(
                "incident.deployment-requested", publish(requested(running, app, "production")));
        String body =
                "{\"severity\": \"P1\", \"application\": \""
                        + app
                        + "\", \"environment\": \"production\", \"summary\": \"Orders time out\"}";
        String key = "oncall-tool-" + UUID.randomUUID();

        JsonPath first =
                given().header("Idempotency-Key", key)
                        .contentType("application/json")
                        .body(body)
                        .post("/api/v1/incidents")
                        .then()
                        .statusCode(201)
                        .extract()
                        .jsonPath();
        String id = first.getString("id");
        io.restassured.response.ExtractableResponse<io.restassured.response.Response> retry =
                given().header("Idempotency-Key", key)
                        .contentType("application/json")
                        .body(body)
                        .post("/api/v1/incidents")
                        .then()
                        .statusCode(200)
                        .extract();
        assertThat(retry.jsonPath().getString("id")).isEqualTo(id);
        assertThat(retry.header("Location")).endsWith("/api/v1/incidents/" + id);

        // Another caller's key, or no key, is a declaration of its own.
        String bobs =
                given().header("Authorization", TestTokens.bearer("bob", "stride-operator"))
                        .header("Idempotency-Key", key)
                        .contentType("application/json")
                        .body(body)
                        .post("/api/v1/incidents")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id");
        assertThat(bobs).isNotEqualTo(id);
        problem(
                given().header("Idempotency-Key", "has space")
                        .contentType("application/json")
                        .body(body)
                        .post("/api/v1/incidents"),
                400,
                "Idempotency-Key");

        awaitTimeline(id, "page-trigger-sent");
        assertThat(pages("stride-incident-" + id)).as("one page for the retried one").hasSize(1);
        assertThat(outboxed(EventType.INCIDENT_OPENED, running)).isEqualTo(2);
    }

    private static io.restassured.response.Response declare(String body) {
        return given().contentType("application/json").body(body).post("/api/v1/incidents");
    }

    private String publish(StrideEvent data) {
        return publish(codec.wrap(data, "/stride/planner"));
    }

    private String publish(CloudEvent envelope) {
        String value = codec.encode(envelope);
        redeliver(
                UUID.fromString(envelope.subject()),
                EventType.ofType(envelope.type()).orElseThrow(),
                value);
        return value;
    }
}
