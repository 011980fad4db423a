package dev.stride.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.spec.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DeploymentRequested schema states the planner's rules for each field (DeploymentRequestValidator), so that
 * other systems learn them from the schema; the rules across fields stay with the planner and are documented in
 * asyncapi.yaml.
 */
class DeploymentRequestedSchemaTest {

    private static final EventSchemas SCHEMAS = EventSchemas.shared();

    private static final String CANARY = "deployment-requested";
    private static final String BLUE_GREEN = "deployment-requested-blue-green";
    private static final String ROLLING = "deployment-requested-rolling";

    static Stream<Arguments> rejected() {
        return Stream.of(
                // identity of the request
                reject(
                        "upper-case commitSha",
                        CANARY,
                        d -> d.put("commitSha", "9FCEB02D0AE598E95DC970B74767F19372D61AF8"),
                        "commitSha"),
                reject(
                        "commitSha of 6 digits",
                        CANARY,
                        d -> d.put("commitSha", "9fceb0"),
                        "commitSha"),
                reject(
                        "commitTime without seconds",
                        CANARY,
                        d -> d.put("commitTime", "2026-03-02T11:42Z"),
                        "commitTime"),
                reject(
                        "commitTime without offset",
                        CANARY,
                        d -> d.put("commitTime", "2026-03-02T11:42:17"),
                        "commitTime"),
                reject(
                        "commitTime in lower case",
                        CANARY,
                        d -> d.put("commitTime", "2026-03-02t11:42:17z"),
                        "commitTime"),
                reject(
                        "commitTime with a space",
                        CANARY,
                        d -> d.put("commitTime", "2026-03-02 11:42:17Z"),
                        "commitTime"),
                reject(
                        "commitTime with a five-digit year",
                        CANARY,
                        d -> d.put("commitTime", "+10000-01-01T00:00:00Z"),
                        "commitTime"),
                reject(
                        "commitTime on 30 February",
                        CANARY,
                        d -> d.put("commitTime", "2026-02-30T11:42:17Z"),
                        "commitTime"),
                reject(
                        "upper-case application",
                        CANARY,
                        d -> d.put("application", "Checkout"),
                        "application"),
                reject(
                        "application with '_'",
                        CANARY,
                        d -> d.put("application", "check_out"),
                        "application"),
                reject(
                        "application of 64 characters",
                        CANARY,
                        d -> d.put("application", "a".repeat(64)),
                        "application"),
                reject(
                        "version starting with '-'",
                        CANARY,
                        d -> d.put("version", "-2.4.1"),
                        "version"),
                reject(
                        "version with a space",
                        CANARY,
                        d -> d.put("version", "2.4.1 beta"),
                        "version"),
                reject(
                        "artifact with a space",
                        CANARY,
                        d -> d.put("artifact", "registry.example.com/shop/checkout 2.4.1"),
                        "artifact"),
                reject(
                        "artifact of 513 characters",
                        CANARY,
                        d -> d.put("artifact", "r/" + "a".repeat(511)),
                        "artifact"),
                // free text: no control characters, not blank, at most 1024 characters
                reject(
                        "NUL in requestedBy",
                        CANARY,
                        d -> d.put("requestedBy", "ci\u0000bot"),
                        "requestedBy"),
                reject(
                        "BEL in requestedBy",
                        CANARY,
                        d -> d.put("requestedBy", "ci\u0007bot"),
                        "requestedBy"),
                reject(
                        "tab in requestedBy",
                        CANARY,
                        d -> d.put("requestedBy", "ci\tbot"),
                        "requestedBy"),
                reject(
                        "DEL in requestedBy",
                        CANARY,
                        d -> d.put("requestedBy", "ci\u007fbot"),
                        "requestedBy"),
                reject(
                        "trailing newline in requestedBy",
                        CANARY,
                        d -> d.put("requestedBy", "ci\n"),
                        "requestedBy"),
                reject(
                        "trailing CR LF in requestedBy",
                        CANARY,
                        d -> d.put("requestedBy", "ci\r\n"),
                        "requestedBy"),
                reject(
                        "trailing newline in application",
                        CANARY,
                        d -> d.put("application", "checkout\n"),
                        "application"),
                reject(
                        "blank requestedBy",
                        CANARY,
                        d -> d.put("requestedBy", "   "),
                        "requestedBy"),
                reject(
                        "ideographic space as requestedBy",
                        CANARY,
                        d -> d.put("requestedBy", "\u3000"),
                        "requestedBy"),
                reject("empty requestedBy", CANARY, d -> d.put("requestedBy", ""), "requestedBy"),
                reject(
                        "requestedBy of 1025 characters",
                        CANARY,
                        d -> d.put("requestedBy", "c".repeat(1025)),
                        "requestedBy"),
                reject(
                        "newline in a phase name",
                        CANARY,
                        d -> phase(d, 0).put("name", "ramp\nup"),
                        "deployment.phases[0].name"),
                reject(
                        "newline in a trigger name",
                        CANARY,
                        d -> trigger(d, 0).put("name", "high\nerror rate"),
                        "rollback.triggers[0].name"),
                // canary
                reject(
                        "success criterion without comparison",
                        CANARY,
                        d -> criteria(d, 0).put("error_rate", "1%"),
                        "deployment.phases[0].success_criteria.error_rate"),
                reject(
                        "success criterion with seven decimals",
                        CANARY,
                        d -> criteria(d, 0).put("error_rate", "<0.1234567%"),
                        "deployment.phases[0].success_criteria.error_rate"),
                reject(
                        "success criterion on an unknown metric",
                        CANARY,
                        d -> criteria(d, 0).put("throughput", ">100ms"),
                        "deployment.phases[0].success_criteria"),
                reject(
                        "traffic_percentage 0",
                        CANARY,
                        d -> phase(d, 0).put("traffic_percentage", 0),
                        "deployment.phases[0].traffic_percentage"),
                reject(
                        "traffic_percentage 101",
                        CANARY,
                        d -> phase(d, 2).put("traffic_percentage", 101),
                        "deployment.phases[2].traffic_percentage"),
                reject(
                        "a duration of ten digits",
                        CANARY,
                        d -> phase(d, 0).put("duration", "1234567890s"),
                        "deployment.phases[0].duration"),
                reject(
                        "a duration in days",
                        CANARY,
                        d -> phase(d, 0).put("duration", "1d"),
                        "deployment.phases[0].duration"),
                reject("51 phases", CANARY, d -> phases(d, 51), "deployment.phases"),
                // rollback
                reject(
                        "trigger on an unknown metric",
                        CANARY,
                        d -> trigger(d, 0).put("metric", "cpu_usage"),
                        "rollback.triggers[0].metric"),
                reject(
                        "trigger threshold with a space",
                        CANARY,
                        d -> trigger(d, 0).put("threshold", "5 %"),
                        "rollback.triggers[0].threshold"),
                reject(
                        "trigger threshold of 13 digits",
                        CANARY,
                        d -> trigger(d, 1).put("threshold", "1000000000000ms"),
                        "rollback.triggers[1].threshold"),
                reject("21 triggers", CANARY, d -> triggers(d, 21), "rollback.triggers"),
                reject(
                        "no triggers",
                        CANARY,
                        d -> ((ObjectNode) d.get("rollback")).putArray("triggers"),
                        "rollback.triggers"),
                reject(
                        "rollback method other than previous_version",
                        CANARY,
                        d -> rollbackStrategy(d).put("method", "redeploy"),
                        "rollback.rollback_strategy.method"),
                reject(
                        "rollback timeout that is not a duration",
                        CANARY,
                        d -> rollbackStrategy(d).put("timeout", "10 minutes"),
                        "rollback.rollback_strategy.timeout"),
                // haproxy
                reject(
                        "haproxy socket and address",
                        CANARY,
                        d -> target(d).put("socket", "/run/haproxy/admin.sock"),
                        "target"),
                reject(
                        "haproxy address without port",
                        CANARY,
                        d -> target(d).put("address", "127.0.0.1"),
                        "target.address"),
                reject(
                        "haproxy socket that is not absolute",
                        CANARY,
                        d -> target(d).put("socket", "run/haproxy/admin.sock").putNull("address"),
                        "target.socket"),
                reject(
                        "haproxy server with a space",
                        CANARY,
                        d -> target(d).put("stableServer", "stable one"),
                        "target.stableServer"),
                reject(
                        "haproxy backend starting with '_'",
                        CANARY,
                        d -> target(d).put("backend", "_checkout"),
                        "target.backend"),
                // blue-green, aws-alb
                reject(
                        "blue-green environments without green",
                        BLUE_GREEN,
                        d -> ((ObjectNode) d.at("/deployment/environments")).remove("green"),
                        "deployment.environments.green"),
                reject(
                        "blue-green environments with a null blue",
                        BLUE_GREEN,
                        d -> ((ObjectNode) d.at("/deployment/environments")).putNull("blue"),
                        "deployment.environments.blue"),
                reject(
                        "initial_weight 100",
                        BLUE_GREEN,
                        d -> shifting(d).put("initial_weight", 100),
                        "deployment.traffic_shifting.initial_weight"),
                reject(
                        "increment 101",
                        BLUE_GREEN,
                        d -> shifting(d).put("increment", 101),
                        "deployment.traffic_shifting.increment"),
                reject(
                        "rollback_threshold above a million",
                        BLUE_GREEN,
                        d -> shifting(d).put("rollback_threshold", 1_000_001),
                        "deployment.traffic_shifting.rollback_threshold"),
                reject(
                        "target group with a space",
                        BLUE_GREEN,
                        d ->
                                ((ObjectNode) d.at("/deployment/environments/blue"))
                                        .put("target_group", "app blue"),
                        "deployment.environments.blue.target_group"),
                reject(
                        "relative health check path",
                        BLUE_GREEN,
                        d ->
                                ((ObjectNode) d.at("/deployment/environments/green"))
                                        .put("health_check_path", "health"),
                        "deployment.environments.green.health_check_path"),
                reject(
                        "upper-case region",
                        BLUE_GREEN,
                        d -> target(d).put("region", "EU-WEST-1"),
                        "target.region"),
                reject(
                        "ARN with a 13-digit account",
                        BLUE_GREEN,
                        d ->
                                target(d)
                                        .put(
                                                "listenerArn",
                                                "arn:aws:elasticloadbalancing:eu-west-1:1234567890123:listener/app/app-alb/50dc6c495c0c9188"),
                        "target.listenerArn"),
                reject(
                        "role that is not an ARN",
                        BLUE_GREEN,
                        d -> target(d).put("roleArn", "stride-executor"),
                        "target.roleArn"),
                // rolling, kubernetes
                reject(
                        "health check path without '/'",
                        ROLLING,
                        d -> healthCheck(d).put("path", "health"),
                        "deployment.health_check.path"),
                reject(
                        "healthy_threshold 101",
                        ROLLING,
                        d -> healthCheck(d).put("healthy_threshold", 101),
                        "deployment.health_check.healthy_threshold"),
                reject(
                        "unhealthy_threshold 0",
                        ROLLING,
                        d -> healthCheck(d).put("unhealthy_threshold", 0),
                        "deployment.health_check.unhealthy_threshold"),
                reject(
                        "health check interval with a fraction",
                        ROLLING,
                        d -> healthCheck(d).put("interval", "0.5s"),
                        "deployment.health_check.interval"),
                reject(
                        "batch_size 10001",
                        ROLLING,
                        d -> ((ObjectNode) d.get("deployment")).put("batch_size", 10_001),
                        "deployment.batch_size"),
                reject(
                        "max_unavailable -1",
                        ROLLING,
                        d -> ((ObjectNode) d.get("deployment")).put("max_unavailable", -1),
                        "deployment.max_unavailable"),
                reject(
                        "upper-case namespace",
                        ROLLING,
                        d -> target(d).put("namespace", "MyApp"),
                        "target.namespace"),
                reject(
                        "deployment name starting with '-'",
                        ROLLING,
                        d -> target(d).put("deployment", "-myapp"),
                        "target.deployment"),
                reject(
                        "service name with '_'",
                        ROLLING,
                        d -> target(d).put("service", "my_app"),
                        "target.service"),
                // checks
                reject("checks that is a list", CANARY, d -> d.putArray("checks"), "checks"),
                reject(
                        "pre that is a string",
                        CANARY,
                        d -> checks(d).put("pre", "health"),
                        "checks.pre"),
                reject(
                        "ftp health url",
                        CANARY,
                        d -> health(d).put("url", "ftp://checkout.shop.example.com/health"),
                        "checks.pre.health.url"),
                reject(
                        "health url without scheme",
                        CANARY,
                        d -> health(d).put("url", "checkout.shop.example.com"),
                        "checks.pre.health.url"),
                reject(
                        "health url with a space",
                        CANARY,
                        d -> health(d).put("url", "https://checkout.shop.example.com/he alth"),
                        "checks.pre.health.url"),
                reject(
                        "health url with a no-break space",
                        CANARY,
                        d -> health(d).put("url", "https://checkout.shop.example.com/\u00a0health"),
                        "checks.pre.health.url"),
                reject(
                        "health url with a trailing newline",
                        CANARY,
                        d -> health(d).put("url", "https://checkout.shop.example.com/health\n"),
                        "checks.pre.health.url"),
                reject(
                        "health url of 1025 characters",
                        CANARY,
                        d -> health(d).put("url", "https://" + "a".repeat(1017)),
                        "checks.pre.health.url"),
                reject(
                        "expected_status 99",
                        CANARY,
                        d -> health(d).put("expected_status", 99),
                        "checks.pre.health.expected_status"),
                reject(
                        "expected_status 600",
                        CANARY,
                        d -> health(d).put("expected_status", 600),
                        "checks.pre.health.expected_status"),
                reject(
                        "expected_status as a string",
                        CANARY,
                        d -> health(d).put("expected_status", "200"),
                        "checks.pre.health.expected_status"),
                reject(
                        "database host with '_'",
                        CANARY,
                        d -> database(d).put("host", "db_shop"),
                        "checks.pre.database.host"),
                reject(
                        "database host ending in '.'",
                        CANARY,
                        d -> database(d).put("host", "db.shop."),
                        "checks.pre.database.host"),
                reject(
                        "database host with a trailing newline",
                        CANARY,
                        d -> database(d).put("host", "db\n"),
                        "checks.pre.database.host"),
                reject(
                        "database port 0",
                        CANARY,
                        d -> database(d).put("port", 0),
                        "checks.pre.database.port"),
                reject(
                        "database port 65536",
                        CANARY,
                        d -> database(d).put("port", 65_536),
                        "checks.pre.database.port"),
                reject(
                        "21 dependencies",
                        CANARY,
                        d -> urls(pre(d).putArray("dependencies"), 21),
                        "checks.pre.dependencies"),
                reject(
                        "a dependency that is not a URL",
                        CANARY,
                        d -> ((ArrayNode) pre(d).get("dependencies")).set(1, "payments"),
                        "checks.pre.dependencies[1]"),
                reject(
                        "a null endpoint",
                        CANARY,
                        d -> ((ArrayNode) post(d).get("endpoints")).setNull(0),
                        "checks.post.endpoints[0]"),
                reject(
                        "21 endpoints",
                        CANARY,
                        d -> urls(post(d).putArray("endpoints"), 21),
                        "checks.post.endpoints"),
                reject(
                        "endpoints that is a string",
                        CANARY,
                        d -> post(d).put("endpoints", "https://api.example.com/health"),
                        "checks.post.endpoints"),
                reject(
                        "error_rate without comparison",
                        CANARY,
                        d -> post(d).put("error_rate", "1%"),
                        "checks.post.error_rate"),
                reject(
                        "error_rate in milliseconds",
                        CANARY,
                        d -> post(d).put("error_rate", "<5ms"),
                        "checks.post.error_rate"),
                reject(
                        "response_time_p95 in percent",
                        CANARY,
                        d -> post(d).put("response_time_p95", "<5%"),
                        "checks.post.response_time_p95"),
                reject(
                        "response_time_p95 without comparison",
                        CANARY,
                        d -> post(d).put("response_time_p95", "500ms"),
                        "checks.post.response_time_p95"),
                reject(
                        "feature flag url without {flag}",
                        CANARY,
                        d -> flags(d).put("url", "http://feature-flags-service/api/flags"),
                        "checks.post.feature_flags.url"),
                reject(
                        "feature flag url that is not http",
                        CANARY,
                        d -> flags(d).put("url", "flags://service/{flag}"),
                        "checks.post.feature_flags.url"),
                reject(
                        "feature flags without url",
                        CANARY,
                        d -> flags(d).remove("url"),
                        "checks.post.feature_flags.url"),
                reject(
                        "a health check without its url",
                        CANARY,
                        d -> health(d).remove("url"),
                        "checks.pre.health.url"),
                reject(
                        "a database check without its host",
                        CANARY,
                        d -> database(d).putNull("host"),
                        "checks.pre.database.host"),
                reject(
                        "feature flags with a null url",
                        CANARY,
                        d -> flags(d).putNull("url"),
                        "checks.post.feature_flags.url"),
                reject(
                        "feature flags without required",
                        CANARY,
                        d -> flags(d).remove("required"),
                        "checks.post.feature_flags.required"),
                reject(
                        "no feature flag names",
                        CANARY,
                        d -> flags(d).putArray("required"),
                        "checks.post.feature_flags.required"),
                reject(
                        "51 feature flag names",
                        CANARY,
                        d -> flagNames(flags(d).putArray("required"), 51),
                        "checks.post.feature_flags.required"),
                reject(
                        "feature flag name with a space",
                        CANARY,
                        d -> ((ArrayNode) flags(d).get("required")).set(1, "payment processing"),
                        "checks.post.feature_flags.required[1]"),
                reject(
                        "feature flag name of 129 characters",
                        CANARY,
                        d -> ((ArrayNode) flags(d).get("required")).set(0, "f".repeat(129)),
                        "checks.post.feature_flags.required[0]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void aFieldBreakingThePlannersRuleIsRejectedByName(
            String name, String fixture, Consumer<ObjectNode> change, String field) {
        ObjectNode event = Fixtures.load(fixture);
        assertThat(SCHEMAS.validate(event)).as("fixture").isEmpty();
        change.accept(Fixtures.data(event));

        assertThat(SCHEMAS.validate(event))
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m).startsWith("$.data." + field + ": "));
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                accept(
                        "rolling without health_check",
                        ROLLING,
                        d -> ((ObjectNode) d.get("deployment")).remove("health_check")),
                accept(
                        "rolling with a null health_check",
                        ROLLING,
                        d -> ((ObjectNode) d.get("deployment")).putNull("health_check")),
                accept(
                        "commitTime with nanoseconds and an offset",
                        CANARY,
                        d -> d.put("commitTime", "2026-03-02T13:42:17.123456789+02:00")),
                accept("short commitSha", CANARY, d -> d.put("commitSha", "9fceb02")),
                accept(
                        "application of 63 characters",
                        CANARY,
                        d -> d.put("application", "a".repeat(63))),
                accept(
                        "version with build metadata",
                        CANARY,
                        d -> d.put("version", "2.4.1+build.77_rc-1")),
                accept(
                        "artifact of 512 characters",
                        CANARY,
                        d -> d.put("artifact", "r/" + "a".repeat(510))),
                accept(
                        "requestedBy with accents and spaces",
                        CANARY,
                        d -> d.put("requestedBy", "Zoë Müller (release captain)")),
                accept(
                        "requestedBy of 1024 characters",
                        CANARY,
                        d -> d.put("requestedBy", "c".repeat(1024))),
                accept(
                        "every metric and comparison in success criteria",
                        CANARY,
                        d ->
                                criteria(d, 0)
                                        .put("error_rate", "<=1%")
                                        .put("response_time", "<0.5s")
                                        .put("response_time_p95", "<800ms")
                                        .put("response_time_p99", "<=1200.5ms")
                                        .put("health_check_success_rate", ">=99.9%")),
                accept("no success criteria", CANARY, d -> phase(d, 1).remove("success_criteria")),
                accept(
                        "null success criteria",
                        CANARY,
                        d -> phase(d, 1).putNull("success_criteria")),
                accept(
                        "null duration on the full rollout",
                        CANARY,
                        d -> phase(d, 2).putNull("duration")),
                accept("50 phases", CANARY, d -> phases(d, 50)),
                accept("20 triggers", CANARY, d -> triggers(d, 20)),
                accept(
                        "trigger threshold with a comparison",
                        CANARY,
                        d -> trigger(d, 1).put("threshold", ">1s")),
                accept(
                        "rollback without rollback_strategy",
                        CANARY,
                        d -> ((ObjectNode) d.get("rollback")).remove("rollback_strategy")),
                accept(
                        "null rollback_strategy",
                        CANARY,
                        d -> ((ObjectNode) d.get("rollback")).putNull("rollback_strategy")),
                accept(
                        "rollback_strategy with only its method",
                        CANARY,
                        d -> rollbackStrategy(d).putNull("timeout").remove("verification_delay")),
                accept(
                        "haproxy socket instead of address",
                        CANARY,
                        d -> target(d).put("socket", "/run/haproxy/admin.sock").remove("address")),
                accept(
                        "haproxy address with a null socket",
                        CANARY,
                        d -> target(d).putNull("socket")),
                accept(
                        "haproxy address by host name",
                        CANARY,
                        d -> target(d).put("address", "haproxy.internal:9999")),
                accept(
                        "blue-green without environments",
                        BLUE_GREEN,
                        d -> ((ObjectNode) d.get("deployment")).remove("environments")),
                accept(
                        "blue-green with null environments",
                        BLUE_GREEN,
                        d -> ((ObjectNode) d.get("deployment")).putNull("environments")),
                accept(
                        "colours with only some references",
                        BLUE_GREEN,
                        d -> {
                            ((ObjectNode) d.at("/deployment/environments/blue"))
                                    .remove("auto_scaling_group");
                            ((ObjectNode) d.at("/deployment/environments/green"))
                                    .putNull("auto_scaling_group");
                        }),
                accept(
                        "weights at their limits",
                        BLUE_GREEN,
                        d ->
                                shifting(d)
                                        .put("initial_weight", 99)
                                        .put("increment", 100)
                                        .put("rollback_threshold", 0)),
                accept(
                        "null rollback_threshold",
                        BLUE_GREEN,
                        d -> shifting(d).putNull("rollback_threshold")),
                accept(
                        "ALB rule and GovCloud role",
                        BLUE_GREEN,
                        d ->
                                target(d)
                                        .put(
                                                "ruleArn",
                                                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/"
                                                        + "app-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee")
                                        .put(
                                                "roleArn",
                                                "arn:aws-us-gov:iam::123456789012:role/stride-executor")),
                accept(
                        "ECS target without container",
                        BLUE_GREEN,
                        d ->
                                d.putObject("target")
                                        .put("platform", "aws-ecs")
                                        .put("region", "us-gov-west-1")
                                        .put("cluster", "shop-prod")
                                        .put("service", "app.v2_blue")),
                accept(
                        "kubernetes ingress and a dotted deployment name",
                        ROLLING,
                        d ->
                                target(d)
                                        .put("deployment", "myapp.v2")
                                        .put("ingress", "myapp-public")
                                        .putNull("service")),
                accept(
                        "rolling limits",
                        ROLLING,
                        d -> {
                            ((ObjectNode) d.get("deployment"))
                                    .put("batch_size", 10_000)
                                    .put("max_unavailable", 0);
                            healthCheck(d)
                                    .put("healthy_threshold", 100)
                                    .put("unhealthy_threshold", 1)
                                    .put("timeout", "1m30s")
                                    .put("interval", "500ms");
                        }),
                // checks: every part optional
                accept("checks with only pre", CANARY, d -> checks(d).remove("post")),
                accept(
                        "checks with only post feature flags",
                        CANARY,
                        d -> {
                            checks(d).remove("pre");
                            post(d).remove(List.of("endpoints", "error_rate", "response_time_p95"));
                        }),
                accept("empty checks", CANARY, d -> d.putObject("checks")),
                accept("null pre and post", CANARY, d -> checks(d).putNull("pre").putNull("post")),
                accept(
                        "every optional checks field null",
                        CANARY,
                        d -> {
                            health(d).putNull("expected_status");
                            database(d).putNull("port");
                            pre(d).putNull("dependencies");
                            post(d).putNull("endpoints")
                                    .putNull("error_rate")
                                    .putNull("response_time_p95")
                                    .putNull("feature_flags");
                        }),
                accept(
                        "null health and database",
                        CANARY,
                        d -> pre(d).putNull("health").putNull("database")),
                accept(
                        "empty dependencies and endpoints",
                        CANARY,
                        d -> {
                            pre(d).putArray("dependencies");
                            post(d).putArray("endpoints");
                        }),
                accept(
                        "checks limits",
                        CANARY,
                        d -> {
                            health(d)
                                    .put("url", "https://" + "a".repeat(1016))
                                    .put("expected_status", 599);
                            database(d).put("host", "DB-01.Shop.internal").put("port", 65_535);
                            urls(pre(d).putArray("dependencies"), 20);
                            urls(post(d).putArray("endpoints"), 20);
                            post(d).put("error_rate", "<=0.5%").put("response_time_p95", "<1.5s");
                            flagNames(
                                    flags(d).put(
                                                    "url",
                                                    "http://localhost:8080/flags/{flag}?env=prod")
                                            .putArray("required"),
                                    50);
                        }),
                accept(
                        "the lowest status, port and a database by address",
                        CANARY,
                        d -> {
                            health(d).put("expected_status", 100);
                            database(d).put("host", "10.0.0.5").put("port", 1);
                        }),
                accept(
                        "feature flag names of 128 characters with '_', '.' and '-'",
                        CANARY,
                        d -> flags(d).putArray("required").add("f".repeat(128)).add("_beta.v2-x")),
                accept(
                        "unknown fields inside checks",
                        CANARY,
                        d -> {
                            health(d).put("timeout", "5s");
                            flags(d).put("token_header", "X-Flags-Token");
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void whatThePlannerAcceptsPassesTheSchema(
            String name, String fixture, Consumer<ObjectNode> change) {
        ObjectNode event = Fixtures.load(fixture);
        change.accept(Fixtures.data(event));

        assertThat(SCHEMAS.validate(event)).isEmpty();
    }

    /**
     * Rules across fields, and a few on values, are the planner's alone (asyncapi.yaml lists them): an event that
     * breaks only those passes the schema, so that the planner's dead-letter reason names the rule.
     */
    static Stream<Arguments> leftToThePlanner() {
        return Stream.of(
                accept(
                        "last phase below 100%",
                        CANARY,
                        d -> phase(d, 2).put("traffic_percentage", 50).put("duration", "5m")),
                accept(
                        "weights not increasing",
                        CANARY,
                        d -> phase(d, 1).put("traffic_percentage", 5)),
                accept(
                        "a phase before the last without duration",
                        CANARY,
                        d -> phase(d, 1).remove("duration")),
                accept("two phases with one name", CANARY, d -> phase(d, 1).put("name", "initial")),
                accept(
                        "two triggers with one name",
                        CANARY,
                        d -> trigger(d, 1).put("name", "high_error_rate")),
                accept(
                        "error rate in milliseconds",
                        CANARY,
                        d -> criteria(d, 0).put("error_rate", "<5ms")),
                accept(
                        "response time in percent",
                        CANARY,
                        d -> trigger(d, 1).put("threshold", "50%")),
                accept(
                        "a percentage above 100",
                        CANARY,
                        d -> trigger(d, 2).put("threshold", "150%")),
                accept("a duration of zero", CANARY, d -> trigger(d, 0).put("duration", "0m0s")),
                accept(
                        "the same HAProxy server twice",
                        CANARY,
                        d -> target(d).put("canaryServer", "stable")),
                accept(
                        "a checks error rate above 100%",
                        CANARY, d -> post(d).put("error_rate", "<150%")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("leftToThePlanner")
    void rulesLeftToThePlannerPassTheSchema(
            String name, String fixture, Consumer<ObjectNode> change) {
        ObjectNode event = Fixtures.load(fixture);
        change.accept(Fixtures.data(event));

        assertThat(SCHEMAS.validate(event)).isEmpty();
    }

    /** The runbook's migration as the request's database block (dev.stride.events.spec.DatabaseMigration). */
    private static ObjectNode withDatabase() {
        ObjectNode event = Fixtures.load(CANARY);
        ObjectNode database = Fixtures.data(event).putObject("database");
        database.put("url", "jdbc:postgresql://db.shop.internal:5432/checkout");
        database.putObject("credentials")
                .put("username", "checkout_app")
                .put("password_env", "CHECKOUT_DB_PASSWORD");
        database.putObject("scripts").put("directory", "/srv/checkout/migrations");
        ArrayNode migrations = database.putArray("migrations");
        migrations.addObject().put("version", "2").put("kind", "expand");
        migrations.addObject().put("version", "3").put("kind", "contract");
        database.putObject("backup").put("directory", "/var/backups/stride");
        database.putObject("flyway").putArray("schemas").add("public");
        database.put("timeout", "20m");
        return event;
    }

    @Test
    void aDatabaseBlockPassesTheSchemaAndItsBrokenFieldsAreNamed() {
        assertThat(SCHEMAS.validate(withDatabase())).isEmpty();

        ObjectNode kind = withDatabase();
        ((ObjectNode) Fixtures.data(kind).at("/database/migrations/0")).put("kind", "migrate");
        assertThat(SCHEMAS.validate(kind))
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m).startsWith("$.data.database.migrations[0].kind: "));

        ObjectNode url = withDatabase();
        ((ObjectNode) Fixtures.data(url).path("database"))
                .put("url", "jdbc:postgresql://db/x?user=a");
        assertThat(SCHEMAS.validate(url))
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m).startsWith("$.data.database.url: "));
    }

    @Test
    void anInlineDatabasePasswordIsRefusedByTheSchema() {
        for (String name : List.of("password", "pass", "pwd")) {
            ObjectNode event = withDatabase();
            ((ObjectNode) Fixtures.data(event).at("/database/credentials"))
                    .put(name, "made-up-" + java.util.UUID.randomUUID());

            assertThat(SCHEMAS.validate(event))
                    .as(name)
                    .isNotEmpty()
                    .allSatisfy(m -> assertThat(m).startsWith("$.data.database.credentials"));
        }
    }

    @Test
    void theMetricEnumIsTheCatalogue() {
        JsonNode metric =
                Fixtures.read("schemas/common.schema.json")
                        .path("$defs")
                        .path("metric")
                        .path("enum");
        List<String> names = new ArrayList<>();
        metric.forEach(n -> names.add(n.asText()));

        assertThat(names)
                .containsExactlyElementsOf(
                        Arrays.stream(Metric.values()).map(Metric::wireName).toList());
    }

    private static Arguments reject(
            String name, String fixture, Consumer<ObjectNode> change, String field) {
        return Arguments.of(name, fixture, change, field);
    }

    private static Arguments accept(String name, String fixture, Consumer<ObjectNode> change) {
        return Arguments.of(name, fixture, change);
    }

    private static ObjectNode target(ObjectNode data) {
        return (ObjectNode) data.get("target");
    }

    private static ObjectNode phase(ObjectNode data, int index) {
        return (ObjectNode) data.at("/deployment/phases/" + index);
    }

    private static ObjectNode criteria(ObjectNode data, int phase) {
        return (ObjectNode) phase(data, phase).get("success_criteria");
    }

    private static ObjectNode trigger(ObjectNode data, int index) {
        return (ObjectNode) data.at("/rollback/triggers/" + index);
    }

    private static ObjectNode rollbackStrategy(ObjectNode data) {
        return (ObjectNode) data.at("/rollback/rollback_strategy");
    }

    private static ObjectNode shifting(ObjectNode data) {
        return (ObjectNode) data.at("/deployment/traffic_shifting");
    }

    private static ObjectNode healthCheck(ObjectNode data) {
        return (ObjectNode) data.at("/deployment/health_check");
    }

    private static ObjectNode checks(ObjectNode data) {
        return (ObjectNode) data.get("checks");
    }

    private static ObjectNode pre(ObjectNode data) {
        return (ObjectNode) data.at("/checks/pre");
    }

    private static ObjectNode health(ObjectNode data) {
        return (ObjectNode) data.at("/checks/pre/health");
    }

    private static ObjectNode database(ObjectNode data) {
        return (ObjectNode) data.at("/checks/pre/database");
    }

    private static ObjectNode post(ObjectNode data) {
        return (ObjectNode) data.at("/checks/post");
    }

    private static ObjectNode flags(ObjectNode data) {
        return (ObjectNode) data.at("/checks/post/feature_flags");
    }

    /** Fills {@code list} with {@code count} distinct URLs. */
    private static void urls(ArrayNode list, int count) {
        for (int i = 1; i <= count; i++) {
            list.add("https://service-" + i + ".example.com/health");
        }
    }

    /** Fills {@code list} with {@code count} distinct flag names. */
    private static void flagNames(ArrayNode list, int count) {
        for (int i = 1; i <= count; i++) {
            list.add("flag_" + i);
        }
    }

    /** Replaces the phases with {@code count} that the planner would accept: increasing weights, the last 100%. */
    private static void phases(ObjectNode data, int count) {
        ArrayNode phases = ((ObjectNode) data.get("deployment")).putArray("phases");
        for (int i = 1; i < count; i++) {
            phases.addObject()
                    .put("name", "step-" + i)
                    .put("traffic_percentage", i * 98 / count + 1)
                    .put("duration", "2m")
                    .putObject("success_criteria")
                    .put("error_rate", "<1%");
        }
        phases.addObject().put("name", "full-rollout").put("traffic_percentage", 100);
    }

    /** Replaces the triggers with {@code count} distinct ones the planner would accept. */
    private static void triggers(ObjectNode data, int count) {
        ArrayNode triggers = ((ObjectNode) data.get("rollback")).putArray("triggers");
        for (int i = 1; i <= count; i++) {
            triggers.addObject()
                    .put("name", "error-rate-above-" + i + "pct")
                    .put("metric", "error_rate")
                    .put("threshold", i + "%")
                    .put("duration", "5m")
                    .put("action", i <= 2 ? "alert" : "automatic_rollback");
        }
    }
}
