package dev.stride.notifier.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stride.events.CloudEvent;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.StrideEvent;
import dev.stride.testing.TestTokens;
import dev.stride.testing.TopicReader;
import io.quarkus.arc.Arc;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/** What the notifier's flow tests share: publishing events as producers would, and reading what WireMock received. */
abstract class FlowSupport {

    static final Instant T = Instant.parse("2026-11-26T10:00:00Z");
    static final String AT = "2026-11-26 10:00:00 UTC";
    static final ObjectMapper JSON = new ObjectMapper();

    @InjectWireMock WireMockServer wireMock;

    final EventCodec codec = new EventCodec();

    /** Publishes an event (time {@link #T}) and waits until the notifier has taken it in; returns the record value. */
    String publish(StrideEvent data) {
        String value =
                codec.encode(
                        envelope(
                                UUID.randomUUID(),
                                EventType.of(data),
                                data.deploymentId(),
                                codec.wrap(data, "/stride/test").data()));
        deliver(EventType.of(data), data.deploymentId(), value);
        awaitProcessed(codec.parseTree(value).path("id").asText());
        return value;
    }

    /** Publishes a record value as it is and waits until the notifier has taken it in. */
    String publish(EventType type, UUID deploymentId, String value) {
        deliver(type, deploymentId, value);
        awaitProcessed(codec.parseTree(value).path("id").asText());
        return value;
    }

    /** A DeploymentRequested as the planner publishes it. */
    String requested(UUID deploymentId, String application, String environment, String version) {
        JsonNode data =
                tree(
                        """
                {"deploymentId": "%s", "application": "%s", "environment": "%s", "version": "%s",
                 "artifact": "registry.example.com/shop/%s:%s", "commitSha": "9fceb02d0ae598e95dc970b74767f19372d61af8",
                 "commitTime": "2026-11-26T09:00:00Z", "requestedBy": "ci",
                 "target": {"platform": "haproxy", "address": "127.0.0.1:9999", "backend": "%s",
                            "stableServer": "stable", "canaryServer": "canary"},
                 "deployment": {"strategy": "canary", "phases": [
                     {"name": "initial", "traffic_percentage": 25, "duration": "10m"},
                     {"name": "full-rollout", "traffic_percentage": 100}]}}
                """
                                .formatted(
                                        deploymentId,
                                        application,
                                        environment,
                                        version,
                                        application,
                                        version,
                                        application));
        return codec.encode(
                envelope(UUID.randomUUID(), EventType.DEPLOYMENT_REQUESTED, deploymentId, data));
    }

    static CloudEvent envelope(UUID id, EventType type, UUID deploymentId, JsonNode data) {
        return new CloudEvent(
                CloudEvent.SPEC_VERSION,
                id.toString(),
                type.type(),
                "/stride/test",
                T,
                deploymentId.toString(),
                CloudEvent.DATA_CONTENT_TYPE,
                data);
    }

    static void deliver(EventType type, UUID deploymentId, String value) {
        TopicReader.publish(bootstrap(), type.topic(), deploymentId.toString(), value);
    }

    static void awaitProcessed(String eventId) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                pool().preparedQuery(
                                                        "SELECT count(*) FROM processed_event WHERE event_id = $1")
                                                .execute(Tuple.of(eventId))
                                                .await()
                                                .atMost(Duration.ofSeconds(5))
                                                .iterator()
                                                .next()
                                                .getLong(0)
                                        > 0);
    }

    /** Bodies posted to {@code path} that mention {@code marker} (a deployment id), in the order they arrived. */
    List<JsonNode> posted(String path, String marker) {
        return requests(path, marker).stream().map(r -> tree(r.getBodyAsString())).toList();
    }

    List<LoggedRequest> requests(String path, String marker) {
        return wireMock
                .findAll(postRequestedFor(urlPathEqualTo(path)).withRequestBody(containing(marker)))
                .stream()
                .sorted((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate()))
                .toList();
    }

    /** The delivery log of a deployment, through the API. */
    static JsonPath deliveries(UUID deploymentId) {
        return given().header("Authorization", TestTokens.bearer("viewer", "stride-viewer"))
                .queryParam("deploymentId", deploymentId.toString())
                .get("/api/v1/deliveries")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    static String deliveriesText(UUID deploymentId) {
        return given().header("Authorization", TestTokens.bearer("viewer", "stride-viewer"))
                .queryParam("deploymentId", deploymentId.toString())
                .get("/api/v1/deliveries")
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    /**
     * The Slack message the notifier should post: header, text, the fields given as label/value pairs, links.
     * Spelled out here independently of the code that builds it.
     */
    static JsonNode slack(
            String colour, String header, String text, List<String> fields, List<String> links) {
        ObjectNode message = JSON.createObjectNode().put("text", text);
        ObjectNode attachment = message.putArray("attachments").addObject().put("color", colour);
        ArrayNode blocks = attachment.putArray("blocks");
        blocks.addObject()
                .put("type", "header")
                .putObject("text")
                .put("type", "plain_text")
                .put("text", header)
                .put("emoji", true);
        blocks.addObject()
                .put("type", "section")
                .putObject("text")
                .put("type", "mrkdwn")
                .put("text", text);
        ArrayNode shown =
                fields.isEmpty()
                        ? JSON.createArrayNode()
                        : blocks.addObject().put("type", "section").putArray("fields");
        for (int i = 0; i < fields.size(); i += 2) {
            shown.addObject()
                    .put("type", "mrkdwn")
                    .put("text", "*" + fields.get(i) + "*\n" + fields.get(i + 1));
        }
        blocks.addObject()
                .put("type", "context")
                .putArray("elements")
                .addObject()
                .put("type", "mrkdwn")
                .put("text", String.join(" · ", links));
        return message;
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Pool pool() {
        return Arc.container().instance(Pool.class).get();
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
