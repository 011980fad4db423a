package dev.stride.planner.flow;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventType;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.Severity;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.Topics;
import dev.stride.planner.Requests;
import dev.stride.planner.Sql;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TestTokens;
import dev.stride.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whole deployments over real Kafka and PostgreSQL, with the test playing the executor and the verifier. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class DeploymentLifecycleTest {

    @org.junit.jupiter.api.BeforeEach
    void caller() {
        // CI's token; tests about who may do what send their own.
        Callers.actAs("ci", "stride-admin");
    }

    private Conductor conductor;

    @BeforeEach
    void conductor() {
        conductor =
                new Conductor(
                        ConfigProvider.getConfig()
                                .getValue("kafka.bootstrap.servers", String.class));
    }

    @Test
    void aCanaryRunsPhaseByPhaseToSucceeded() {
        String id = post("canary", Requests.uniqueApplication(), "staging", "2.4.0");

        JsonNode first = conductor.awaitPhaseRequested(id, 0);
        assertThat(first.path("phaseType").asText()).isEqualTo("CHECKS");
        conductor.runToSuccess(id);

        JsonPath done = conductor.deployment(id);
        assertThat(done.getList("phases.status", String.class)).containsOnly("PASSED");
        assertThat(done.getList("phases.type", String.class))
                .containsExactly("CHECKS", "TRAFFIC", "TRAFFIC", "TRAFFIC", "CHECKS", "FINALIZE");
        assertThat(done.getList("phases.trafficPercentage", Integer.class))
                .containsExactly(null, 5, 25, 100, null, null);
        assertThat(done.getString("finishedAt")).isNotBlank();
        assertThat(done.getList("timeline.action", String.class))
                .contains("started", "phase-started", "phase-passed", "succeeded");
        JsonNode finished = single(EventType.DEPLOYMENT_FINISHED, id);
        assertThat(finished.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(conductor.events(EventType.PHASE_REQUESTED, id)).hasSize(6);
    }

    @Test
    void aBreachDeliveredThreeTimesRollsBackOnceAndEndsRolledBack() {
        String id = post("canary", Requests.uniqueApplication(), "staging", "2.4.1");
        conductor.awaitPhaseRequested(id, 0);
        conductor.passed(id, 0, PhaseType.CHECKS);
        conductor.awaitPhaseRequested(id, 1);
        conductor.started(id, 1, PhaseType.TRAFFIC, 5);

        // The same record twice (a redelivery) and a second report of the same breach.
        String breach = conductor.breach(id, 1, ThresholdBreached.Action.AUTOMATIC_ROLLBACK);
        conductor.redeliver(id, Topics.THRESHOLD_BREACHED, breach);
        String again = conductor.breach(id, 1, ThresholdBreached.Action.AUTOMATIC_ROLLBACK);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                Sql.count(
                                                "SELECT count(*) FROM "
                                                        + "processed_event WHERE consumer = 'planner.threshold-breached' AND event_id = ANY($1)",
                                                (Object)
                                                        new String[] {
                                                            eventId(breach), eventId(again)
                                                        })
                                        == 2);

        JsonPath rollingBack = conductor.awaitStatus(id, "ROLLING_BACK");
        assertThat(rollingBack.getString("phases[1].status")).isEqualTo("FAILED");
        assertThat(rollingBack.getString("reason")).contains("error_rate");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> conductor.events(EventType.ROLLBACK_REQUESTED, id).size() == 1);
        JsonNode rollback = single(EventType.ROLLBACK_REQUESTED, id);
        assertThat(rollback.path("attempt").asInt()).isEqualTo(1);

        conductor.rolledBack(id, RollbackCompleted.Outcome.SUCCEEDED);
        JsonPath rolledBack = conductor.awaitStatus(id, "ROLLED_BACK");
        assertThat(rolledBack.getList("timeline.action", String.class))
                .contains("breach", "rolling-back", "rollback-succeeded", "rolled-back");
        assertThat(single(EventType.DEPLOYMENT_FINISHED, id).path("outcome").asText())
                .isEqualTo("ROLLED_BACK");
        assertThat(conductor.events(EventType.ROLLBACK_REQUESTED, id)).hasSize(1);
    }

    @Test
    void aRollbackWithAVerificationDelayChecksTheStableVersionAndFailsWhenStableFails() {
        String application = Requests.uniqueApplication();
        String stable = post("canary", application, "staging", "2.4.0");
        conductor.runToSuccess(stable);
        conductor.awaitStatus(stable, "SUCCEEDED");
        String yaml =
                new String(body("canary", application, "staging", "2.5.0"), UTF_8)
                        .replaceFirst(
                                "(?m)^(    timeout: \"10m\")$",
                                "$1\n    verification_delay: \"1s\"");
        assertThat(yaml).contains("verification_delay");
        String id =
                given().contentType("application/yaml")
                        .body(yaml.getBytes(UTF_8))
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");
        conductor.awaitPhaseRequested(id, 0);
        conductor.passed(id, 0, PhaseType.CHECKS);
        conductor.awaitPhaseRequested(id, 1);
        conductor.started(id, 1, PhaseType.TRAFFIC, 5);
        conductor.failed(id, 1, PhaseType.TRAFFIC, "error_rate 7% over 5%");
        conductor.awaitStatus(id, "ROLLING_BACK");
        conductor.rolledBack(id, RollbackCompleted.Outcome.SUCCEEDED);

        // After the delay the planner asks the verifier to check stable: a CHECKS phase after the
        // plan's last.
        JsonNode verification = conductor.awaitPhaseRequested(id, 6);
        assertThat(verification.path("phaseType").asText()).isEqualTo("CHECKS");
        JsonNode parameters = verification.path("parameters");
        assertThat(parameters.path("stage").asText()).isEqualTo("rollback");
        assertThat(parameters.path("version").asText()).as("stable").isEqualTo("2.4.0");
        assertThat(parameters.path("rolledBackVersion").asText()).isEqualTo("2.5.0");
        assertThat(parameters.path("health").path("url").asText()).endsWith("/health");
        assertThat(parameters.path("rollbackTriggers").findValuesAsText("metric"))
                .containsExactly("error_rate", "response_time_p95", "health_check_success_rate");
        JsonPath waiting = conductor.awaitStatus(id, "ROLLING_BACK");
        assertThat(waiting.getList("timeline.action", String.class))
                .contains(
                        "rollback-succeeded",
                        "rollback-verification-waiting",
                        "rollback-verification-requested");
        assertThat(conductor.events(EventType.DEPLOYMENT_FINISHED, id)).isEmpty();

        conductor.failed(id, 6, PhaseType.CHECKS, "stable error_rate 9% over the trigger's 5%");
        JsonPath failed = conductor.awaitStatus(id, "ROLLBACK_FAILED");
        assertThat(failed.getString("reason"))
                .contains("stable failed its verification after the rollback")
                .contains("9%");
        JsonNode finished = single(EventType.DEPLOYMENT_FINISHED, id);
        assertThat(finished.path("outcome").asText()).isEqualTo("FAILED");
    }

    @Test
    void productionNeedsStagingSuccessThenAnApprovalFromSomeoneElse() {
        String application = Requests.uniqueApplication();

        given().contentType("application/yaml")
                .body(body("canary", application, "production", "3.0.0"))
                .post("/api/v1/deployments")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("SUCCEEDED in staging"));

        conductor.runToSuccess(post("canary", application, "staging", "3.0.0"));

        String id =
                given().contentType("application/yaml")
                        .body(body("canary", application, "production", "3.0.0"))
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .body("status", equalTo("AWAITING_APPROVAL"))
                        .body("requiredApprovals", equalTo(1))
                        .extract()
                        .path("id");

        // The requester holds the approver role too, and still may not approve their own
        // deployment.
        given().header("Authorization", TestTokens.bearer("ci", "stride-approver"))
                .post("/api/v1/deployments/" + id + "/approvals")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("cannot approve their own"));
        given().header(
                        "Authorization",
                        TestTokens.bearer("bob", "stride-viewer", "stride-operator"))
                .post("/api/v1/deployments/" + id + "/approvals")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        // A header naming someone else changes nothing: the identity is the token's.
        given().header("Authorization", TestTokens.bearer("ci", "stride-approver"))
                .header("X-Stride-User", "alice")
                .post("/api/v1/deployments/" + id + "/approvals")
                .then()
                .statusCode(403);
        given().header("Authorization", TestTokens.bearer("alice", "stride-approver"))
                .contentType("application/json")
                .body("{\"comment\":\"change ticket CHG-42\"}")
                .post("/api/v1/deployments/" + id + "/approvals")
                .then()
                .statusCode(200)
                .body("status", equalTo("IN_PROGRESS"))
                .body("approvals[0].approver", equalTo("alice"))
                .body("approvals[0].comment", equalTo("change ticket CHG-42"));
        given().header("Authorization", TestTokens.bearer("bob", "stride-approver"))
                .post("/api/v1/deployments/" + id + "/approvals")
                .then()
                .statusCode(409);
        assertThat(conductor.deployment(id).getString("requestedBy")).isEqualTo("ci");
        conductor.awaitPhaseRequested(id, 0);
    }

    @Test
    void aKafkaRequestThatBreaksTheProgressionRuleIsRejectedWithDeploymentFinished() {
        UUID id = UUID.randomUUID();
        var data =
                Requests.json("canary")
                        .put("application", Requests.uniqueApplication())
                        .put("environment", "production")
                        .put("deploymentId", id.toString());
        var envelope =
                dev.stride.events.EventCodec.mapper()
                        .createObjectNode()
                        .put("specversion", "1.0")
                        .put("id", UUID.randomUUID().toString())
                        .put("type", EventType.DEPLOYMENT_REQUESTED.type())
                        .put("source", "/release-orchestrator")
                        .put("time", "2026-11-26T08:00:00Z")
                        .put("subject", id.toString());
        envelope.set("data", data);
        TopicReader.publish(
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                Topics.DEPLOYMENT_REQUESTED,
                id.toString(),
                envelope.toString());

        JsonPath rejected = conductor.awaitStatus(id.toString(), "REJECTED");
        assertThat(rejected.getString("reason")).contains("SUCCEEDED in staging");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                conductor
                                                .events(
                                                        EventType.DEPLOYMENT_FINISHED,
                                                        id.toString())
                                                .size()
                                        == 1);
        JsonNode finished = single(EventType.DEPLOYMENT_FINISHED, id.toString());
        assertThat(finished.path("outcome").asText()).isEqualTo("REJECTED");
        assertThat(finished.path("reason").asText()).contains("SUCCEEDED in staging");
    }

    @Test
    void aSecondDeploymentWaitsInTheQueueAndStartsWhenTheFirstIsBackToStable() {
        String application = Requests.uniqueApplication();
        String first = post("rolling", application, "development", "1.0.0");
        String second = post("rolling", application, "development", "1.0.1");
        String third = post("rolling", application, "development", "1.0.2");

        given().get("/api/v1/deployments/" + second)
                .then()
                .body("status", equalTo("REQUESTED"))
                .body("queuePosition", equalTo(1));
        given().get("/api/v1/deployments/" + third).then().body("queuePosition", equalTo(2));

        given().header("Authorization", TestTokens.bearer("oncall", "stride-operator"))
                .contentType("application/json")
                .body("{\"reason\":\"wrong build\"}")
                .post("/api/v1/deployments/" + first + "/abort")
                .then()
                .statusCode(200)
                .body("status", equalTo("ROLLING_BACK"));
        // Stable is being put back: the next one waits until the executor says it is.
        given().get("/api/v1/deployments/" + second).then().body("status", equalTo("REQUESTED"));
        conductor.rolledBack(first, RollbackCompleted.Outcome.SUCCEEDED);
        conductor.awaitStatus(first, "ABORTED");

        conductor.awaitStatus(second, "IN_PROGRESS");
        conductor.awaitPhaseRequested(second, 0);
        given().get("/api/v1/deployments/" + third)
                .then()
                .body("status", equalTo("REQUESTED"))
                .body("queuePosition", equalTo(1));
        assertThat(single(EventType.ROLLBACK_REQUESTED, first).path("reason").asText())
                .contains("aborted by oncall: wrong build");
        assertThat(single(EventType.DEPLOYMENT_FINISHED, first).path("outcome").asText())
                .isEqualTo("ABORTED");
    }

    @Test
    void manualControlsPauseResumePromoteAndRollBackOrAnswerConflict() {
        String id = post("canary", Requests.uniqueApplication(), "staging", "4.0.0");
        conductor.awaitPhaseRequested(id, 0);
        conductor.passed(id, 0, PhaseType.CHECKS);
        conductor.awaitPhaseRequested(id, 1);
        String base = "/api/v1/deployments/" + id;

        given().header("Authorization", TestTokens.bearer("viewer", "stride-viewer"))
                .post(base + "/pause")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().header("Authorization", TestTokens.bearer("approver", "stride-approver"))
                .post(base + "/rollback")
                .then()
                .statusCode(403);
        control(base + "/resume", 409);
        control(base + "/pause", 200).body("status", equalTo("PAUSED"));
        control(base + "/pause", 409)
                .contentType("application/problem+json")
                .body("detail", containsString("IN_PROGRESS"));
        control(base + "/resume", 200).body("status", equalTo("IN_PROGRESS"));
        // Both go out on stride.deployment-control, in order, for the executor, verifier and
        // notifier.
        JsonNode paused = single(EventType.DEPLOYMENT_PAUSED, id);
        assertThat(paused.path("pausedBy").asText()).isEqualTo("oncall");
        assertThat(paused.path("phase").asInt()).isEqualTo(1);
        assertThat(paused.path("environment").asText()).isEqualTo("staging");
        JsonNode resumed = single(EventType.DEPLOYMENT_RESUMED, id);
        assertThat(resumed.path("resumedBy").asText()).isEqualTo("oncall");
        control(base + "/promote", 200)
                .body("status", equalTo("IN_PROGRESS"))
                .body("currentPhase", equalTo(3))
                .body("phases[1].status", equalTo("SKIPPED"))
                .body("phases[2].status", equalTo("SKIPPED"));
        JsonNode promoted = conductor.awaitPhaseRequested(id, 3);
        assertThat(promoted.path("parameters").path("promoted").asBoolean()).isTrue();
        control(base + "/promote", 409);

        given().header("Authorization", TestTokens.bearer("oncall", "stride-operator"))
                .contentType("application/json")
                .body("{\"reason\":\"customer reports\"}")
                .post(base + "/rollback")
                .then()
                .statusCode(200)
                .body("status", equalTo("ROLLING_BACK"));
        control(base + "/rollback", 409);
        control(base + "/abort", 409);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> conductor.events(EventType.ROLLBACK_REQUESTED, id).size() == 1);
        assertThat(single(EventType.ROLLBACK_REQUESTED, id).path("reason").asText())
                .contains("oncall")
                .contains("customer reports");
        given().header("Authorization", TestTokens.bearer("oncall", "stride-operator"))
                .post("/api/v1/deployments/" + UUID.randomUUID() + "/pause")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aDeclaredP1RollsBackTheDeploymentRunningThereAndADeclaredP3OrARulesIncidentDoNot() {
        String app = Requests.uniqueApplication();
        String id = post("canary", app, "staging", "5.0.0");
        conductor.awaitPhaseRequested(id, 0);
        conductor.passed(id, 0, PhaseType.CHECKS);
        conductor.awaitPhaseRequested(id, 1);
        conductor.started(id, 1, PhaseType.TRAFFIC, 5);

        // A P3 on-call declared, and a P1 a rule opened (the incident service asks for that
        // rollback itself): the planner leaves the deployment running.
        String p3 = conductor.publish(incident(id, app, Severity.P3, "bob"), INCIDENTS);
        String ruled = conductor.publish(incident(id, app, Severity.P1, null), INCIDENTS);
        // Naming another deployment: the one running in the application and environment is the
        // one stopped, whichever the incident service saw last.
        String p1 =
                conductor.publish(
                        incident(UUID.randomUUID().toString(), app, Severity.P1, "alice"),
                        INCIDENTS);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                Sql.count(
                                                "SELECT count(*) FROM processed_event WHERE consumer ="
                                                        + " 'planner.incidents' AND event_id = ANY($1)",
                                                (Object)
                                                        new String[] {
                                                            eventId(p3), eventId(ruled), eventId(p1)
                                                        })
                                        == 3);

        JsonPath rollingBack = conductor.awaitStatus(id, "ROLLING_BACK");
        assertThat(rollingBack.getString("phases[1].status")).isEqualTo("FAILED");
        assertThat(rollingBack.getString("reason"))
                .contains("incident-service", "(P1) declared by alice", "Checkout errors");
        JsonNode rollback = single(EventType.ROLLBACK_REQUESTED, id);
        assertThat(rollback.path("attempt").asInt()).isEqualTo(1);
        assertThat(rollback.path("requestedBy").asText()).isEqualTo("incident-service");
        assertThat(rollback.path("reason").asText()).contains("declared by alice");
        assertThat(rollingBack.getList("timeline.action", String.class))
                .as("one rollback: only the declared P1 acted")
                .containsOnlyOnce("rolling-back");
    }

    @Test
    void aDeclaredIncidentWhereNothingRunsChangesNothing() {
        String app = Requests.uniqueApplication();
        String id = post("canary", app, "staging", "5.1.0");
        conductor.runToSuccess(id);
        String p0 = conductor.publish(incident(id, app, Severity.P0, "alice"), INCIDENTS);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                Sql.count(
                                                "SELECT count(*) FROM processed_event WHERE consumer ="
                                                        + " 'planner.incidents' AND event_id = $1",
                                                eventId(p0))
                                        == 1);
        assertThat(conductor.deployment(id).getString("status")).isEqualTo("SUCCEEDED");
        assertThat(conductor.events(EventType.ROLLBACK_REQUESTED, id)).isEmpty();
    }

    private static final String INCIDENTS = "/stride/incident";

    private static dev.stride.events.IncidentOpened incident(
            String deploymentId, String app, Severity severity, String declaredBy) {
        return new dev.stride.events.IncidentOpened(
                UUID.randomUUID(),
                UUID.fromString(deploymentId),
                app,
                dev.stride.events.spec.Environment.STAGING,
                severity,
                "Checkout errors since 14:02",
                declaredBy == null ? "automatic-rollback" : "declared",
                java.time.Instant.now(),
                declaredBy);
    }

    private io.restassured.response.ValidatableResponse control(String path, int status) {
        return given().header("Authorization", TestTokens.bearer("oncall", "stride-operator"))
                .post(path)
                .then()
                .statusCode(status);
    }

    private JsonNode single(EventType type, String id) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> !conductor.events(type, id).isEmpty());
        var events = conductor.events(type, id);
        assertThat(events).as(type.name()).hasSize(1);
        return events.get(0);
    }

    private static String post(
            String request, String application, String environment, String version) {
        return given().contentType("application/yaml")
                .body(body(request, application, environment, version))
                .post("/api/v1/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    private static byte[] body(
            String request, String application, String environment, String version) {
        String yaml =
                new String(
                                Requests.yamlBody(request, application),
                                java.nio.charset.StandardCharsets.UTF_8)
                        .replaceFirst("(?m)^environment: .*$", "environment: " + environment)
                        .replaceFirst("(?m)^version: .*$", "version: \"" + version + "\"");
        return yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String eventId(String envelope) {
        return new dev.stride.events.EventCodec().parseTree(envelope).path("id").asText();
    }
}
