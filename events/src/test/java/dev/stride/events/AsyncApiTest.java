package dev.stride.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The AsyncAPI document names every topic, every event and every dead-letter topic, its refs resolve, and its
 * receivers are the services whose configuration consumes each topic (read from their application.properties, so the
 * document and the configuration cannot drift apart).
 */
class AsyncApiTest {

    private static final String APPLICATION_PROPERTIES =
            "src/main/resources/application.properties";

    /**
     * Who consumes what, read from the services' own configuration: every {@code mp.messaging.incoming.<channel>.topic}
     * in a service's {@code application.properties}, over service-kit's defaults
     * ({@code META-INF/microprofile-config.properties}), as Quarkus reads them. Topic to consuming services.
     */
    private static Map<String, Set<String>> consumers;

    /** Topic to the dead-letter topics its consumers name ({@code ...dead-letter-queue.topic}). */
    private static Map<String, Set<String>> deadLetters;

    private static JsonNode doc;

    @BeforeAll
    static void parse() throws IOException {
        try (InputStream in =
                AsyncApiTest.class.getClassLoader().getResourceAsStream("asyncapi.yaml")) {
            assertThat(in).as("asyncapi.yaml on the classpath").isNotNull();
            doc = new YAMLMapper().readTree(in);
        }
        readServiceConfiguration(repositoryRoot());
    }

    /** The checkout this module lies in: the nearest directory up from here that holds {@code service-kit}. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("service-kit"))
                    && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new AssertionError("no service-kit above " + Path.of("").toAbsolutePath());
    }

    static void readServiceConfiguration(Path root) throws IOException {
        Properties kit =
                load(
                        root.resolve(
                                "service-kit/src/main/resources/META-INF/microprofile-config.properties"));
        Pattern incoming = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.topic");
        consumers = new TreeMap<>();
        deadLetters = new TreeMap<>();
        List<Path> services;
        try (Stream<Path> dirs = Files.list(root)) {
            services =
                    dirs.filter(dir -> dir.getFileName().toString().endsWith("-service"))
                            .filter(dir -> Files.isRegularFile(dir.resolve(APPLICATION_PROPERTIES)))
                            .sorted()
                            .toList();
        }
        assertThat(services).as("services under " + root).isNotEmpty();
        for (Path dir : services) {
            String service = dir.getFileName().toString().replaceFirst("-service$", "");
            Properties config = new Properties();
            config.putAll(kit);
            config.putAll(load(dir.resolve(APPLICATION_PROPERTIES)));
            for (String key : config.stringPropertyNames()) {
                Matcher m = incoming.matcher(key);
                if (m.matches()) {
                    String topic = config.getProperty(key).trim();
                    consumers.computeIfAbsent(topic, t -> new TreeSet<>()).add(service);
                    String dlq =
                            config.getProperty(
                                    "mp.messaging.incoming."
                                            + m.group(1)
                                            + ".dead-letter-queue.topic");
                    if (dlq != null) {
                        deadLetters.computeIfAbsent(topic, t -> new TreeSet<>()).add(dlq.trim());
                    }
                }
            }
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
        }
        return properties;
    }

    @Test
    void isAsyncApi3() {
        assertThat(doc.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isNotBlank();
        assertThat(doc.path("defaultContentType").asText())
                .isEqualTo("application/cloudevents+json");
    }

    @Test
    void everyTopicIsAChannel() {
        assertThat(addresses()).containsAll(Topics.ALL);
    }

    @Test
    void everyConsumedTopicHasADeadLetterChannel() {
        Set<String> received = new HashSet<>();
        doc.path("operations")
                .forEach(
                        op -> {
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
    void theServicesConsumeExactlyTheDocumentsTopicsThroughTheirDeadLetterTopics() {
        assertThat(consumers.keySet())
                .as("topics the services consume")
                .containsExactlyInAnyOrderElementsOf(Topics.ALL);
        for (Map.Entry<String, Set<String>> entry : deadLetters.entrySet()) {
            assertThat(entry.getValue())
                    .as("dead-letter topics of " + entry.getKey())
                    .containsExactly(Topics.deadLetter(entry.getKey()));
            assertThat(addresses()).contains(Topics.deadLetter(entry.getKey()));
        }
        assertThat(deadLetters.keySet())
                .as("consumed topics with a dead-letter topic")
                .isEqualTo(consumers.keySet());
    }

    @Test
    void operationsFollowTheArchitecture() {
        Set<String> receivedTopics = new HashSet<>();
        doc.path("operations")
                .forEach(
                        op -> {
                            if ("receive".equals(op.path("action").asText())) {
                                receivedTopics.add(channel(op).path("address").asText());
                            }
                        });
        assertThat(consumers.keySet())
                .as("topics the services consume (their application.properties)")
                .isEqualTo(receivedTopics);
        for (Map.Entry<String, Set<String>> entry : consumers.entrySet()) {
            Set<String> receivers = new HashSet<>();
            doc.path("operations")
                    .forEach(
                            op -> {
                                if ("receive".equals(op.path("action").asText())
                                        && channel(op)
                                                .path("address")
                                                .asText()
                                                .equals(entry.getKey())) {
                                    op.path("tags")
                                            .forEach(
                                                    tag ->
                                                            receivers.add(
                                                                    tag.path("name").asText()));
                                }
                            });
            assertThat(receivers)
                    .as(
                            entry.getKey()
                                    + ": receivers in asyncapi.yaml vs consumers in the services' "
                                    + "configuration")
                    .isEqualTo(entry.getValue());
        }
        assertThat(senders(Topics.DEPLOYMENT_REQUESTED))
                .containsExactlyInAnyOrder("planner", "external");
        assertThat(senders(Topics.ROLLBACK_REQUESTED))
                .containsExactlyInAnyOrder("planner", "incident", "external");
        assertThat(senders(Topics.PHASE_COMPLETED))
                .containsExactlyInAnyOrder("verifier", "executor");
    }

    @Test
    void everyOperationRefersToAChannelAndItsMessages() {
        for (Map.Entry<String, JsonNode> entry : doc.path("operations").properties()) {
            JsonNode op = entry.getValue();
            assertThat(op.path("action").asText()).as(entry.getKey()).isIn("send", "receive");
            JsonNode channel = channel(op);
            assertThat(channel.isMissingNode()).as(entry.getKey() + " channel").isFalse();
            assertThat(op.path("messages").size()).as(entry.getKey() + " messages").isPositive();
            op.path("messages")
                    .forEach(
                            message ->
                                    assertThat(
                                                    resolve(message.path("$ref").asText())
                                                            .isMissingNode())
                                            .as(entry.getKey() + " " + message)
                                            .isFalse());
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
                .as("payload schema on the classpath")
                .isNotNull();
        JsonNode key = message.path("bindings").path("kafka").path("key");
        if (key.has("$ref")) {
            key = resolve(key.path("$ref").asText());
        }
        assertThat(key.path("type").asText()).isEqualTo("string");
        assertThat(key.path("description").asText()).containsIgnoringCase("deployment id");

        List<String> channelsCarryingIt = new ArrayList<>();
        doc.path("channels")
                .forEach(
                        channel ->
                                channel.path("messages")
                                        .forEach(
                                                m -> {
                                                    if (m.path("$ref")
                                                            .asText()
                                                            .equals(
                                                                    "#/components/messages/"
                                                                            + name)) {
                                                        channelsCarryingIt.add(
                                                                channel.path("address").asText());
                                                    }
                                                }));
        assertThat(channelsCarryingIt).containsExactly(type.topic());
    }

    @Test
    void deadLetterMessagesCarryTheReason() {
        for (String topic : Topics.ALL) {
            JsonNode channel = channelAt(Topics.deadLetter(topic));
            assertThat(channel.path("messages").size()).as(topic).isPositive();
            channel.path("messages")
                    .forEach(
                            ref -> {
                                JsonNode message = resolve(ref.path("$ref").asText());
                                JsonNode headers = message.path("headers");
                                if (headers.has("$ref")) {
                                    headers = resolve(headers.path("$ref").asText());
                                }
                                assertThat(headers.path("properties").has("dead-letter-reason"))
                                        .isTrue();
                                assertThat(headers.path("properties").has("dead-letter-topic"))
                                        .isTrue();
                            });
        }
    }

    @Test
    void describesHowOtherSystemsPublish() {
        String description = doc.path("info").path("description").asText();

        assertThat(description)
                .contains(
                        Topics.DEPLOYMENT_REQUESTED,
                        Topics.ROLLBACK_REQUESTED,
                        "structured",
                        "key",
                        "UUID",
                        ".dlq",
                        "dead-letter-reason");
    }

    @Test
    void deploymentRequestedListsThePlannersRulesBeyondTheSchema() {
        String description =
                doc.path("components")
                        .path("messages")
                        .path("DeploymentRequested")
                        .path("description")
                        .asText();

        assertThat(description)
                .contains(
                        "strictly higher",
                        "exactly 100",
                        "`duration`",
                        "error_rate",
                        "health_check_success_rate",
                        "`ms` or `s`",
                        "at most `100%`",
                        "longer than zero",
                        "`deployment.phases`",
                        "`rollback.triggers`",
                        "target.canaryServer",
                        "target.stableServer",
                        Topics.deadLetter(Topics.DEPLOYMENT_REQUESTED),
                        "dead-letter-reason");
        assertThat(doc.path("info").path("description").asText())
                .contains(
                        "`DeploymentRequested` message",
                        Topics.deadLetter(Topics.DEPLOYMENT_REQUESTED));
    }

    private static Set<String> senders(String topic) {
        Set<String> senders = new HashSet<>();
        doc.path("operations")
                .forEach(
                        op -> {
                            if ("send".equals(op.path("action").asText())
                                    && channel(op).path("address").asText().equals(topic)) {
                                op.path("tags")
                                        .forEach(tag -> senders.add(tag.path("name").asText()));
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
