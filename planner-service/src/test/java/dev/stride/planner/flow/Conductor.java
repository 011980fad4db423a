package dev.stride.planner.flow;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.testing.TopicReader;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;

/**
 * Plays the executor and the verifier against the planner over real Kafka: reads what the planner asks for and
 * publishes what those services would answer, as CloudEvents on their topics.
 */
public final class Conductor {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String bootstrap;
    private final EventCodec codec = new EventCodec();

    public Conductor(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** The data of every event of {@code type} for a deployment, in topic order. */
    public List<JsonNode> events(EventType type, String deploymentId) {
        return TopicReader.events(bootstrap, type, deploymentId);
    }

    /** Waits for the planner's PhaseRequested for {@code phase} and returns its data. */
    public JsonNode awaitPhaseRequested(String deploymentId, int phase) {
        return Awaitility.await()
                .atMost(WAIT)
                .until(
                        () ->
                                events(EventType.PHASE_REQUESTED, deploymentId).stream()
                                        .filter(e -> e.path("phase").asInt() == phase)
                                        .reduce((a, b) -> b)
                                        .orElse(null),
                        java.util.Objects::nonNull);
    }

    public JsonPath awaitStatus(String deploymentId, String status) {
        Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> {
                            // A request from Kafka is not there until the planner has admitted it.
                            var response = given().get("/api/v1/deployments/" + deploymentId);
                            return response.statusCode() == 200
                                    && status.equals(response.jsonPath().getString("status"));
                        });
        return deployment(deploymentId);
    }

    public JsonPath deployment(String deploymentId) {
        return given().get("/api/v1/deployments/" + deploymentId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** The executor reached the phase's state (for TRAFFIC and ROLLOUT phases). */
    public void started(String deploymentId, int phase, PhaseType type, Integer weight) {
        publish(
                new PhaseStarted(
                        UUID.fromString(deploymentId),
                        1,
                        phase,
                        type,
                        weight == null
                                ? Map.of()
                                : Map.of("stable", 100 - weight, "canary", weight),
                        Instant.now()),
                "/stride/executor");
    }

    public void passed(String deploymentId, int phase, PhaseType type) {
        publish(
                new PhaseCompleted(
                        UUID.fromString(deploymentId),
                        1,
                        phase,
                        type,
                        PhaseCompleted.Outcome.PASSED,
                        "all criteria met"),
                "/stride/verifier");
    }

    public void failed(String deploymentId, int phase, PhaseType type, String summary) {
        publish(
                new PhaseCompleted(
                        UUID.fromString(deploymentId),
                        1,
                        phase,
                        type,
                        PhaseCompleted.Outcome.FAILED,
                        summary),
                "/stride/verifier");
    }

    public String breach(String deploymentId, int phase, ThresholdBreached.Action action) {
        return publish(
                new ThresholdBreached(
                        UUID.fromString(deploymentId),
                        1,
                        phase,
                        "error_rate",
                        9.7,
                        "5%",
                        "5m",
                        ThresholdBreached.Kind.TRIGGER,
                        action),
                "/stride/verifier");
    }

    public void rolledBack(String deploymentId, RollbackCompleted.Outcome outcome) {
        publish(
                new RollbackCompleted(
                        UUID.fromString(deploymentId), 1, outcome, "stable serves 100%"),
                "/stride/executor");
    }

    /** Answers every phase the planner asks for until the deployment SUCCEEDED. */
    public void runToSuccess(String deploymentId) {
        int phases = deployment(deploymentId).getList("phases").size();
        for (int i = 0; i < phases; i++) {
            JsonNode requested = awaitPhaseRequested(deploymentId, i);
            PhaseType type = PhaseType.valueOf(requested.path("phaseType").asText());
            if (type == PhaseType.TRAFFIC || type == PhaseType.ROLLOUT) {
                started(
                        deploymentId,
                        i,
                        type,
                        requested.path("parameters").path("weight").isInt()
                                ? requested.path("parameters").path("weight").asInt()
                                : null);
            }
            passed(deploymentId, i, type);
        }
        awaitStatus(deploymentId, "SUCCEEDED");
    }

    /** Publishes one event and returns its envelope's JSON, so a test can deliver the very same record again. */
    public String publish(StrideEvent data, String source) {
        String value = codec.encode(codec.wrap(data, source));
        redeliver(data.deploymentId().toString(), EventType.of(data).topic(), value);
        return value;
    }

    public void redeliver(String key, String topic, String value) {
        TopicReader.publish(bootstrap, topic, key, value);
    }
}
