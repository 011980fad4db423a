package dev.stride.planner.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.CloudEvent;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.EventSchemas;
import dev.stride.planner.Requests;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kafka intake checks an event's schema before the planner's rules, so whatever the REST intake accepts must
 * make a DeploymentRequested that passes the published schema, or the planner would dead-letter its own event.
 */
class AcceptedRequestsMakeValidEventsTest {

    private final DeploymentRequestValidator validator = new DeploymentRequestValidator();
    private final EventCodec codec = new EventCodec();

    static Stream<Arguments> acceptedRequests() {
        return Stream.of(
                variant("canary", d -> { }),
                variant("blue-green", d -> { }),
                variant("rolling", d -> { }),
                variant("canary", d -> d.put("commitTime", "2026-11-20T12:00:00.123+02:00")),
                variant("canary", d -> ((ObjectNode) d.get("rollback")).remove("rollback_strategy")),
                variant("canary", d -> Requests.phase(d, 0).remove("success_criteria")),
                variant("blue-green", d -> ((ObjectNode) d.get("deployment")).remove("environments")),
                variant("blue-green", d -> ((ObjectNode) d.path("deployment").path("traffic_shifting"))
                        .remove("rollback_threshold")),
                variant("rolling", d -> d.putObject("target").put("platform", "aws-ecs").put("region", "eu-west-1")
                        .put("cluster", "shop").put("service", "inventory")),
                variant("rolling", d -> d.putObject("target").put("platform", "haproxy")
                        .put("address", "127.0.0.1:9999").put("backend", "be").put("stableServer", "s1")
                        .put("canaryServer", "s2")),
                variant("canary", d -> {
                    d.remove("commitSha");
                    d.remove("commitTime");
                    d.remove("rollback");
                }));
    }

    @ParameterizedTest
    @MethodSource("acceptedRequests")
    void anAcceptedRequestsEventPassesTheSchema(String name, JsonNode request) {
        assertThat(validator.validate(request)).isEmpty();

        DeploymentRequested data = DeploymentIntake.bind(request, UUID.randomUUID());
        CloudEvent event = codec.wrap(data, "/stride/planner");
        JsonNode wire = codec.parseTree(codec.encode(event));

        List<String> problems = EventSchemas.shared().validate(wire);
        assertThat(problems).as(name).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("acceptedRequests")
    void theCommitTimeIsKeptAsTheSameInstant(String name, JsonNode request) {
        DeploymentRequested data = DeploymentIntake.bind(request, UUID.randomUUID());
        if (request.hasNonNull("commitTime")) {
            assertThat(data.commitTime()).isEqualTo(
                    java.time.OffsetDateTime.parse(request.get("commitTime").asText()).toInstant());
        } else {
            assertThat(data.commitTime()).isNull();
        }
    }

    private static Arguments variant(String request, Consumer<ObjectNode> change) {
        ObjectNode doc = Requests.json(request);
        change.accept(doc);
        return Arguments.of(request, doc);
    }
}
