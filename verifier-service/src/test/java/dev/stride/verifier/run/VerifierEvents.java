package dev.stride.verifier.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventCodec;
import dev.stride.events.EventSchemas;
import dev.stride.events.EventType;
import dev.stride.events.StrideEvent;
import dev.stride.testing.TopicReader;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/** Publishing events to the verifier and reading what it emits, whole envelopes included. */
public final class VerifierEvents {

    private static final EventCodec CODEC = new EventCodec();

    private VerifierEvents() {}

    public static String publish(StrideEvent data, String source) {
        String value = CODEC.encode(CODEC.wrap(data, source));
        TopicReader.publish(
                bootstrap(), EventType.of(data).topic(), data.deploymentId().toString(), value);
        return value;
    }

    public static void redeliver(StrideEvent data, String value) {
        TopicReader.publish(
                bootstrap(), EventType.of(data).topic(), data.deploymentId().toString(), value);
    }

    /**
     * Whole CloudEvents of {@code type} for deployment {@code id}, in topic order; each must be valid against its
     * schema, as its consumers will check.
     */
    public static List<JsonNode> envelopes(EventType type, UUID id) {
        List<JsonNode> envelopes =
                TopicReader.readAll(bootstrap(), type.topic()).stream()
                        .filter(r -> id.toString().equals(r.key()))
                        .map(r -> CODEC.parseTree(r.value()))
                        .filter(e -> type.type().equals(e.path("type").asText()))
                        .toList();
        envelopes.forEach(
                e -> assertThat(EventSchemas.shared().validate(type, e)).as("%s", e).isEmpty());
        return envelopes;
    }

    public static List<JsonNode> events(EventType type, UUID id) {
        return envelopes(type, id).stream().map(e -> e.path("data")).toList();
    }

    public static JsonNode awaitOne(EventType type, UUID id, Duration within) {
        Awaitility.await()
                .atMost(within)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !envelopes(type, id).isEmpty());
        return envelopes(type, id).get(0);
    }

    public static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
