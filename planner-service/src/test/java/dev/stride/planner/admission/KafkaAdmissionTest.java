package dev.stride.planner.admission;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.Topics;
import dev.stride.planner.Requests;
import dev.stride.planner.Sql;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Other systems publish DeploymentRequested on the topic; the planner validates it as it validates REST. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class KafkaAdmissionTest {

    @org.junit.jupiter.api.BeforeEach
    void caller() {
        // CI's token; tests about who may do what send their own.
        Callers.actAs("ci", "stride-admin");
    }

    private static final String DLQ = Topics.deadLetter(Topics.DEPLOYMENT_REQUESTED);

    @Test
    void aValidEventFromAnotherSystemIsStoredOnceHoweverOftenItArrives() {
        UUID id = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String event = event(id, first, doc -> {});

        publish(id, event);
        publish(id, event);
        publish(id, event(id, second, doc -> {}));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                given().get("/api/v1/deployments/" + id)
                                        .then()
                                        .statusCode(200)
                                        .body("status", equalTo("IN_PROGRESS"))
                                        .body("strategy", equalTo("canary"))
                                        .body("timeline[0].actor", equalTo("ci")));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> processedCount(first, second) == 2);
        assertThat(deploymentRows(id)).isEqualTo(1);
    }

    @Test
    void recordsThatCannotBeReadGoToTheDeadLetterTopicWithTheReasonAndTheConsumerGoesOn() {
        UUID notJson = UUID.randomUUID();
        UUID schemaInvalid = UUID.randomUUID();
        UUID ruleInvalid = UUID.randomUUID();
        UUID valid = UUID.randomUUID();

        publish(notJson, "{this is not json");
        publish(
                schemaInvalid,
                event(schemaInvalid, UUID.randomUUID(), doc -> doc.remove("artifact")));
        publish(
                ruleInvalid,
                event(
                        ruleInvalid,
                        UUID.randomUUID(),
                        doc ->
                                Requests.phase(doc, 2)
                                        .put("traffic_percentage", 50)
                                        .put("duration", "5m")));
        publish(valid, event(valid, UUID.randomUUID(), doc -> {}));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> given().get("/api/v1/deployments/" + valid).then().statusCode(200));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            assertThat(reason(notJson)).startsWith("not JSON");
                            assertThat(reason(schemaInvalid)).contains("$.data.artifact");
                            assertThat(reason(ruleInvalid))
                                    .contains("data.deployment.phases[2].traffic_percentage")
                                    .contains("100%");
                        });
        for (UUID rejected : new UUID[] {notJson, schemaInvalid, ruleInvalid}) {
            given().get("/api/v1/deployments/" + rejected).then().statusCode(404);
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    private static String reason(UUID key) {
        return TopicReader.readAll(bootstrap(), DLQ).stream()
                .filter(r -> key.toString().equals(r.key()))
                .map(KafkaAdmissionTest::reasonHeader)
                .findFirst()
                .orElse("");
    }

    private static String reasonHeader(ConsumerRecord<String, String> record) {
        var header = record.headers().lastHeader("dead-letter-reason");
        return header == null
                ? "(no reason header)"
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String event(UUID deploymentId, UUID eventId, Consumer<ObjectNode> change) {
        ObjectNode data = Requests.json("canary");
        data.put("application", Requests.uniqueApplication());
        change.accept(data);
        data.put("deploymentId", deploymentId.toString());
        ObjectNode envelope =
                EventCodec.mapper()
                        .createObjectNode()
                        .put("specversion", "1.0")
                        .put("id", eventId.toString())
                        .put("type", EventType.DEPLOYMENT_REQUESTED.type())
                        .put("source", "/release-orchestrator")
                        .put("time", "2026-11-26T08:00:00Z")
                        .put("subject", deploymentId.toString())
                        .put("datacontenttype", "application/json");
        envelope.set("data", data);
        return envelope.toString();
    }

    private static void publish(UUID key, String value) {
        TopicReader.publish(bootstrap(), Topics.DEPLOYMENT_REQUESTED, key.toString(), value);
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static long processedCount(UUID... eventIds) {
        return Sql.count(
                "SELECT count(*) FROM processed_event WHERE consumer = 'planner.deployment-intake' "
                        + "AND event_id = ANY($1)",
                (Object)
                        java.util.Arrays.stream(eventIds)
                                .map(UUID::toString)
                                .toArray(String[]::new));
    }

    private static long deploymentRows(UUID deploymentId) {
        return Sql.count("SELECT count(*) FROM deployment WHERE id = $1", deploymentId);
    }
}
