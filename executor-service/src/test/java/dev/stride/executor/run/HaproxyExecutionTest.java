package dev.stride.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.executor.traffic.haproxy.HaproxyUnderTest;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The executor driving a real HAProxy through Kafka: where real requests go after each phase and after rollback. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class HaproxyExecutionTest {

    private final EventCodec codec = new EventCodec();
    private HaproxyUnderTest haproxy;

    @BeforeEach
    void haproxy() throws Exception {
        haproxy = HaproxyUnderTest.start();
    }

    @AfterEach
    void stop() {
        haproxy.close();
    }

    @Test
    void phasesMoveRealTrafficAndARollbackPutsItAllBackOnStable() {
        UUID id = UUID.randomUUID();
        HaproxyTarget target =
                new HaproxyTarget(
                        haproxy.socket(),
                        null,
                        HaproxyUnderTest.BACKEND,
                        HaproxyUnderTest.STABLE,
                        HaproxyUnderTest.CANARY);

        int[] weights = {5, 25, 100};
        for (int i = 0; i < weights.length; i++) {
            publish(
                    new PhaseRequested(
                            id, 1, i + 1, PhaseType.TRAFFIC, target, Map.of("weight", weights[i])));
            int phase = i + 1;
            JsonNode started =
                    awaitEvent(EventType.PHASE_STARTED, id, e -> e.path("phase").asInt() == phase);
            assertThat(started.path("observedWeights").path("canary").asInt())
                    .isEqualTo(weights[i]);
            int canary = haproxy.send(200).getOrDefault(HaproxyUnderTest.CANARY, 0);
            assertThat(canary)
                    .as("requests on the canary at %d%%", weights[i])
                    .isBetween(weights[i] * 2 - 15, weights[i] * 2 + 15);
        }

        publish(new RollbackRequested(id, 1, "error rate 9%", "planner"));
        JsonNode done = awaitEvent(EventType.ROLLBACK_COMPLETED, id, e -> true);

        assertThat(done.path("outcome").asText()).isEqualTo("SUCCEEDED");
        Map<String, Integer> after = haproxy.send(200);
        assertThat(after.getOrDefault(HaproxyUnderTest.STABLE, 0)).isEqualTo(200);
        assertThat(after.getOrDefault(HaproxyUnderTest.CANARY, 0)).isZero();
    }

    @Test
    void aServerHaproxyDoesNotKnowFailsThePhaseWithHaproxysWords() {
        UUID id = UUID.randomUUID();
        HaproxyTarget target =
                new HaproxyTarget(
                        haproxy.socket(),
                        null,
                        HaproxyUnderTest.BACKEND,
                        HaproxyUnderTest.STABLE,
                        "no-such-server");

        publish(new PhaseRequested(id, 1, 1, PhaseType.TRAFFIC, target, Map.of("weight", 5)));

        JsonNode failed = awaitEvent(EventType.PHASE_COMPLETED, id, e -> true);
        assertThat(failed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(failed.path("summary").asText()).contains("No such server");
        assertThat(failed.path("summary").asText()).doesNotContain(haproxy.socket());
    }

    private void publish(StrideEvent data) {
        TopicReader.publish(
                bootstrap(),
                EventType.of(data).topic(),
                data.deploymentId().toString(),
                codec.encode(codec.wrap(data, "/stride/planner")));
    }

    private JsonNode awaitEvent(
            EventType type, UUID id, java.util.function.Predicate<JsonNode> which) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> events(type, id).stream().filter(which).findFirst().orElse(null),
                        java.util.Objects::nonNull);
    }

    private List<JsonNode> events(EventType type, UUID id) {
        return TopicReader.events(bootstrap(), type, id.toString());
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
