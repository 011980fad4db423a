package dev.stride.verifier.metrics.example;

import static dev.stride.verifier.run.VerifierEvents.awaitOne;
import static dev.stride.verifier.run.VerifierEvents.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.verifier.lab.PrometheusLab;
import dev.stride.verifier.metrics.MetricProviders;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A second metric provider is one package: the test-only {@link ExampleProvider}, registered by its producer, is
 * found by {@link MetricProviders} and measures the analyses of the one application configured for it
 * ({@code example-app}, see {@code PrometheusLab}), while every other application keeps Prometheus.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(PrometheusLab.class)
class ExampleProviderTest {

    @Inject MetricProviders providers;

    @Test
    void theRegistryFindsBothProvidersByType() {
        assertThat(providers.types()).contains("prometheus", ExampleProvider.TYPE);
        // The bean is application-scoped: a client proxy of the producer's instance, the same type.
        assertThat(providers.forType(ExampleProvider.TYPE).orElseThrow().type())
                .isEqualTo(ExampleProvider.TYPE);
        assertThat(providers.forType(null).orElseThrow().type()).isEqualTo("prometheus");
    }

    @Test
    void anAnalysisOfTheConfiguredApplicationIsMeasuredByTheExampleProvider() {
        String version = "7.0." + System.nanoTime() % 1000;
        ExampleProducer.PROVIDER.answer("errors of example-app at " + version, 12.5);
        UUID id = UUID.randomUUID();

        publish(phase(id, version), "/stride/planner");
        publish(
                new PhaseStarted(
                        id,
                        1,
                        1,
                        PhaseType.TRAFFIC,
                        Map.of("stable", 90, "canary", 10),
                        Instant.now()),
                "/stride/executor");

        JsonNode breach =
                awaitOne(EventType.THRESHOLD_BREACHED, id, Duration.ofSeconds(20)).path("data");
        assertThat(breach.path("metric").asText()).isEqualTo("error_rate");
        assertThat(breach.path("kind").asText()).isEqualTo("trigger");
        assertThat(breach.path("observedValue").asDouble()).isEqualTo(12.5);
        assertThat(ExampleProducer.PROVIDER.asked())
                .filteredOn(a -> a.query().endsWith(version))
                .isNotEmpty()
                .allSatisfy(
                        asked -> assertThat(asked.endpoint()).isEqualTo("example://answers.test"));
    }

    private static PhaseRequested phase(UUID id, String version) {
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("name", "high_error_rate");
        trigger.put("metric", "error_rate");
        trigger.put("threshold", "5%");
        trigger.put("action", "automatic_rollback");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("weight", 10);
        parameters.put("duration", "3s");
        parameters.put("rollbackTriggers", List.of(trigger));
        parameters.put("application", "example-app");
        parameters.put("environment", "staging");
        parameters.put("version", version);
        return new PhaseRequested(
                id,
                1,
                1,
                PhaseType.TRAFFIC,
                new HaproxyTarget(null, "127.0.0.1:9999", "app", "stable", "canary"),
                parameters);
    }
}
