package dev.stride.verifier.run;

import static dev.stride.verifier.run.VerifierEvents.awaitOne;
import static dev.stride.verifier.run.VerifierEvents.events;
import static dev.stride.verifier.run.VerifierEvents.publish;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentResumed;
import dev.stride.events.EventType;
import dev.stride.events.IncidentOpened;
import dev.stride.events.IncidentResolved;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.Severity;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.kit.security.Roles;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.verifier.lab.AppMetrics;
import dev.stride.verifier.lab.PrometheusLab;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Analyses end to end: events over a real Kafka, a real Prometheus scraping an endpoint the test turns from healthy
 * to failing, measurements every second, PostgreSQL. The application measures every 1 s over a 5 s window.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(PrometheusLab.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnalysisFlowTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final String PLANNER = "/stride/planner";
    private static final String EXECUTOR = "/stride/executor";

    Function<String, Object> lab;

    @BeforeEach
    void healthyApp() {
        lab.apply("healthy");
        lab.apply("app-up");
        lab.apply("prometheus-up");
        Callers.actAs("viewer", Roles.VIEWER);
        // Whatever an earlier test did, Prometheus has the canary's traffic in its query window
        // again.
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                value(
                                                "sum(rate(http_server_requests_seconds_count{version=\"2.0.0\"}[5s]))")
                                        > 0);
    }

    /**
     * For a test that needs a healthy canary: no canary errors and a scrape every second over the last
     * {@code seconds} (an earlier test may have made the canary fail or stopped the app or Prometheus). The tests
     * that disturb run last, so this rarely waits.
     */
    private void awaitClean(int seconds) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                value(
                                                        "sum(rate(http_server_requests_seconds_count{version=\"2.0.0\",status=\"500\"}["
                                                                + seconds
                                                                + "s]))"
                                                                + " or vector(0)")
                                                == 0
                                        && value(
                                                        "count_over_time(up{job=\"app\"}["
                                                                + seconds
                                                                + "s])")
                                                >= seconds - 1
                                        && value("min_over_time(up{job=\"app\"}[" + seconds + "s])")
                                                == 1);
    }

    private double value(String promql) {
        JsonNode answer =
                new dev.stride.events.EventCodec().parseTree((String) lab.apply("query:" + promql));
        JsonNode result = answer.path("data").path("result");
        return result.isEmpty()
                ? -1
                : Double.parseDouble(result.get(0).path("value").path(1).asText());
    }

    @AfterEach
    void restore() {
        lab.apply("healthy");
        lab.apply("app-up");
        lab.apply("prometheus-up");
    }

    @Test
    @Order(1)
    void aHealthyCanaryPhasePassesAtTheEndOfItsHoldWithASummaryOfItsMeasurements() {
        awaitClean(5);
        UUID id = UUID.randomUUID();
        publish(
                phase(
                        id,
                        1,
                        "3s",
                        criteria("error_rate", "<1%", "response_time", "<500ms"),
                        trigger("high_error_rate", "5%", null, "automatic_rollback")),
                PLANNER);
        Instant started = Instant.now();
        publish(started(id, 1, started), EXECUTOR);

        JsonNode completed = awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(20));
        JsonNode data = completed.path("data");
        assertThat(data.path("outcome").asText()).isEqualTo("PASSED");
        assertThat(data.path("phaseType").asText()).isEqualTo("TRAFFIC");
        assertThat(data.path("summary").asText())
                .startsWith(
                        "passed after 3 measurements: error_rate mean 0% (<1%), "
                                + "response_time mean 30ms (<500ms)");
        assertThat(Instant.parse(completed.path("time").asText()))
                .as("not before the hold ends")
                .isAfterOrEqualTo(started.plusSeconds(3));
        assertThat(events(EventType.THRESHOLD_BREACHED, id)).isEmpty();

        given().queryParam("deploymentId", id.toString())
                .get("/api/v1/analyses")
                .then()
                .statusCode(200)
                .body("analyses", hasSize(1))
                .body("analyses[0].status", equalTo("PASSED"))
                .body("analyses[0].measurements", equalTo(3))
                .body("analyses[0].samples", hasSize(6))
                .body("analyses[0].samples[0].outcome", equalTo("SUCCESS"));
    }

    @Test
    @Order(8)
    void aBreachedTriggerIsReportedDuringThePhaseWithinTwoIntervalsOfTheFirstScrapeThatShowsIt() {
        awaitClean(5);
        UUID id = UUID.randomUUID();
        publish(
                phase(
                        id,
                        2,
                        "60s",
                        Map.of("error_rate", "<1%"),
                        trigger("high_error_rate", "5%", null, "automatic_rollback")),
                PLANNER);
        Instant started = Instant.now();
        publish(started(id, 2, started), EXECUTOR);
        // Healthy first: measurements go by without a breach.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= 2);
        assertThat(events(EventType.THRESHOLD_BREACHED, id)).isEmpty();

        lab.apply("failing");
        JsonNode breach = awaitOne(EventType.THRESHOLD_BREACHED, id, Duration.ofSeconds(15));
        Instant firstFailingScrape = (Instant) lab.apply("first-failing-scrape");
        Instant reported = Instant.parse(breach.path("time").asText());
        assertThat(Duration.between(firstFailingScrape, reported))
                .as("from the first failing scrape to the breach")
                .isLessThanOrEqualTo(INTERVAL.multipliedBy(2));
        assertThat(reported)
                .as("during the phase, not at its end")
                .isBefore(started.plusSeconds(60));

        JsonNode data = breach.path("data");
        assertThat(data.path("kind").asText()).isEqualTo("trigger");
        assertThat(data.path("metric").asText()).isEqualTo("error_rate");
        assertThat(data.path("observedValue").asDouble()).isGreaterThan(5.0);
        assertThat(data.path("threshold").asText()).isEqualTo("5%");
        assertThat(data.path("action").asText()).isEqualTo("automatic_rollback");
        assertThat(data.path("application").asText()).isEqualTo("shop");
        assertThat(data.path("environment").asText()).isEqualTo("staging");
        assertThat(data.path("phase").asInt()).isEqualTo(2);

        JsonNode completed =
                awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(10)).path("data");
        assertThat(completed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(completed.path("summary").asText()).contains("rollback trigger high_error_rate");
        assertThat(events(EventType.THRESHOLD_BREACHED, id)).hasSize(1);
    }

    @Test
    @Order(9)
    void aBlueGreenRollbackThresholdInErrorsPerMinuteStopsTheShiftStepWithTheDefaultQuery() {
        awaitClean(5);
        UUID id = UUID.randomUUID();
        // What the planner makes of traffic_shifting.rollback_threshold: 30: a trigger on every
        // shift
        // step, measured with the configured errors_per_minute template against the real
        // Prometheus.
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("name", "traffic_shifting.rollback_threshold");
        trigger.put("metric", "errors_per_minute");
        trigger.put("threshold", "30/min");
        trigger.put("action", "automatic_rollback");
        PhaseRequested step = phase(id, 3, "60s", Map.of(), List.of(trigger));
        step.parameters().remove("duration");
        step.parameters().put("interval", "60s");
        publish(step, PLANNER);
        publish(started(id, 3, Instant.now()), EXECUTOR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= 2);
        assertThat(events(EventType.THRESHOLD_BREACHED, id))
                .as("no errors yet, no breach")
                .isEmpty();

        lab.apply("failing");
        JsonNode data =
                awaitOne(EventType.THRESHOLD_BREACHED, id, Duration.ofSeconds(15)).path("data");
        assertThat(data.path("metric").asText()).isEqualTo("errors_per_minute");
        assertThat(data.path("threshold").asText()).isEqualTo("30/min");
        assertThat(data.path("observedValue").asDouble()).isGreaterThan(30.0);
        assertThat(data.path("action").asText()).isEqualTo("automatic_rollback");
        JsonNode completed =
                awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(10)).path("data");
        assertThat(completed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(completed.path("summary").asText())
                .contains("rollback trigger traffic_shifting.rollback_threshold");
    }

    @Test
    @Order(9)
    void anAlertOnlyTriggerKeepsThePhaseGoingAndFailingCriteriaFailItAtTheEnd() {
        UUID id = UUID.randomUUID();
        lab.apply("failing");
        publish(
                phase(
                        id,
                        1,
                        "3s",
                        Map.of("error_rate", "<1%"),
                        trigger("warn", "5%", "2s", "alert")),
                PLANNER);
        publish(started(id, 1, Instant.now()), EXECUTOR);

        JsonNode completed =
                awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(20)).path("data");
        assertThat(completed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(completed.path("summary").asText()).contains("error_rate mean", "(<1%) not met");
        List<JsonNode> breaches = events(EventType.THRESHOLD_BREACHED, id);
        assertThat(breaches)
                .extracting(b -> b.path("kind").asText() + "/" + b.path("action").asText())
                .containsExactly("trigger/alert", "criteria/automatic_rollback");
        assertThat(breaches.get(0).path("window").asText()).isEqualTo("2s");
    }

    @Test
    @Order(10)
    void anEndpointThatStopsBeingScrapedIsNoDataNotAFailure() {
        // A level no canary reaches, even one still failing from the test before: only blindness
        // can show.
        UUID id = UUID.randomUUID();
        publish(
                phase(
                        id,
                        1,
                        "60s",
                        Map.of(),
                        trigger("high_error_rate", "90%", null, "automatic_rollback")),
                PLANNER);
        publish(started(id, 1, Instant.now()), EXECUTOR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= 1);

        lab.apply("app-down");
        JsonNode breach =
                awaitOne(EventType.THRESHOLD_BREACHED, id, Duration.ofSeconds(20)).path("data");
        assertThat(breach.path("kind").asText()).isEqualTo("no_data");
        assertThat(breach.path("action").asText()).as("the planner pauses").isEqualTo("pause");
        assertThat(breach.has("observedValue")).isFalse();
        assertThat(events(EventType.PHASE_COMPLETED, id)).as("the phase goes on").isEmpty();
        stop(id);
    }

    @Test
    @Order(11)
    void aPrometheusThatGoesAwayIsAProviderErrorAfterTheConsecutiveErrorLimit() {
        // A level no canary reaches, even one still failing from the test before: only blindness
        // can show.
        UUID id = UUID.randomUUID();
        publish(
                phase(
                        id,
                        1,
                        "60s",
                        Map.of(),
                        trigger("high_error_rate", "90%", null, "automatic_rollback")),
                PLANNER);
        publish(started(id, 1, Instant.now()), EXECUTOR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= 1);

        lab.apply("prometheus-down");
        JsonNode breach =
                awaitOne(EventType.THRESHOLD_BREACHED, id, Duration.ofSeconds(20)).path("data");
        assertThat(breach.path("kind").asText()).isEqualTo("provider_error");
        assertThat(breach.path("action").asText()).isEqualTo("pause");
        assertThat(breach.path("window").asText())
                .as("five errors in a row, a second apart")
                .isEqualTo("5s");
        given().queryParam("deploymentId", id.toString())
                .get("/api/v1/analyses")
                .then()
                .statusCode(200)
                .body(
                        "analyses[0].samples.findAll { it.outcome == 'ERROR' }.size()",
                        org.hamcrest.Matchers.greaterThanOrEqualTo(5))
                .body(
                        "analyses[0].samples.find { it.outcome == 'ERROR' }.message",
                        equalTo("Prometheus refused the connection"));
        stop(id);
    }

    @Test
    @Order(13)
    void aPausedDeploymentIsNotMeasuredAndItsPhaseHoldsItsFullTimeAfterTheResume() {
        awaitClean(5);
        UUID id = UUID.randomUUID();
        publish(
                phase(
                        id,
                        1,
                        "6s",
                        Map.of("error_rate", "<1%"),
                        trigger("t", "5%", null, "automatic_rollback")),
                PLANNER);
        publish(started(id, 1, Instant.now()), EXECUTOR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= 1);

        publish(
                new DeploymentPaused(
                        id, 1, 1, "shop", Environment.STAGING, "looking at a dashboard", "alice"),
                PLANNER);
        // At most the measurement in flight lands; then nothing while paused, well past the hold.
        int atPause = measured(id);
        Awaitility.await()
                .during(Duration.ofSeconds(8))
                .atMost(Duration.ofSeconds(15))
                .until(() -> measured(id) <= atPause + 1);
        int paused = measured(id);
        Instant resumedAt = Instant.now();
        assertThat(paused).as("measured while paused").isLessThan(6);
        assertThat(events(EventType.PHASE_COMPLETED, id)).as("no verdict while paused").isEmpty();

        publish(new DeploymentResumed(id, 1, 1, "shop", Environment.STAGING, "alice"), PLANNER);
        JsonNode completed = awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(20));
        assertThat(completed.path("data").path("outcome").asText()).isEqualTo("PASSED");
        assertThat(completed.path("data").path("summary").asText())
                .startsWith("passed after 6 measurements");
        // The measurements left after the resume still each take their interval.
        assertThat(Instant.parse(completed.path("time").asText()))
                .isAfterOrEqualTo(resumedAt.plusSeconds(6 - paused - 1));
    }

    @Test
    @Order(13)
    void aRolloutIsMeasuredWhileItRollsAndPassesOneIntervalAfterThePlatformReportsItDone() {
        awaitClean(5);
        UUID id = UUID.randomUUID();
        publish(rollout(id, trigger("t", "5%", null, "automatic_rollback")), PLANNER);
        // The executor has not reported the rollout done: the batches are being replaced, and
        // watched.
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> measured(id) >= 3);
        assertThat(events(EventType.PHASE_COMPLETED, id)).as("no end while it rolls").isEmpty();

        Instant done = Instant.now();
        publish(
                new PhaseStarted(
                        id, 1, 1, PhaseType.ROLLOUT, Map.of("stable", 0, "canary", 100), done),
                EXECUTOR);
        JsonNode completed = awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(20));
        assertThat(completed.path("data").path("outcome").asText()).isEqualTo("PASSED");
        assertThat(completed.path("data").path("phaseType").asText()).isEqualTo("ROLLOUT");
        assertThat(Instant.parse(completed.path("time").asText()))
                .as("one more measurement after the rollout")
                .isAfterOrEqualTo(done.plus(INTERVAL).minusMillis(50));
        assertThat(events(EventType.THRESHOLD_BREACHED, id)).isEmpty();
    }

    @Test
    @Order(13)
    void aBadBatchBreachesItsTriggerBeforeTheRolloutIsDone() {
        awaitClean(5);
        lab.apply("failing");
        try {
            UUID id = UUID.randomUUID();
            publish(rollout(id, trigger("t", "5%", "2s", "automatic_rollback")), PLANNER);
            JsonNode breach = awaitOne(EventType.THRESHOLD_BREACHED, id, Duration.ofSeconds(20));
            assertThat(breach.path("data").path("kind").asText()).isEqualTo("trigger");
            assertThat(breach.path("data").path("action").asText()).isEqualTo("automatic_rollback");
            // The rollout was never reported done: the phase fails on the breach, mid-rollout.
            JsonNode completed =
                    awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(10)).path("data");
            assertThat(completed.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(completed.path("phaseType").asText()).isEqualTo("ROLLOUT");
        } finally {
            lab.apply("healthy");
        }
    }

    private static PhaseRequested rollout(UUID id, List<Map<String, Object>> triggers) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("batchSize", 1);
        parameters.put("maxUnavailable", 0);
        parameters.put("rollbackTriggers", triggers);
        parameters.put("application", "shop");
        parameters.put("environment", "staging");
        parameters.put("version", AppMetrics.CANARY_VERSION);
        return new PhaseRequested(
                id,
                1,
                1,
                PhaseType.ROLLOUT,
                new dev.stride.events.spec.KubernetesTarget("shop", "checkout", null, null),
                parameters);
    }

    @Test
    @Order(7)
    void aRollbackStopsTheAttemptsAnalysesAndALatePhaseStartDoesNotRestartThem() {
        UUID id = UUID.randomUUID();
        publish(
                phase(
                        id,
                        1,
                        "60s",
                        Map.of("error_rate", "<1%"),
                        trigger("t", "5%", null, "automatic_rollback")),
                PLANNER);
        publish(started(id, 1, Instant.now()), EXECUTOR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= 1);

        publish(new RollbackRequested(id, 1, "manual", "alice"), PLANNER);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "STOPPED".equals(status(id)));
        publish(
                phase(
                        id,
                        2,
                        "60s",
                        Map.of("error_rate", "<1%"),
                        trigger("t", "5%", null, "automatic_rollback")),
                PLANNER);
        publish(started(id, 2, Instant.now()), EXECUTOR);
        int measuredAtStop = measured(id);
        Awaitility.await()
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> measured(id) == measuredAtStop);
        given().queryParam("deploymentId", id.toString())
                .get("/api/v1/analyses")
                .then()
                .statusCode(200)
                .body("analyses", hasSize(1))
                .body("analyses[0].summary", equalTo("stopped: rollback requested"));
        assertThat(events(EventType.PHASE_COMPLETED, id)).isEmpty();
    }

    @Test
    @Order(4)
    void aPhaseStartedBeforeItsRequestArrivesAndRedeliveredIsAnalysedOnce() {
        awaitClean(5);
        UUID id = UUID.randomUUID();
        PhaseStarted start = started(id, 1, Instant.now());
        String envelope = publish(start, EXECUTOR);
        VerifierEvents.redeliver(start, envelope);
        publish(phase(id, 1, "2s", Map.of("error_rate", "<1%"), List.of()), PLANNER);

        assertThat(
                        awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(20))
                                .path("data")
                                .path("outcome")
                                .asText())
                .isEqualTo("PASSED");
        VerifierEvents.redeliver(start, envelope);
        Awaitility.await()
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> events(EventType.PHASE_COMPLETED, id).size() == 1);
    }

    @Test
    @Order(2)
    void aPhaseThatStartedWhileTheVerifierWasAwayIsMeasuredAsOfEachDueTimeAndEnds() {
        UUID id = UUID.randomUUID();
        // It is measured in the past: that past must be clean too (the window reaches 11 s back).
        awaitClean(12);
        publish(phase(id, 1, "4s", Map.of("error_rate", "<1%"), List.of()), PLANNER);
        // Its window opened six seconds ago: every measurement is overdue and is taken now, as of
        // its own due time.
        Instant started =
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minusSeconds(6);
        publish(started(id, 1, started), EXECUTOR);

        JsonNode completed =
                awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(10)).path("data");
        assertThat(completed.path("outcome").asText())
                .as(completed.path("summary").asText())
                .isEqualTo("PASSED");
        List<Instant> measuredAt =
                given()
                        .queryParam("deploymentId", id.toString())
                        .get("/api/v1/analyses")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("analyses[0].samples.measuredAt", String.class)
                        .stream()
                        .map(Instant::parse)
                        .toList();
        assertThat(measuredAt)
                .containsExactly(
                        started.plusSeconds(1),
                        started.plusSeconds(2),
                        started.plusSeconds(3),
                        started.plusSeconds(4));
    }

    @Test
    @Order(3)
    void anAnalysisHeldByAVerifierThatDiedResumesFromItsLastStoredMeasurementOnceTheClaimRunsOut() {
        awaitClean(5);
        UUID id = UUID.randomUUID();
        publish(phase(id, 1, "5s", Map.of("error_rate", "<1%"), List.of()), PLANNER);
        Instant started = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        publish(started(id, 1, started), EXECUTOR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= 1);
        // As a verifier that claimed the next measurement and died would leave it: held for another
        // 3 s.
        io.vertx.mutiny.sqlclient.Pool pool =
                io.quarkus.arc.Arc.container().instance(io.vertx.mutiny.sqlclient.Pool.class).get();
        pool.preparedQuery(
                        "UPDATE analysis SET claimed_until = clock_timestamp() + interval '3 seconds' "
                                + "WHERE deployment_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(id))
                .await()
                .atMost(Duration.ofSeconds(5));

        JsonNode completed =
                awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(20)).path("data");
        assertThat(completed.path("outcome").asText())
                .as(completed.path("summary").asText())
                .isEqualTo("PASSED");
        assertThat(completed.path("summary").asText()).startsWith("passed after 5 measurements");
        var samples =
                given().queryParam("deploymentId", id.toString())
                        .get("/api/v1/analyses")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
        assertThat(samples.getList("analyses[0].samples.seq", Integer.class))
                .containsExactly(1, 2, 3, 4, 5);
        assertThat(
                        samples.getList("analyses[0].samples.measuredAt", String.class).stream()
                                .map(Instant::parse))
                .as("each as of its own due time")
                .containsExactly(
                        started.plusSeconds(1),
                        started.plusSeconds(2),
                        started.plusSeconds(3),
                        started.plusSeconds(4),
                        started.plusSeconds(5));
        assertThat(events(EventType.PHASE_COMPLETED, id)).hasSize(1);
    }

    @Test
    @Order(5)
    void
            aPhaseWithNothingToMeasurePassesAtItsHoldsEndAPromotedOneAtOnceAndOneThatCannotBeAnalysedFails() {
        UUID nothing = UUID.randomUUID();
        publish(phase(nothing, 1, "2s", Map.of(), List.of()), PLANNER);
        Instant nothingStarted = Instant.now();
        publish(started(nothing, 1, nothingStarted), EXECUTOR);
        UUID broken = UUID.randomUUID();
        publish(
                phase(broken, 1, "60s", Map.of("error_rate", "about one percent"), List.of()),
                PLANNER);
        publish(started(broken, 1, Instant.now()), EXECUTOR);

        UUID promoted = UUID.randomUUID();
        PhaseRequested promotedPhase =
                phase(
                        promoted,
                        3,
                        "60s",
                        Map.of("error_rate", "<1%"),
                        trigger("t", "5%", null, "automatic_rollback"));
        promotedPhase.parameters().put("promoted", true);
        publish(promotedPhase, PLANNER);
        publish(started(promoted, 3, Instant.now()), EXECUTOR);

        JsonNode passedEnvelope =
                awaitOne(EventType.PHASE_COMPLETED, nothing, Duration.ofSeconds(10));
        JsonNode passed = passedEnvelope.path("data");
        assertThat(passed.path("outcome").asText()).isEqualTo("PASSED");
        assertThat(passed.path("summary").asText())
                .isEqualTo(
                        "passed: held for 2s, no success criteria or rollback triggers to analyse");
        assertThat(Instant.parse(passedEnvelope.path("time").asText()))
                .as("the traffic is held for the phase")
                .isAfterOrEqualTo(nothingStarted.plusSeconds(2));
        assertThat(
                        awaitOne(EventType.PHASE_COMPLETED, promoted, Duration.ofSeconds(10))
                                .path("data")
                                .path("summary")
                                .asText())
                .isEqualTo("passed: promoted by an operator, not analysed");
        JsonNode failed =
                awaitOne(EventType.PHASE_COMPLETED, broken, Duration.ofSeconds(10)).path("data");
        assertThat(failed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(failed.path("summary").asText())
                .startsWith("cannot be analysed: successCriteria.error_rate must be");
    }

    @Test
    @Order(6)
    void theAnalysesOfADeploymentAreReadWithAViewerTokenAndABadIdIsAProblem() {
        given().get("/api/v1/analyses")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("deploymentId"));
        given().queryParam("deploymentId", "nope")
                .get("/api/v1/analyses")
                .then()
                .statusCode(400)
                .body("errors[0].message", equalTo("must be a UUID"));
        given().queryParam("deploymentId", UUID.randomUUID().toString())
                .get("/api/v1/analyses")
                .then()
                .statusCode(200)
                .body("analyses", hasSize(0));
        Callers.anonymous();
        given().queryParam("deploymentId", UUID.randomUUID().toString())
                .get("/api/v1/analyses")
                .then()
                .statusCode(401);
    }

    @Test
    @Order(6)
    void aHealthSuccessRateWithoutAQueryIsProbedOnTheReleaseAndAHealthyOnePasses() {
        UUID id = UUID.randomUUID();
        // The runbook's third trigger and a criterion on the same metric; no query is configured
        // for it, so each measurement probes the release's /health (five GETs, 2xx counts).
        publish(
                phase(
                        id,
                        1,
                        "3s",
                        Map.of("health_check_success_rate", ">=99%"),
                        List.of(healthTrigger("2s"))),
                PLANNER);
        publish(started(id, 1, Instant.now()), EXECUTOR);

        JsonNode completed =
                awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(20)).path("data");
        assertThat(completed.path("outcome").asText()).isEqualTo("PASSED");
        assertThat(completed.path("summary").asText())
                .contains("health_check_success_rate mean 100% (>=99%)");
        assertThat(events(EventType.THRESHOLD_BREACHED, id)).isEmpty();
        given().queryParam("deploymentId", id.toString())
                .get("/api/v1/analyses")
                .then()
                .statusCode(200)
                .body("analyses[0].samples.metric", everyItem(equalTo("health_check_success_rate")))
                .body("analyses[0].samples.kind", everyItem(equalTo("VALUE")))
                .body("analyses[0].samples.value", everyItem(equalTo(100.0f)));
    }

    @Test
    @Order(12)
    void aReleaseWhoseHealthEndpointFailsReadsZeroAndTheHealthTriggerRollsBack() {
        UUID id = UUID.randomUUID();
        publish(phase(id, 1, "60s", Map.of(), List.of(healthTrigger("2s"))), PLANNER);
        publish(started(id, 1, Instant.now()), EXECUTOR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= 2);
        assertThat(events(EventType.THRESHOLD_BREACHED, id)).as("healthy so far").isEmpty();

        lab.apply("unhealthy");
        JsonNode breach =
                awaitOne(EventType.THRESHOLD_BREACHED, id, Duration.ofSeconds(15)).path("data");
        assertThat(breach.path("kind").asText()).isEqualTo("trigger");
        assertThat(breach.path("metric").asText()).isEqualTo("health_check_success_rate");
        assertThat(breach.path("observedValue").asDouble()).isEqualTo(0.0);
        assertThat(breach.path("action").asText()).isEqualTo("automatic_rollback");
        JsonNode completed =
                awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(10)).path("data");
        assertThat(completed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(completed.path("summary").asText())
                .contains("rollback trigger health_check_failure");
    }

    @Test
    @Order(12)
    void aReleaseWhoseHealthEndpointIsGoneReadsZeroNotNoData() {
        UUID id = UUID.randomUUID();
        publish(phase(id, 1, "60s", Map.of(), List.of(healthTrigger("2s"))), PLANNER);
        publish(started(id, 1, Instant.now()), EXECUTOR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= 1);

        lab.apply("app-down");
        JsonNode breach =
                awaitOne(EventType.THRESHOLD_BREACHED, id, Duration.ofSeconds(15)).path("data");
        assertThat(breach.path("kind").asText())
                .as("a refused probe is a failed health check, not blindness")
                .isEqualTo("trigger");
        assertThat(breach.path("observedValue").asDouble()).isEqualTo(0.0);
    }

    @Test
    @Order(6)
    void whileAnIncidentIsOpenThePhasesOfItsApplicationAreMeasuredAtTheIncidentInterval() {
        awaitClean(5);
        UUID incident = UUID.randomUUID();
        publish(
                new IncidentOpened(
                        incident,
                        UUID.randomUUID(),
                        "watched",
                        Environment.STAGING,
                        Severity.P2,
                        "Slow reports",
                        "declared",
                        Instant.now(),
                        "alice"),
                "/stride/incident");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> openIncidents(incident) == 1);
        // "watched" is measured every 2 s; with its incident open, every 1 s.
        assertThat(measurementsOfAWatchedPhase()).isEqualTo(4);

        publish(
                new IncidentResolved(
                        incident,
                        UUID.randomUUID(),
                        Severity.P2,
                        "reports fast again",
                        Instant.now()),
                "/stride/incident");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> openIncidents(incident) == 0);
        assertThat(measurementsOfAWatchedPhase()).isEqualTo(2);
    }

    @Test
    @Order(6)
    void anIncidentOpenedMidPhaseShortensTheRunningAnalysisAndItsResolutionLengthensItAgain() {
        awaitClean(5);
        UUID id = UUID.randomUUID();
        PhaseRequested phase = phase(id, 1, "24s", criteria("error_rate", "<1%"), List.of());
        phase.parameters().put("application", "watched");
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        publish(phase, PLANNER);
        publish(started(id, 1, start), EXECUTOR);
        // Every 2 s at first.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= 1);
        UUID incident = UUID.randomUUID();
        publish(
                new IncidentOpened(
                        incident,
                        UUID.randomUUID(),
                        "watched",
                        Environment.STAGING,
                        Severity.P3,
                        "Reports slow",
                        "declared",
                        Instant.now(),
                        "alice"),
                "/stride/incident");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> openIncidents(incident) == 1);
        int atOpen = measured(id);
        // Every 1 s while it is open: three more within about three seconds.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> measured(id) >= atOpen + 3);
        publish(
                new IncidentResolved(
                        incident, UUID.randomUUID(), Severity.P3, "fast again", Instant.now()),
                "/stride/incident");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> openIncidents(incident) == 0);

        JsonNode completed =
                awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(30)).path("data");
        assertThat(completed.path("outcome").asText()).isEqualTo("PASSED");
        List<Instant> times = measurementTimes(id);
        List<Long> gaps = new ArrayList<>();
        Instant previous = start;
        for (Instant at : times) {
            gaps.add(Duration.between(previous, at).toMillis());
            previous = at;
        }
        // 2 s steps, then 1 s steps, then 2 s steps again (the last may be shorter: the hold's
        // end).
        assertThat(gaps.get(0)).as("gaps %s", gaps).isEqualTo(2000L);
        List<Long> steps =
                gaps.subList(0, gaps.size() - 1); // the last may be cut by the hold's end
        int firstShort = steps.indexOf(1000L);
        int lastShort = steps.lastIndexOf(1000L);
        assertThat(firstShort).as("gaps %s", gaps).isPositive();
        assertThat(steps.subList(0, firstShort)).as("gaps %s", gaps).containsOnly(2000L);
        assertThat(steps.subList(firstShort, lastShort + 1))
                .as("gaps %s", gaps)
                .containsOnly(1000L)
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(steps.subList(lastShort + 1, steps.size()))
                .as("gaps %s", gaps)
                .isNotEmpty()
                .containsOnly(2000L);
        assertThat(gaps.get(gaps.size() - 1)).as("gaps %s", gaps).isBetween(1L, 2000L);
        // The phase still ends when its hold does.
        assertThat(times.get(times.size() - 1)).isEqualTo(start.plusSeconds(24));
    }

    private static List<Instant> measurementTimes(UUID id) {
        List<Instant> times = new ArrayList<>();
        io.quarkus.arc.Arc.container()
                .instance(io.vertx.mutiny.sqlclient.Pool.class)
                .get()
                .preparedQuery(
                        "SELECT DISTINCT seq, measured_at FROM measurement WHERE deployment_id = $1 ORDER BY seq")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(id))
                .await()
                .atMost(Duration.ofSeconds(5))
                .forEach(row -> times.add(row.getOffsetDateTime("measured_at").toInstant()));
        return times;
    }

    private int measurementsOfAWatchedPhase() {
        UUID id = UUID.randomUUID();
        PhaseRequested phase = phase(id, 1, "4s", criteria("error_rate", "<1%"), List.of());
        phase.parameters().put("application", "watched");
        publish(phase, PLANNER);
        publish(started(id, 1, Instant.now()), EXECUTOR);
        JsonNode completed =
                awaitOne(EventType.PHASE_COMPLETED, id, Duration.ofSeconds(20)).path("data");
        assertThat(completed.path("outcome").asText()).isEqualTo("PASSED");
        return measured(id);
    }

    private static long openIncidents(UUID incident) {
        return io.quarkus.arc.Arc.container()
                .instance(io.vertx.mutiny.sqlclient.Pool.class)
                .get()
                .preparedQuery("SELECT count(*) FROM open_incident WHERE incident_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(incident))
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
    }

    private static Map<String, Object> healthTrigger(String duration) {
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("name", "health_check_failure");
        trigger.put("metric", "health_check_success_rate");
        trigger.put("threshold", "90%");
        trigger.put("duration", duration);
        trigger.put("action", "automatic_rollback");
        return trigger;
    }

    private void stop(UUID id) {
        publish(
                new DeploymentFinished(
                        id,
                        "shop",
                        Environment.STAGING,
                        AppMetrics.CANARY_VERSION,
                        DeploymentFinished.Outcome.ABORTED,
                        "test over",
                        null,
                        Instant.now(),
                        Instant.now()),
                PLANNER);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "STOPPED".equals(status(id)));
    }

    private static PhaseRequested phase(
            UUID id,
            int index,
            String duration,
            Map<String, String> criteria,
            List<Map<String, Object>> triggers) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("weight", 10);
        parameters.put("duration", duration);
        if (!criteria.isEmpty()) {
            parameters.put("successCriteria", criteria);
        }
        if (!triggers.isEmpty()) {
            parameters.put("rollbackTriggers", triggers);
        }
        parameters.put("application", "shop");
        parameters.put("environment", "staging");
        parameters.put("version", AppMetrics.CANARY_VERSION);
        return new PhaseRequested(
                id,
                1,
                index,
                PhaseType.TRAFFIC,
                new HaproxyTarget(null, "127.0.0.1:9999", "app", "stable", "canary"),
                parameters);
    }

    private static Map<String, String> criteria(String... metricsAndThresholds) {
        Map<String, String> criteria = new LinkedHashMap<>();
        for (int i = 0; i < metricsAndThresholds.length; i += 2) {
            criteria.put(metricsAndThresholds[i], metricsAndThresholds[i + 1]);
        }
        return criteria;
    }

    private static List<Map<String, Object>> trigger(
            String name, String threshold, String duration, String action) {
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("name", name);
        trigger.put("metric", "error_rate");
        trigger.put("threshold", threshold);
        if (duration != null) {
            trigger.put("duration", duration);
        }
        trigger.put("action", action);
        return List.of(trigger);
    }

    private static PhaseStarted started(UUID id, int index, Instant at) {
        return new PhaseStarted(
                id, 1, index, PhaseType.TRAFFIC, Map.of("stable", 90, "canary", 10), at);
    }

    private static int measured(UUID id) {
        return given()
                .queryParam("deploymentId", id.toString())
                .get("/api/v1/analyses")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("analyses.measurements", Integer.class)
                .stream()
                .mapToInt(Integer::intValue)
                .sum();
    }

    private static String status(UUID id) {
        return given().queryParam("deploymentId", id.toString())
                .get("/api/v1/analyses")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("analyses[0].status");
    }
}
