package dev.stride.planner.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.CloudEvent;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.EventSchemas;
import dev.stride.planner.Requests;
import dev.stride.planner.validation.DeploymentRequestValidator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A DeploymentRequested from Kafka has its schema checked before the planner's rules, so whatever REST admits must
 * make a DeploymentRequested that passes the published schema, or the planner would dead-letter its own event.
 */
class AcceptedRequestsMakeValidEventsTest {

    private final DeploymentRequestValidator validator = new DeploymentRequestValidator();
    private final EventCodec codec = new EventCodec();

    static Stream<Arguments> acceptedRequests() {
        return Stream.of(
                variant("canary", d -> {}),
                variant("blue-green", d -> {}),
                variant("rolling", d -> {}),
                variant("canary", d -> d.put("commitTime", "2026-11-20T12:00:00.123+02:00")),
                variant(
                        "canary",
                        d -> ((ObjectNode) d.get("rollback")).remove("rollback_strategy")),
                variant("canary", d -> Requests.phase(d, 0).remove("success_criteria")),
                // Without environments on a platform that needs no target groups (HAProxy).
                variant(
                        "blue-green",
                        d -> {
                            ((ObjectNode) d.get("deployment")).remove("environments");
                            d.putObject("target")
                                    .put("platform", "haproxy")
                                    .put("address", "127.0.0.1:9999")
                                    .put("backend", "be")
                                    .put("stableServer", "s1")
                                    .put("canaryServer", "s2");
                        }),
                variant(
                        "blue-green",
                        d ->
                                ((ObjectNode) d.path("deployment").path("traffic_shifting"))
                                        .remove("rollback_threshold")),
                // ECS rolls with its own health checks: no health_check block.
                variant(
                        "rolling",
                        d -> {
                            ((ObjectNode) d.get("deployment")).remove("health_check");
                            d.putObject("target")
                                    .put("platform", "aws-ecs")
                                    .put("region", "eu-west-1")
                                    .put("cluster", "shop")
                                    .put("service", "inventory");
                        }),
                variant("rolling", d -> ((ObjectNode) d.get("deployment")).putNull("health_check")),
                variant(
                        "canary",
                        d -> {
                            d.remove("commitSha");
                            d.remove("commitTime");
                            d.remove("rollback");
                            d.remove("checks");
                        }),
                // checks: only the pre-deployment script; only the feature flags; every field at
                // its limit
                variant(
                        "canary",
                        d -> {
                            checks(d).remove("post");
                            ((ObjectNode) d.at("/checks/pre/health")).remove("expected_status");
                        }),
                variant(
                        "canary",
                        d -> {
                            checks(d).remove("pre");
                            ((ObjectNode) d.at("/checks/post"))
                                    .remove(
                                            List.of(
                                                    "endpoints",
                                                    "error_rate",
                                                    "response_time_p95"));
                        }),
                variant(
                        "canary",
                        d -> {
                            ObjectNode pre = checks(d).putObject("pre");
                            pre.putObject("health")
                                    .put("url", "http://" + "h".repeat(1017))
                                    .put("expected_status", 599);
                            pre.putObject("database")
                                    .put("host", "DB-01.Shop.internal")
                                    .put("port", 65_535);
                            ArrayNode dependencies = pre.putArray("dependencies");
                            ObjectNode post =
                                    checks(d)
                                            .putObject("post")
                                            .put("error_rate", "<=100%")
                                            .put("response_time_p95", ">=0.5s");
                            ArrayNode endpoints = post.putArray("endpoints");
                            for (int i = 0; i < 20; i++) {
                                dependencies.add(
                                        "https://dependency-"
                                                + i
                                                + ".example.com/health?deep=true");
                                endpoints.add("http://10.0.0." + i + ":8080/ready");
                            }
                            ArrayNode required =
                                    post.putObject("feature_flags")
                                            .put("url", "https://flags/{flag}/enabled")
                                            .putArray("required");
                            for (int i = 0; i < 49; i++) {
                                required.add("flag." + i);
                            }
                            required.add("-".repeat(128));
                        }),
                variant(
                        "canary",
                        d -> {
                            checks(d).putNull("pre");
                            ((ObjectNode) d.at("/checks/post"))
                                    .putNull("feature_flags")
                                    .putNull("endpoints");
                        }),
                variant("blue-green", d -> d.putObject("checks")));
    }

    @ParameterizedTest
    @MethodSource("acceptedRequests")
    void anAcceptedRequestsEventPassesTheSchema(String name, JsonNode request) {
        assertThat(validator.validate(request)).isEmpty();

        DeploymentRequested data = DeploymentAdmission.bind(request, UUID.randomUUID());
        CloudEvent event = codec.wrap(data, "/stride/planner");
        JsonNode wire = codec.parseTree(codec.encode(event));

        List<String> problems = EventSchemas.shared().validate(wire);
        assertThat(problems).as(name).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("acceptedRequests")
    void theCommitTimeIsKeptAsTheSameInstant(String name, JsonNode request) {
        DeploymentRequested data = DeploymentAdmission.bind(request, UUID.randomUUID());
        if (request.hasNonNull("commitTime")) {
            assertThat(data.commitTime())
                    .isEqualTo(
                            java.time.OffsetDateTime.parse(request.get("commitTime").asText())
                                    .toInstant());
        } else {
            assertThat(data.commitTime()).isNull();
        }
    }

    @Test
    void theChecksBlockIsCarriedIntoTheEventAsWritten() {
        ObjectNode request = Requests.json("canary");

        DeploymentRequested data = DeploymentAdmission.bind(request, UUID.randomUUID());
        JsonNode wire = codec.parseTree(codec.encode(codec.wrap(data, "/stride/planner")));

        assertThat(data.checks().pre().health().expectedStatus()).isEqualTo(200);
        assertThat(data.checks().pre().database().port()).isEqualTo(5432);
        assertThat(data.checks().post().responseTimeP95()).isEqualTo("<500ms");
        assertThat(data.checks().post().featureFlags().required())
                .containsExactly("user_registration", "payment_processing", "order_management");
        assertThat(wire.path("data").path("checks")).isEqualTo(request.get("checks"));
    }

    private static ObjectNode checks(ObjectNode doc) {
        return (ObjectNode) doc.get("checks");
    }

    private static Arguments variant(String request, Consumer<ObjectNode> change) {
        ObjectNode doc = Requests.json(request);
        change.accept(doc);
        return Arguments.of(request, doc);
    }
}
