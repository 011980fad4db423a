package dev.stride.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The AsyncAPI document names every topic, every event and every dead-letter topic, and its refs resolve. */
class AsyncApiTest {

    /** Who consumes what, from the events table of the architecture. */
    private static final Map<String, Set<String>> CONSUMERS = Map.of(
            Topics.DEPLOYMENT_REQUESTED, Set.of("planner", "notifier", "incident"),
            Topics.PHASE_REQUESTED, Set.of("executor", "verifier"),
            Topics.PHASE_STARTED, Set.of("verifier", "planner", "notifier"),
            Topics.PHASE_COMPLETED, Set.of("planner", "notifier"),
            Topics.THRESHOLD_BREACHED, Set.of("planner", "incident", "notifier"),
            Topics.ROLLBACK_REQUESTED, Set.of("executor", "planner", "verifier"),
            Topics.ROLLBACK_COMPLETED, Set.of("planner", "incident", "notifier"),
            Topics.DEPLOYMENT_FINISHED, Set.of("notifier", "incident", "verifier"),
            Topics.INCIDENTS, Set.of("notifier"));

    private static JsonNode doc;

    @BeforeAll
    static void parse() throws IOException {
        try (InputStream in = AsyncApiTest.class.getClassLoader().getResourceAsStream("asyncapi.yaml")) {
            assertThat(in).as("asyncapi.yaml on the classpath").isNotNull();
            doc = new YAMLMapper().readTree(in);
        }
    }

    @Test
    void isAsyncApi3() {
        assertThat(doc.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isNotBlank();
        assertThat(doc.path("defaultContentType").asText()).isEqualTo("application/cloudevents+json");
    }

    @Test
    void everyTopicIsAChannel() {
        assertThat(addresses()).containsAll(Topics.ALL);
    }

    @Test
    void everyConsumedTopicHasADeadLetterChannel() {
        Set<String> received = new HashSet<>();
        doc.path("operations").forEach(op -> {
            if ("receive".equals(op.path("action").asText())) {
                received.add(channel(op).path("address").asText());
            }
        });

        assertThat(received).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        for (String topic : received) {
            assertThat(addresses()).contains(Topics.deadLetter(topic));
        }
    }

    @Test
    void operationsFollowTheArchitecture() {
        for (Map.Entry<String, Set<String>> entry : CONSUMERS.entrySet()) {
            Set<String> receivers = new HashSet<>();
            doc.path("operations").forEach(op -> {
                if ("receive".equals(op.path("action").asText())
                        && channel(op).path("address").asText().equals(entry.getKey())) {
                    op.path("tags").forEach(tag -> receivers.add(tag.path("name").asText()));
                }
            });
            assertThat(receivers).as(entry.getKey()).isEqualTo(entry.getValue());
        }
        assertThat(senders(Topics.DEPLOYMENT_REQUESTED)).containsExactlyInAnyOrder("planner", "external");
        assertThat(senders(Topics.ROLLBACK_REQUESTED)).containsExactlyInAnyOrder("planner", "incident", "external");
        assertThat(senders(Topics.PHASE_COMPLETED)).containsExactlyInAnyOrder("verifier", "executor");
    }

    @Test
    void everyOperationRefersToAChannelAndItsMessages() {
        for (Map.Entry<String, JsonNode> entry : doc.path("operations").properties()) {
            JsonNode op = entry.getValue();
            assertThat(op.path("action").asText()).as(entry.getKey()).isIn("send", "receive");
            JsonNode channel = channel(op);
            assertThat(channel.isMissingNode()).as(entry.getKey() + " channel").isFalse();
            assertThat(op.path("messages").size()).as(entry.getKey() + " messages").isPositive();
            op.path("messages").forEach(message -> assertThat(resolve(message.path("$ref").asText()).isMissingNode())
                    .as(entry.getKey() + " " + message).isFalse());
        }
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventHasAMessageOnItsTopic(EventType type) {
        String name = type.dataClass().getSimpleName();
        JsonNode message = doc.path("components").path("messages").path(name);

        assertThat(message.path("name").asText()).isEqualTo(name);
        assertThat(message.path("contentType").asText()).isEqualTo("application/cloudevents+json");
        String payload = message.path("payload").path("$ref").asText();
        assertThat(payload).isEqualTo("./" + type.schemaResource());
        assertThat(getClass().getClassLoader().getResource(payload.substring("./".length())))
                .as("payload schema on the classpath").isNotNull();
        JsonNode key = message.path("bindings").path("kafka").path("key");
        if (key.has("$ref")) {
            key = resolve(key.path("$ref").asText());
        }
        assertThat(key.path("type").asText()).isEqualTo("string");
        assertThat(key.path("description").asText()).containsIgnoringCase("deployment id");

        List<String> channelsCarryingIt = new ArrayList<>();
        doc.path("channels").forEach(channel -> channel.path("messages").forEach(m -> {
            if (m.path("$ref").asText().equals("#/components/messages/" + name)) {
                channelsCarryingIt.add(channel.path("address").asText());
            }
        }));
        assertThat(channelsCarryingIt).containsExactly(type.topic());
    }

    @Test
    void deadLetterMessagesCarryTheReason() {
        for (String topic : Topics.ALL) {
            JsonNode channel = channelAt(Topics.deadLetter(topic));
            assertThat(channel.path("messages").size()).as(topic).isPositive();
            channel.path("messages").forEach(ref -> {
                JsonNode message = resolve(ref.path("$ref").asText());
                JsonNode headers = message.path("headers");
                if (headers.has("$ref")) {
                    headers = resolve(headers.path("$ref").asText());
                }
                assertThat(headers.path("properties").has("dead-letter-reason")).isTrue();
                assertThat(headers.path("properties").has("dead-letter-topic")).isTrue();
            });
        }
    }

    @Test
    void describesHowOtherSystemsPublish() {
        String description = doc.path("info").path("description").asText();

        assertThat(description).contains(Topics.DEPLOYMENT_REQUESTED, Topics.ROLLBACK_REQUESTED, "structured",
                "key", "UUID", ".dlq", "dead-letter-reason");
    }

    @Test
    void deploymentRequestedListsThePlannersRulesBeyondTheSchema() {
        String description = doc.path("components").path("messages").path("DeploymentRequested")
                .path("description").asText();

        assertThat(description).contains("strictly higher", "exactly 100", "`duration`", "error_rate",
                "health_check_success_rate", "`ms` or `s`", "at most `100%`", "longer than zero",
                "`deployment.phases`", "`rollback.triggers`", "target.canaryServer", "target.stableServer",
                Topics.deadLetter(Topics.DEPLOYMENT_REQUESTED), "dead-letter-reason");
        assertThat(doc.path("info").path("description").asText())
                .contains("`DeploymentRequested` message", Topics.deadLetter(Topics.DEPLOYMENT_REQUESTED));
    }

    private static Set<String> senders(String topic) {
        Set<String> senders = new HashSet<>();
        doc.path("operations").forEach(op -> {
            if ("send".equals(op.path("action").asText()) && channel(op).path("address").asText().equals(topic)) {
                op.path("tags").forEach(tag -> senders.add(tag.path("name").asText()));
            }
        });
        return senders;
    }

    private static List<String> addresses() {
        List<String> addresses = new ArrayList<>();
        doc.path("channels").forEach(channel -> addresses.add(channel.path("address").asText()));
        return addresses;
    }

    private static JsonNode channelAt(String address) {
        for (JsonNode channel : doc.path("channels")) {
            if (channel.path("address").asText().equals(address)) {
                return channel;
            }
        }
        throw new AssertionError("no channel at " + address);
    }

    private static JsonNode channel(JsonNode operation) {
        return resolve(operation.path("channel").path("$ref").asText());
    }

    /** Resolves a local reference such as {@code #/channels/incidents/messages/IncidentOpened}. */
    private static JsonNode resolve(String ref) {
        assertThat(ref).startsWith("#/");
        return doc.at(ref.substring(1));
    }
}
