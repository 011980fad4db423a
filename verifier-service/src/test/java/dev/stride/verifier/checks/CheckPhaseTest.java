package dev.stride.verifier.checks;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.kit.security.Roles;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import dev.stride.verifier.lab.AppMetrics;
import dev.stride.verifier.lab.PrometheusLab;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CHECKS phases over real Kafka: health and dependency endpoints and feature flags served by the test, the real
 * PostgreSQL server the tests use (and a port where none listens), the error rate from the real Prometheus.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(PrometheusLab.class)
class CheckPhaseTest {

    private static final EventCodec CODEC = new EventCodec();

    private HttpServer endpoints;
    private String base;
    Function<String, Object> lab;

    @BeforeEach
    void serve() throws IOException {
        endpoints =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoints.createContext("/health", exchange -> answer(exchange, 200, "ok"));
        endpoints.createContext("/broken", exchange -> answer(exchange, 503, "down"));
        endpoints.createContext(
                "/flags/",
                exchange -> {
                    String flag = exchange.getRequestURI().getPath().substring("/flags/".length());
                    answer(exchange, 200, "{\"enabled\": " + !flag.startsWith("off") + "}");
                });
        endpoints.start();
        base = "http://127.0.0.1:" + endpoints.getAddress().getPort();
        Callers.actAs("viewer", Roles.VIEWER);
    }

    @AfterEach
    void stop() {
        endpoints.stop(0);
    }

    @Test
    void preDeploymentChecksPassWithTheirEvidenceRecorded() {
        UUID id = UUID.randomUUID();
        URI database =
                URI.create(
                        ConfigProvider.getConfig()
                                .getValue("quarkus.datasource.reactive.url", String.class));
        Map<String, Object> parameters = release();
        parameters.put("stage", "pre");
        parameters.put("health", Map.of("url", base + "/health", "expectedStatus", 200));
        parameters.put("database", Map.of("host", database.getHost(), "port", database.getPort()));
        parameters.put("dependencies", List.of(base + "/health"));
        publish(new PhaseRequested(id, 1, 0, PhaseType.CHECKS, target(), parameters));

        JsonNode completed = awaitCompleted(id);
        assertThat(completed.path("outcome").asText())
                .as(completed.path("summary").asText())
                .isEqualTo("PASSED");
        assertThat(completed.path("phaseType").asText()).isEqualTo("CHECKS");
        assertThat(completed.path("summary").asText())
                .isEqualTo("pre-deployment checks passed: 3 of 3");
        given().queryParam("deploymentId", id.toString())
                .get("/api/v1/analyses")
                .then()
                .statusCode(200)
                .body("analyses[0].status", equalTo("PASSED"))
                .body("analyses[0].checks", hasSize(3))
                .body("analyses[0].checks.find { it.name == 'health' }.statusCode", equalTo(200))
                .body(
                        "analyses[0].checks.find { it.name == 'database' }.message",
                        org.hamcrest.Matchers.startsWith("PostgreSQL accepting connections"));
    }

    @Test
    void theDatabaseADeploymentMigratesMustAnswerBeforeAndAfterIt() throws IOException {
        URI database =
                URI.create(
                        ConfigProvider.getConfig()
                                .getValue("quarkus.datasource.reactive.url", String.class));
        UUID reachable = UUID.randomUUID();
        Map<String, Object> pre = release();
        pre.put("stage", "pre");
        pre.put(
                "migrationDatabase",
                Map.of(
                        "host",
                        database.getHost(),
                        "port",
                        database.getPort(),
                        "database",
                        "orders"));
        publish(new PhaseRequested(reachable, 1, 0, PhaseType.CHECKS, target(), pre));

        JsonNode passed = awaitCompleted(reachable);
        assertThat(passed.path("outcome").asText()).isEqualTo("PASSED");
        assertThat(passed.path("summary").asText())
                .isEqualTo("pre-deployment checks passed: 1 of 1");

        UUID unreachable = UUID.randomUUID();
        Map<String, Object> post = release();
        post.put("stage", "post");
        int closed = closedPort();
        post.put(
                "migrationDatabase",
                Map.of("host", "127.0.0.1", "port", closed, "database", "orders"));
        publish(new PhaseRequested(unreachable, 1, 5, PhaseType.CHECKS, target(), post));

        JsonNode failed = awaitCompleted(unreachable);
        assertThat(failed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(failed.path("summary").asText())
                .startsWith("post-deployment checks failed: ")
                .contains("migration-database 127.0.0.1:" + closed, "connection refused");
    }

    @Test
    void failingPreDeploymentChecksNameEachFailureAndMaskSecretsInUrls() throws IOException {
        UUID id = UUID.randomUUID();
        Map<String, Object> parameters = release();
        parameters.put("stage", "pre");
        parameters.put("health", Map.of("url", base + "/broken", "expectedStatus", 200));
        parameters.put("database", Map.of("host", "127.0.0.1", "port", closedPort()));
        // Made-up credentials, one per run: what the check reports must hold neither.
        String password = "test-only-" + UUID.randomUUID();
        String token = "test-only-" + UUID.randomUUID();
        parameters.put(
                "dependencies",
                List.of(
                        "http://ci:"
                                + password
                                + "@127.0.0.1:"
                                + closedPort()
                                + "/ping?token="
                                + token));
        publish(new PhaseRequested(id, 1, 0, PhaseType.CHECKS, target(), parameters));

        JsonNode completed = awaitCompleted(id);
        String summary = completed.path("summary").asText();
        assertThat(completed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(summary)
                .startsWith("pre-deployment checks failed: ")
                .contains("health " + base + "/broken: answered 503", "expected 200")
                .contains("database 127.0.0.1:", "connection refused")
                .contains("dependency http://***@127.0.0.1:", "/ping?token=***");
        String api =
                given().queryParam("deploymentId", id.toString())
                        .get("/api/v1/analyses")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
        assertThat(summary + api).doesNotContain(token).doesNotContain(password);
    }

    @Test
    void postDeploymentValidationChecksEndpointsFeatureFlagsAndTheErrorRate() {
        UUID id = UUID.randomUUID();
        // The canary's traffic is in Prometheus (a fresh Prometheus has no rate yet).
        awaitSeries(AppMetrics.CANARY_VERSION);
        Map<String, Object> parameters = release();
        parameters.put("stage", "post");
        parameters.put("endpoints", List.of(base + "/health"));
        // The runbook's post-deployment database connectivity validation.
        URI database =
                URI.create(
                        ConfigProvider.getConfig()
                                .getValue("quarkus.datasource.reactive.url", String.class));
        parameters.put("database", Map.of("host", database.getHost(), "port", database.getPort()));
        parameters.put("errorRate", "<1%");
        parameters.put(
                "featureFlags",
                Map.of(
                        "url",
                        base + "/flags/{flag}",
                        "required",
                        List.of("payment_processing", "off_order_management")));
        publish(new PhaseRequested(id, 1, 4, PhaseType.CHECKS, target(), parameters));

        JsonNode completed = awaitCompleted(id);
        assertThat(completed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(completed.path("summary").asText())
                .isEqualTo(
                        "post-deployment checks failed: feature-flag "
                                + "off_order_management "
                                + base
                                + "/flags/off_order_management: not enabled (expected "
                                + "{\"enabled\": true})");
        given().queryParam("deploymentId", id.toString())
                .get("/api/v1/analyses")
                .then()
                .statusCode(200)
                .body("analyses[0].checks", hasSize(5))
                .body("analyses[0].checks.find { it.name == 'database' }.passed", equalTo(true))
                .body("analyses[0].checks.find { it.name == 'error_rate' }.passed", equalTo(true))
                .body(
                        "analyses[0].checks.find { it.name == 'error_rate' }.message",
                        equalTo("0% within <1%"))
                .body(
                        "analyses[0].checks.find { it.name == 'feature-flag payment_processing' }.passed",
                        equalTo(true));
    }

    @Test
    void afterARollbackStableIsVerifiedOnItsOwnSeriesEvenThoughTheAttemptWasStopped() {
        lab.apply("failing"); // the rolled-back canary still errors; stable does not
        try {
            awaitSeries(AppMetrics.STABLE_VERSION);
            awaitSeries(AppMetrics.CANARY_VERSION);
            UUID id = UUID.randomUUID();
            // The rollback stopped the attempt's analyses: phase 1's waits no more.
            Map<String, Object> traffic = release();
            traffic.put("weight", 5);
            publish(new PhaseRequested(id, 1, 1, PhaseType.TRAFFIC, target(), traffic));
            awaitStatus(id, "WAITING");
            TopicReader.publish(
                    bootstrap(),
                    EventType.ROLLBACK_REQUESTED.topic(),
                    id.toString(),
                    CODEC.encode(
                            CODEC.wrap(
                                    new dev.stride.events.RollbackRequested(
                                            id, 1, "error_rate 50%", "verifier"),
                                    "/stride/verifier")));
            awaitStatus(id, "STOPPED");

            publishVerification(id, verification(AppMetrics.STABLE_VERSION));

            JsonNode completed = awaitCompleted(id);
            assertThat(completed.path("outcome").asText())
                    .as(completed.path("summary").asText())
                    .isEqualTo("PASSED");
            assertThat(completed.path("phase").asInt()).isEqualTo(6);
            // The health check stands for health_check_success_rate, which has no query here.
            assertThat(completed.path("summary").asText())
                    .isEqualTo("stable's verification after the rollback passed: 2 of 2");
            given().queryParam("deploymentId", id.toString())
                    .get("/api/v1/analyses")
                    .then()
                    .statusCode(200)
                    .body(
                            "analyses.find { it.phase == 6 }.checks.find { it.name == 'stable error_rate' }.message",
                            equalTo("0% not over the trigger's 5%"));

            // The same verification of a stable version that errors fails, naming the trigger.
            UUID bad = UUID.randomUUID();
            publishVerification(bad, verification(AppMetrics.CANARY_VERSION));
            JsonNode failed = awaitCompleted(bad);
            assertThat(failed.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(failed.path("summary").asText())
                    .startsWith(
                            "stable's verification after the rollback failed: stable error_rate")
                    .contains("over the trigger's 5%");
        } finally {
            lab.apply("healthy");
            // The other tests measure the canary: its errors leave the query window first.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () ->
                                    CODEC.parseTree(
                                                    (String)
                                                            lab.apply(
                                                                    "query:sum(rate(http_server_requests_seconds_count{status=~\"5..\"}["
                                                                            + PrometheusLab.WINDOW
                                                                            + "])) > 0"))
                                            .path("data")
                                            .path("result")
                                            .isEmpty());
        }
    }

    @Test
    void aStableVersionNobodyKnowsCannotBeMeasuredByAVersionSelectorAndFailsSayingSo() {
        UUID id = UUID.randomUUID();
        Map<String, Object> parameters = verification(null);
        parameters.remove("health");
        publishVerification(id, parameters);

        String summary = awaitCompleted(id).path("summary").asText();
        assertThat(summary)
                .contains("stable error_rate 5%: the stable version is unknown")
                .contains("set stride.verifier.stable-selector")
                .contains(
                        "stable health_check_success_rate 90%: no query for"
                                + " health_check_success_rate and no health check");
    }

    /** The planner's CHECKS phase that verifies stable after a rollback: numbered after a 6-phase plan. */
    private static void publishVerification(UUID id, Map<String, Object> parameters) {
        publish(new PhaseRequested(id, 1, 6, PhaseType.CHECKS, target(), parameters));
    }

    private Map<String, Object> verification(String stableVersion) {
        Map<String, Object> parameters = release();
        parameters.remove("version");
        if (stableVersion != null) {
            parameters.put("version", stableVersion);
        }
        parameters.put("stage", "rollback");
        parameters.put("rolledBackVersion", AppMetrics.CANARY_VERSION);
        parameters.put("health", Map.of("url", base + "/health", "expectedStatus", 200));
        parameters.put(
                "rollbackTriggers",
                List.of(
                        Map.of(
                                "name", "high_error_rate",
                                "metric", "error_rate",
                                "threshold", "5%",
                                "action", "automatic_rollback"),
                        Map.of(
                                "name", "health_check_failure",
                                "metric", "health_check_success_rate",
                                "threshold", "90%",
                                "action", "automatic_rollback")));
        return parameters;
    }

    private void awaitSeries(String version) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                CODEC.parseTree(
                                                        (String)
                                                                lab.apply(
                                                                        "query:sum(rate(http_server_requests_seconds_count{version=\""
                                                                                + version
                                                                                + "\"}["
                                                                                + PrometheusLab
                                                                                        .WINDOW
                                                                                + "]))"))
                                                .path("data")
                                                .path("result")
                                                .size()
                                        == 1);
    }

    private static void awaitStatus(UUID id, String status) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () ->
                                status.equals(
                                        given().queryParam("deploymentId", id.toString())
                                                .get("/api/v1/analyses")
                                                .then()
                                                .statusCode(200)
                                                .extract()
                                                .path("analyses[0].status")));
    }

    @Test
    void aChecksPhaseWithNothingToCheckPasses() {
        UUID id = UUID.randomUUID();
        Map<String, Object> parameters = release();
        parameters.put("stage", "post");
        publish(new PhaseRequested(id, 1, 4, PhaseType.CHECKS, target(), parameters));
        assertThat(awaitCompleted(id).path("summary").asText())
                .isEqualTo("post-deployment checks passed: none configured");
    }

    private static Map<String, Object> release() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("application", "shop");
        parameters.put("environment", "staging");
        parameters.put("version", AppMetrics.CANARY_VERSION);
        return parameters;
    }

    private static HaproxyTarget target() {
        return new HaproxyTarget(null, "127.0.0.1:9999", "app", "stable", "canary");
    }

    private static void publish(PhaseRequested phase) {
        TopicReader.publish(
                bootstrap(),
                EventType.PHASE_REQUESTED.topic(),
                phase.deploymentId().toString(),
                CODEC.encode(CODEC.wrap(phase, "/stride/planner")));
    }

    private static JsonNode awaitCompleted(UUID id) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () ->
                                !TopicReader.events(
                                                bootstrap(),
                                                EventType.PHASE_COMPLETED,
                                                id.toString())
                                        .isEmpty());
        List<JsonNode> completed =
                TopicReader.readAll(bootstrap(), EventType.PHASE_COMPLETED.topic()).stream()
                        .filter(r -> id.toString().equals(r.key()))
                        .map(r -> CODEC.parseTree(r.value()))
                        .toList();
        assertThat(completed).hasSize(1);
        assertThat(
                        dev.stride.events.EventSchemas.shared()
                                .validate(EventType.PHASE_COMPLETED, completed.get(0)))
                .isEmpty();
        return completed.get(0).path("data");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void answer(
            com.sun.net.httpserver.HttpExchange exchange, int status, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
