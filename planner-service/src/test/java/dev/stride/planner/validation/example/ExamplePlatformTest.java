package dev.stride.planner.validation.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.check.Violation;
import dev.stride.events.spec.Platforms;
import dev.stride.planner.Requests;
import dev.stride.planner.validation.DeploymentRequestValidator;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Adding a traffic platform takes no change to the planner: a Target record and its Platform, registered, and a
 * request naming it is checked by its rules and read into its record. The registry and the mapper are the test's
 * own, so no other test sees the example.
 */
class ExamplePlatformTest {

    private final Platforms platforms = Platforms.standard().with(new ExamplePlatform());
    private final DeploymentRequestValidator validator = new DeploymentRequestValidator(platforms);

    @Test
    void aRequestForTheNewPlatformPassesItsRules() {
        ObjectNode request = request("canary");

        assertThat(validator.validate(request)).isEmpty();
        assertThat(validator.validate(request("blue-green"))).isEmpty();
    }

    @Test
    void aBrokenTargetOfTheNewPlatformIsNamedByItsPath() {
        ObjectNode request = request("canary");
        target(request).remove("pool");
        target(request).put("canaryMember", "m1").put("weight", 5);

        assertThat(validator.validate(request))
                .containsExactly(
                        new Violation("target.weight", "unknown field"),
                        new Violation("target.pool", "is required"),
                        new Violation("target.canaryMember", "must differ from stableMember"));
        assertThat(validator.validate(request, true))
                .containsExactly(
                        new Violation("target.pool", "is required"),
                        new Violation("target.canaryMember", "must differ from stableMember"));
    }

    @Test
    void itsRuleWithTheDeploymentBlockApplies() {
        assertThat(validator.validate(request("rolling")))
                .containsExactly(
                        new Violation(
                                "deployment.strategy",
                                "example-lb moves weights only: use canary or blue-green"));
    }

    @Test
    void withoutRegistrationThePlatformIsUnknown() {
        assertThat(new DeploymentRequestValidator().validate(request("canary")))
                .containsExactly(
                        new Violation(
                                "target.platform",
                                "must be one of aws-alb, aws-ecs, haproxy, kubernetes, not 'example-lb'"));
    }

    @Test
    void theRequestReadsIntoTheNewTargetAndGivesItsTemplateVariables() throws Exception {
        ObjectMapper mapper = EventCodec.newMapper();
        mapper.registerSubtypes(platforms.subtypes());
        ObjectNode request = request("canary");
        request.remove("commitTime");
        request.put("deploymentId", UUID.randomUUID().toString());

        DeploymentRequested event = mapper.treeToValue(request, DeploymentRequested.class);

        assertThat(event.target()).isEqualTo(new ExampleTarget("checkout", "m1", "m2"));
        assertThat(event.target().templateVariables())
                .isEqualTo(Map.of("pool", "checkout", "stableMember", "m1", "canaryMember", "m2"));
        assertThat(mapper.valueToTree(event.target()).path("platform").asText())
                .isEqualTo("example-lb");
    }

    private static ObjectNode request(String name) {
        ObjectNode request = Requests.json(name);
        request.putObject("target")
                .put("platform", ExampleTarget.PLATFORM)
                .put("pool", "checkout")
                .put("stableMember", "m1")
                .put("canaryMember", "m2");
        return request;
    }

    private static ObjectNode target(ObjectNode request) {
        return (ObjectNode) request.get("target");
    }
}
