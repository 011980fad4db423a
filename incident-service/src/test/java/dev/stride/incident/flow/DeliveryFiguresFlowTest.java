package dev.stride.incident.flow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stride.events.CloudEvent;
import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.EventCodec;
import dev.stride.events.spec.Environment;
import dev.stride.incident.figures.DeliveryGauges;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery figures of a known history of deployments, sent as the planner sends them, against values worked
 * out by hand; and the same figures as Prometheus gauges.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(PagerDutyStub.class)
class DeliveryFiguresFlowTest {

    private final EventCodec codec = new EventCodec();
    private final List<String> finished = new ArrayList<>();

    @BeforeEach
    void viewer() {
        Callers.actAs("vera", "stride-viewer", "stride-operator");
    }

    @Test
    void aKnownHistoryGivesTheHandComputedFigures() {
        String app = "figures-" + UUID.randomUUID().toString().substring(0, 8);
        // In the range 2026-03-01 .. 2026-03-11, production: three successes, a rollback, a
        // failure, a rejection.
        finish(
                app,
                "production",
                "SUCCEEDED",
                "2026-03-01T08:00:00Z",
                "2026-03-01T09:00:00Z",
                "2026-03-01T09:30:00Z");
        finish(
                app,
                "production",
                "SUCCEEDED",
                "2026-03-02T10:00:00Z",
                "2026-03-03T10:00:00Z",
                "2026-03-03T11:00:00Z");
        UUID troubled =
                finish(
                        app,
                        "production",
                        "SUCCEEDED",
                        "2026-03-05T11:00:00Z",
                        "2026-03-05T12:00:00Z",
                        "2026-03-05T13:00:00Z");
        finish(
                app,
                "production",
                "ROLLED_BACK",
                "2026-03-04T09:00:00Z",
                "2026-03-04T10:00:00Z",
                "2026-03-04T10:20:00Z");
        finish(app, "production", "FAILED", null, "2026-03-07T09:00:00Z", "2026-03-07T10:00:00Z");
        finish(app, "production", "REJECTED", null, "2026-03-06T00:00:00Z", "2026-03-06T00:00:00Z");
        // Outside the range, or another environment: not counted.
        finish(
                app,
                "production",
                "SUCCEEDED",
                "2026-03-11T08:00:00Z",
                "2026-03-11T09:00:00Z",
                "2026-03-11T10:00:00Z");
        finish(
                app,
                "staging",
                "ROLLED_BACK",
                "2026-03-02T08:00:00Z",
                "2026-03-02T09:00:00Z",
                "2026-03-02T09:10:00Z");
        IncidentFlowTest.awaitProcessed(
                "incident.deployment-finished", finished.toArray(String[]::new));

        // The troubled success was paused on a breach at 12:10 (a P2) that on-call later resolved.
        CloudEvent pause =
                at(
                        codec.wrap(
                                new DeploymentPaused(
                                        troubled,
                                        1,
                                        2,
                                        app,
                                        Environment.PRODUCTION,
                                        "paused: error_rate 3.0 against 2% over 5m (trigger)",
                                        "verifier"),
                                "/stride/planner"),
                        "2026-03-05T12:10:00Z");
        new IncidentFlowTest().publish(pause);
        // The FAILED deployment (its rollback failed) opened a P0 when its end arrived (today,
        // outside
        // the range below), which stays open.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                given().queryParam("application", app)
                                                .get("/api/v1/incidents")
                                                .then()
                                                .statusCode(200)
                                                .extract()
                                                .jsonPath()
                                                .getList("items")
                                                .size()
                                        == 2);
        JsonPath incidents =
                given().queryParam("application", app)
                        .get("/api/v1/incidents")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
        assertThat(incidents.getList("items.severity", String.class))
                .containsExactlyInAnyOrder("P0", "P2");
        String pausedId = incidents.getString("items.find { it.severity == 'P2' }.id");
        assertThat(incidents.getString("items.find { it.severity == 'P2' }.openedAt"))
                .isEqualTo("2026-03-05T12:10:00Z");
        String resolvedAt =
                given().contentType("application/json")
                        .body("{\"resolution\": \"threshold tuned\"}")
                        .post("/api/v1/incidents/" + pausedId + "/resolve")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getString("resolvedAt");

        JsonPath f =
                given().queryParam("application", app)
                        .queryParam("environment", "production")
                        .queryParam("from", "2026-03-01")
                        .queryParam("to", "2026-03-11T00:00:00Z")
                        .get("/api/v1/metrics/delivery")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));

        assertThat(f.getInt("deployments.finished")).isEqualTo(6);
        assertThat(f.getInt("deployments.succeeded")).isEqualTo(3);
        assertThat(f.getInt("deployments.rolledBack")).isEqualTo(1);
        assertThat(f.getInt("deployments.failed")).isEqualTo(1);
        assertThat(f.getInt("deployments.rejected")).isEqualTo(1);
        assertThat(f.getDouble("deploymentFrequencyPerDay")).isCloseTo(0.3, within(1e-9));
        // commit -> success: 1h30m, 25h, 2h
        assertThat(f.getDouble("leadTimeForChangesSeconds"))
                .isCloseTo((5400 + 90000 + 7200) / 3.0, within(1e-3));
        assertThat(f.getDouble("leadTimeForChangesMedianSeconds")).isCloseTo(7200, within(1e-3));
        // rolled back, failed, and the success that caused an incident, of five that reached
        // production
        assertThat(f.getDouble("changeFailureRate")).isCloseTo(0.6, within(1e-9));
        // request -> success: 30m, 1h, 1h
        assertThat(f.getDouble("meanTimeToDeploySeconds")).isCloseTo(3000, within(1e-3));
        assertThat(f.getDouble("successRate")).isCloseTo(0.5, within(1e-9));
        assertThat(f.getInt("incidents")).isEqualTo(1);
        double recovery =
                Duration.between(Instant.parse("2026-03-05T12:10:00Z"), Instant.parse(resolvedAt))
                                .toMillis()
                        / 1000.0;
        assertThat(f.getDouble("meanTimeToRecoverySeconds")).isCloseTo(recovery, within(1e-3));

        JsonPath staging =
                given().queryParam("application", app)
                        .queryParam("environment", "staging")
                        .queryParam("from", "2026-03-01")
                        .queryParam("to", "2026-03-11")
                        .get("/api/v1/metrics/delivery")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
        assertThat(staging.getInt("deployments.finished")).isEqualTo(1);
        assertThat(staging.getDouble("changeFailureRate")).isEqualTo(1.0);
        assertThat(staging.getDouble("successRate")).isEqualTo(0.0);
    }

    @Test
    void theFiguresOfTheTrailingWindowArePrometheusGauges() {
        String app = "recent-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        finish(
                app,
                "production",
                "SUCCEEDED",
                now.minusSeconds(7200).toString(),
                now.minusSeconds(3600).toString(),
                now.minusSeconds(1800).toString());
        finish(
                app,
                "production",
                "ROLLED_BACK",
                null,
                now.minusSeconds(1200).toString(),
                now.minusSeconds(600).toString());
        IncidentFlowTest.awaitProcessed(
                "incident.deployment-finished", finished.toArray(String[]::new));

        Arc.container()
                .instance(DeliveryGauges.class)
                .get()
                .refresh()
                .await()
                .atMost(Duration.ofSeconds(10));

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String labels = "\\{application=\"" + app + "\",environment=\"production\"\\}";
        assertThat(metrics)
                .containsPattern(
                        Pattern.compile("stride_delivery_success_rate" + labels + " 0\\.5\\b"));
        assertThat(metrics)
                .containsPattern(
                        Pattern.compile(
                                "stride_delivery_change_failure_rate" + labels + " 0\\.5\\b"));
        assertThat(metrics)
                .containsPattern(
                        Pattern.compile(
                                "stride_delivery_lead_time_seconds" + labels + " 5400\\.0\\b"));
        assertThat(metrics)
                .containsPattern(
                        Pattern.compile(
                                "stride_delivery_mean_time_to_deploy_seconds"
                                        + labels
                                        + " 1800\\.0\\b"));
        assertThat(metrics)
                .containsPattern(Pattern.compile("stride_delivery_mttr_seconds" + labels + " NaN"));
        assertThat(metrics)
                .containsPattern(
                        Pattern.compile(
                                "stride_delivery_deployment_frequency_per_day"
                                        + labels
                                        + " 0\\.0333"));
    }

    private UUID finish(
            String app,
            String environment,
            String outcome,
            String commit,
            String requested,
            String finishedAt) {
        UUID id = UUID.randomUUID();
        finished.add(
                new IncidentFlowTest()
                        .publish(
                                codec.wrap(
                                        new DeploymentFinished(
                                                id,
                                                app,
                                                Environment.fromWire(environment),
                                                "1.0." + finished.size(),
                                                DeploymentFinished.Outcome.valueOf(outcome),
                                                null,
                                                commit == null ? null : Instant.parse(commit),
                                                Instant.parse(requested),
                                                Instant.parse(finishedAt)),
                                        "/stride/planner")));
        return id;
    }

    private static CloudEvent at(CloudEvent e, String time) {
        return new CloudEvent(
                e.specversion(),
                e.id(),
                e.type(),
                e.source(),
                Instant.parse(time),
                e.subject(),
                e.datacontenttype(),
                e.data());
    }
}
