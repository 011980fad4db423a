package dev.stride.planner.flow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.PhaseType;
import dev.stride.planner.Requests;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TestTokens;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged planner, killed mid-deployment and started again: all its state is in PostgreSQL, so the new
 * process takes the deployment on from where the old one left it. Runs after packaging (failsafe).
 */
class PlannerRestartIT {

    private final KafkaTestResource kafka = new KafkaTestResource();
    private final PostgresTestResource postgres = new PostgresTestResource();
    private final JwtTestResource keys = new JwtTestResource();
    private Map<String, String> infrastructure;
    private Process planner;
    private Path log;

    @BeforeEach
    void infrastructure() throws IOException {
        Map<String, String> all = new java.util.HashMap<>(kafka.start());
        all.putAll(postgres.start());
        all.putAll(keys.start());
        infrastructure = all;
        RestAssured.port = freePort();
        RestAssured.requestSpecification =
                new io.restassured.builder.RequestSpecBuilder()
                        .addHeader(
                                "Authorization",
                                "Bearer "
                                        + TestTokens.token(
                                                Path.of(all.get(JwtTestResource.PRIVATE_KEY)),
                                                "ci",
                                                "stride-admin"))
                        .build();
        // Both planner processes log here, under target/ so a clean build removes it.
        log = Path.of("target", "planner-restart-it.log");
        Files.deleteIfExists(log);
    }

    @AfterEach
    void stop() {
        if (planner != null) {
            planner.destroyForcibly();
        }
        postgres.stop();
        kafka.stop();
        keys.stop();
        RestAssured.requestSpecification = null;
    }

    @Test
    void aDeploymentGoesOnAfterThePlannerIsKilledMidPhase() throws Exception {
        Conductor conductor = new Conductor(infrastructure.get("kafka.bootstrap.servers"));
        startPlanner();
        String id =
                given().contentType("application/yaml")
                        .body(Requests.yamlBody("canary", Requests.uniqueApplication()))
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");
        conductor.awaitPhaseRequested(id, 0);
        conductor.passed(id, 0, PhaseType.CHECKS);
        conductor.awaitPhaseRequested(id, 1);
        conductor.started(id, 1, PhaseType.TRAFFIC, 5);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                "RUNNING"
                                        .equals(
                                                conductor
                                                        .deployment(id)
                                                        .getString("phases[1].status")));

        planner.destroyForcibly().waitFor();
        startPlanner();

        JsonPath after = conductor.deployment(id);
        assertThat(after.getString("status")).isEqualTo("IN_PROGRESS");
        assertThat(after.getInt("currentPhase")).isEqualTo(1);
        assertThat(after.getString("phases[1].status")).isEqualTo("RUNNING");
        conductor.passed(id, 1, PhaseType.TRAFFIC);
        conductor.awaitPhaseRequested(id, 2);
        for (int phase = 2; phase < after.getList("phases").size(); phase++) {
            PhaseType type =
                    PhaseType.valueOf(
                            conductor.awaitPhaseRequested(id, phase).path("phaseType").asText());
            conductor.passed(id, phase, type);
        }
        conductor.awaitStatus(id, "SUCCEEDED");
    }

    private void startPlanner() throws IOException {
        File jar = new File("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("the packaged planner (mvn package runs before this test)").exists();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        infrastructure.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-Dquarkus.http.port=" + RestAssured.port);
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar.getAbsolutePath());
        planner =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .failFast("the planner exited; its log: " + log, () -> !planner.isAlive())
                .ignoreExceptions()
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
