package dev.stride.events.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.EventCodec;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.check.Violation;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each platform's rules for its target block, as the planner applies them (Kubernetes' are covered with the whole
 * request by the planner's DeploymentRequestValidatorTest).
 */
class PlatformRulesTest {

    private static final String NAME_RULE = "must be a name of letters, digits, '.', '_' or '-'";
    private static final String ARN_RULE = "must be an ARN (arn:aws:...)";
    private static final String REGION_RULE = "must be an AWS region such as us-east-1";

    static ObjectNode haproxy() {
        return EventCodec.mapper()
                .createObjectNode()
                .put("platform", "haproxy")
                .put("address", "127.0.0.1:9999")
                .put("backend", "app")
                .put("stableServer", "stable")
                .put("canaryServer", "canary");
    }

    static ObjectNode alb() {
        return EventCodec.mapper()
                .createObjectNode()
                .put("platform", "aws-alb")
                .put("region", "us-east-1")
                .put(
                        "listenerArn",
                        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/1/2");
    }

    static ObjectNode ecs() {
        return EventCodec.mapper()
                .createObjectNode()
                .put("platform", "aws-ecs")
                .put("region", "us-east-1")
                .put("cluster", "prod")
                .put("service", "checkout");
    }

    static Stream<Arguments> goodTargets() {
        return Stream.of(
                Arguments.of("haproxy over TCP", haproxy()),
                Arguments.of(
                        "haproxy over a socket",
                        haproxy().put("socket", "/run/haproxy.sock").putNull("address")),
                Arguments.of("alb listener", alb()),
                Arguments.of(
                        "alb rule and role",
                        alb().put(
                                        "ruleArn",
                                        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/x")
                                .put("roleArn", "arn:aws:iam::123456789012:role/deployer")),
                Arguments.of("ecs service", ecs()),
                Arguments.of("alb without region: its listener's", alb().putNull("region")),
                Arguments.of(
                        "ecs without region: its cluster ARN's",
                        ecs().put("cluster", "arn:aws:ecs:us-east-1:123456789012:cluster/prod")
                                .putNull("region")),
                Arguments.of(
                        "ecs container and role",
                        ecs().put("container", "web")
                                .put("roleArn", "arn:aws:iam::123456789012:role/deployer")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodTargets")
    void aGoodTargetPasses(String name, ObjectNode target) {
        assertThat(violations(target)).isEmpty();
    }

    static Stream<Arguments> brokenTargets() {
        return Stream.of(
                broken(
                        "haproxy without socket or address",
                        haproxy(),
                        t -> t.remove("address"),
                        "target.socket",
                        "is required unless target.address is given"),
                broken(
                        "haproxy with socket and address",
                        haproxy(),
                        t -> t.put("socket", "/run/haproxy.sock"),
                        "target.address",
                        "give either socket or address, not both"),
                broken(
                        "haproxy with a relative socket",
                        haproxy(),
                        t -> t.put("socket", "run.sock").remove("address"),
                        "target.socket",
                        "must be the absolute path of HAProxy's runtime API socket"),
                broken(
                        "haproxy address without port",
                        haproxy(),
                        t -> t.put("address", "haproxy"),
                        "target.address",
                        "must be host:port of HAProxy's runtime API"),
                broken(
                        "haproxy one server twice",
                        haproxy(),
                        t -> t.put("canaryServer", "stable"),
                        "target.canaryServer",
                        "must differ from stableServer"),
                broken(
                        "haproxy backend with a space",
                        haproxy(),
                        t -> t.put("backend", "my app"),
                        "target.backend",
                        NAME_RULE),
                broken(
                        "haproxy without backend",
                        haproxy(),
                        t -> t.remove("backend"),
                        "target.backend",
                        "is required"),
                broken(
                        "haproxy typo",
                        haproxy(),
                        t -> t.put("canaryServr", "x"),
                        "target.canaryServr",
                        "unknown field; did you mean 'canaryServer'?"),
                broken(
                        "alb without listener",
                        alb(),
                        t -> t.remove("listenerArn"),
                        "target.listenerArn",
                        "is required"),
                broken(
                        "alb region",
                        alb(),
                        t -> t.put("region", "virginia"),
                        "target.region",
                        REGION_RULE),
                broken(
                        "alb rule that is no ARN",
                        alb(),
                        t -> t.put("ruleArn", "rule/1"),
                        "target.ruleArn",
                        ARN_RULE),
                broken(
                        "alb role that is no ARN",
                        alb(),
                        t -> t.put("roleArn", "deployer"),
                        "target.roleArn",
                        ARN_RULE),
                broken(
                        "alb with an ECS field",
                        alb(),
                        t -> t.put("cluster", "prod"),
                        "target.cluster",
                        "unknown field"),
                broken(
                        "ecs without cluster",
                        ecs(),
                        t -> t.remove("cluster"),
                        "target.cluster",
                        "is required"),
                broken(
                        "ecs without region, its cluster a name",
                        ecs(),
                        t -> t.remove("region"),
                        "target.region",
                        "is required: target.cluster names no region"),
                broken(
                        "ecs region other than its cluster ARN's",
                        ecs(),
                        t -> t.put("cluster", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"),
                        "target.region",
                        "is us-east-1 but target.cluster is in eu-west-1"),
                broken(
                        "ecs cluster ARN of another service",
                        ecs(),
                        t -> t.put("cluster", "arn:aws:ec2:us-east-1:123456789012:cluster/prod"),
                        "target.cluster",
                        "must be a cluster name (letters, digits, '.', '_' or '-') or a cluster ARN"
                                + " (arn:aws:ecs:<region>:<account>:cluster/<name>)"),
                broken(
                        "alb region other than its listener's",
                        alb(),
                        t -> t.put("region", "eu-west-1"),
                        "target.region",
                        "is eu-west-1 but target.listenerArn is in us-east-1"),
                broken(
                        "ecs container with a space",
                        ecs(),
                        t -> t.put("container", "web app"),
                        "target.container",
                        NAME_RULE),
                broken(
                        "ecs role that is no ARN",
                        ecs(),
                        t -> t.put("roleArn", "deployer"),
                        "target.roleArn",
                        ARN_RULE),
                broken(
                        "ecs with an ALB field",
                        ecs(),
                        t -> t.put("listenerArn", "arn:aws:x:y::1:z"),
                        "target.listenerArn",
                        "unknown field"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTargets")
    void aBrokenTargetIsNamedByItsPath(
            String name, ObjectNode target, String field, String message) {
        assertThat(violations(target)).containsExactly(new Violation(field, message));
    }

    @Test
    void kubernetesBlueGreenNeedsItsServiceAndARouterForItsSteps() {
        JsonNode blueGreen =
                EventCodec.mapper()
                        .createObjectNode()
                        .put("strategy", "blue-green")
                        .set(
                                "traffic_shifting",
                                EventCodec.mapper().createObjectNode().put("initial_weight", 10));
        ObjectNode kubernetes =
                EventCodec.mapper()
                        .createObjectNode()
                        .put("platform", "kubernetes")
                        .put("namespace", "shop")
                        .put("deployment", "checkout");

        assertThat(withDeployment(kubernetes, blueGreen))
                .extracting(Violation::field)
                .containsExactly("target.service", "target.ingress");
        assertThat(
                        withDeployment(
                                kubernetes,
                                EventCodec.mapper().createObjectNode().put("strategy", "canary")))
                .isEmpty();
    }

    static Stream<Arguments> platformsAndStrategies() {
        String refused = "deployment.strategy";
        return Stream.of(
                Arguments.of("haproxy", "canary", null),
                Arguments.of("haproxy", "blue-green", null),
                Arguments.of("haproxy", "rolling", refused),
                Arguments.of("aws-ecs", "rolling", null),
                Arguments.of("aws-ecs", "canary", refused),
                Arguments.of("aws-ecs", "blue-green", refused),
                Arguments.of("aws-alb", "blue-green", null),
                Arguments.of("aws-alb", "canary", refused),
                Arguments.of("aws-alb", "rolling", refused),
                Arguments.of("kubernetes", "rolling", null),
                Arguments.of("kubernetes", "canary", null));
    }

    /** A platform refuses a strategy it cannot run at admission, not at its first phase in the executor. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("platformsAndStrategies")
    void eachPlatformTakesOnlyTheStrategiesItCanRun(
            String platform, String strategy, String refusedField) {
        ObjectNode target =
                switch (platform) {
                    case "haproxy" -> haproxy();
                    case "aws-ecs" -> ecs();
                    case "aws-alb" -> alb();
                    default ->
                            EventCodec.mapper()
                                    .createObjectNode()
                                    .put("platform", "kubernetes")
                                    .put("namespace", "shop")
                                    .put("deployment", "checkout");
                };
        ObjectNode deployment = EventCodec.mapper().createObjectNode().put("strategy", strategy);
        if (strategy.equals("blue-green")) {
            deployment.set("environments", colours("blue-tg", "green-tg"));
        }

        List<Violation> violations = withDeployment(target, deployment);

        if (refusedField == null) {
            assertThat(violations).isEmpty();
        } else {
            assertThat(violations).extracting(Violation::field).containsExactly(refusedField);
            assertThat(violations.get(0).message()).startsWith(platform + " ").contains("use ");
        }
    }

    @Test
    void anEcsRollingUpdateRefusesAHealthCheckItCannotRun() {
        ObjectNode rolling = EventCodec.mapper().createObjectNode().put("strategy", "rolling");
        assertThat(withDeployment(ecs(), rolling)).isEmpty();
        rolling.putNull("health_check");
        assertThat(withDeployment(ecs(), rolling)).isEmpty();
        rolling.putObject("health_check").put("path", "/health");
        assertThat(withDeployment(ecs(), rolling))
                .extracting(Violation::field)
                .containsExactly("deployment.health_check");
    }

    @Test
    void anAlbBlueGreenNamesTwoDifferentTargetGroups() {
        ObjectNode deployment =
                EventCodec.mapper().createObjectNode().put("strategy", "blue-green");

        assertThat(withDeployment(alb(), deployment))
                .extracting(Violation::field)
                .containsExactly(
                        "deployment.environments.blue.target_group",
                        "deployment.environments.green.target_group");

        deployment.set("environments", colours("shop-tg", "shop-tg"));
        assertThat(withDeployment(alb(), deployment))
                .containsExactly(
                        new Violation(
                                "deployment.environments.green.target_group",
                                "must differ from blue's: each colour runs in its own target group"));

        deployment.set("environments", colours("shop-blue", null));
        assertThat(withDeployment(alb(), deployment))
                .extracting(Violation::field)
                .containsExactly("deployment.environments.green.target_group");
    }

    private static ObjectNode colours(String blue, String green) {
        ObjectNode environments = EventCodec.mapper().createObjectNode();
        environments.putObject("blue").put("target_group", blue);
        ObjectNode g = environments.putObject("green");
        if (green != null) {
            g.put("target_group", green);
        }
        return environments;
    }

    private static Arguments broken(
            String name,
            ObjectNode target,
            Consumer<ObjectNode> change,
            String field,
            String message) {
        change.accept(target);
        return Arguments.of(name, target, field, message);
    }

    private static List<Violation> violations(JsonNode target) {
        FieldChecks checks = new FieldChecks(false);
        platform(target).checkTarget(checks, target, "target");
        return checks.violations();
    }

    private static List<Violation> withDeployment(JsonNode target, JsonNode deployment) {
        FieldChecks checks = new FieldChecks(false);
        platform(target).checkWithDeployment(checks, target, deployment, "target");
        return checks.violations();
    }

    private static Platform platform(JsonNode target) {
        return Platforms.standard().find(target.path("platform").asText()).orElseThrow();
    }

    @Test
    void anAwsTargetWithoutRegionTakesTheRegionItsArnNames() throws Exception {
        AwsAlbTarget alb =
                (AwsAlbTarget)
                        EventCodec.mapper().treeToValue(alb().without("region"), Target.class);
        AwsEcsTarget ecs =
                (AwsEcsTarget)
                        EventCodec.mapper()
                                .treeToValue(
                                        ecs().put(
                                                        "cluster",
                                                        "arn:aws:ecs:eu-central-1:123456789012:cluster/prod")
                                                .without("region"),
                                        Target.class);

        assertThat(alb.region()).isEqualTo("us-east-1");
        assertThat(alb.templateVariables()).containsEntry("region", "us-east-1");
        assertThat(ecs.region()).isEqualTo("eu-central-1");
        assertThat(
                        new AwsEcsTarget(
                                        "us-west-2",
                                        "arn:aws:ecs:eu-central-1:1:cluster/x",
                                        "s",
                                        null,
                                        null)
                                .region())
                .as("a region given is kept (admission refuses one that disagrees)")
                .isEqualTo("us-west-2");
        assertThat(new AwsEcsTarget(null, "prod", "s", null, null).region()).isNull();
        assertThat(
                        dev.stride.events.check.Formats.regionOf(
                                "arn:aws:iam::123456789012:role/deployer"))
                .as("IAM ARNs name no region")
                .isEmpty();
    }
}
