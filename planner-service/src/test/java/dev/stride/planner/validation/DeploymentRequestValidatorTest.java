package dev.stride.planner.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.check.Violation;
import dev.stride.planner.Requests;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeploymentRequestValidatorTest {

    private final DeploymentRequestValidator validator = new DeploymentRequestValidator();

    @ParameterizedTest
    @ValueSource(strings = {"canary", "blue-green", "rolling"})
    void acceptsTheRunbooksBlocksAsWritten(String name) {
        assertThat(validator.validate(Requests.json(name))).isEmpty();
    }

    @Test
    void listsEveryProblemWithItsField() {
        ObjectNode doc = Requests.json("canary");
        doc.remove("application");
        Requests.phase(doc, 0).put("traffic_percentage", 150);
        Requests.phase(doc, 1).put("duration", "15 minutes");
        Requests.trigger(doc, 2).put("action", "panic");

        List<Violation> violations = validator.validate(doc);

        assertThat(violations)
                .extracting(Violation::field)
                .containsExactlyInAnyOrder(
                        "application",
                        "deployment.phases[0].traffic_percentage",
                        "deployment.phases[1].duration",
                        "rollback.triggers[2].action");
        assertThat(violations)
                .filteredOn(v -> v.field().equals("deployment.phases[0].traffic_percentage"))
                .extracting(Violation::message)
                .containsExactly("must be from 1 to 100, not 150");
    }

    @Test
    void suggestsTheFieldATypoMeant() {
        ObjectNode doc = Requests.json("canary");
        Requests.phase(doc, 0)
                .set("traffic_percantage", Requests.phase(doc, 0).remove("traffic_percentage"));

        assertThat(validator.validate(doc))
                .contains(
                        new Violation(
                                "deployment.phases[0].traffic_percantage",
                                "unknown field; did you mean 'traffic_percentage'?"),
                        new Violation("deployment.phases[0].traffic_percentage", "is required"));
    }

    @Test
    void theLastCanaryPhaseMustReachFullTraffic() {
        ObjectNode doc = Requests.json("canary");
        Requests.phase(doc, 2).put("traffic_percentage", 60).put("duration", "5m");

        assertThat(validator.validate(doc))
                .containsExactly(
                        new Violation(
                                "deployment.phases[2].traffic_percentage",
                                "the last phase must send 100% of traffic to the new version, not 60"));
    }

    @Test
    void aBareTriggerLevelIsFineButCriteriaNeedAComparison() {
        ObjectNode doc = Requests.json("canary");
        ((ObjectNode) Requests.phase(doc, 0).path("success_criteria")).put("error_rate", "1%");

        assertThat(validator.validate(doc))
                .containsExactly(
                        new Violation(
                                "deployment.phases[0].success_criteria.error_rate",
                                "must say which side passes, e.g. \"<1%\" or \"<500ms\""));
    }

    @Test
    void thresholdUnitsMustFitTheMetric() {
        ObjectNode doc = Requests.json("canary");
        Requests.trigger(doc, 1).put("threshold", "5%");

        assertThat(validator.validate(doc))
                .extracting(Violation::field)
                .containsExactly("rollback.triggers[1].threshold");
    }

    @Test
    void errorsPerMinuteAreCountedPerMinuteAndNoOtherUnitFitsThem() {
        ObjectNode doc = Requests.json("canary");
        Requests.trigger(doc, 0).put("metric", "errors_per_minute").put("threshold", "10/min");
        Requests.trigger(doc, 1).put("metric", "errors_per_minute").put("threshold", "5%");

        assertThat(validator.validate(doc))
                .extracting(Violation::field, Violation::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "rollback.triggers[1].threshold",
                                "errors_per_minute is measured in a count per minute (e.g. \"10/min\")"));
    }

    @Test
    void aTriggerMayNotTakeTheNameTheRollbackThresholdTriggerHas() {
        ObjectNode doc = Requests.json("canary");
        Requests.trigger(doc, 1).put("name", "traffic_shifting.rollback_threshold");

        assertThat(validator.validate(doc))
                .extracting(Violation::field)
                .containsExactly("rollback.triggers[1].name");
    }

    @Test
    void kafkaAdmissionIgnoresFieldsItDoesNotKnowButKeepsEveryRule() {
        ObjectNode doc = Requests.json("canary");
        doc.put("changeTicket", "CHG-1234");
        Requests.phase(doc, 0).put("owner", "team-checkout");

        assertThat(validator.validate(doc, true)).isEmpty();
        assertThat(validator.validate(doc))
                .extracting(Violation::field)
                .containsExactlyInAnyOrder("changeTicket", "deployment.phases[0].owner");

        Requests.phase(doc, 1).put("traffic_percentage", 2);
        assertThat(validator.validate(doc, true))
                .extracting(Violation::field)
                .containsExactly("deployment.phases[1].traffic_percentage");
    }

    static Stream<Arguments> checksLeftOut() {
        return Stream.of(
                change("no checks", d -> d.remove("checks")),
                change("null checks", d -> d.putNull("checks")),
                change("empty checks", d -> d.putObject("checks")),
                change("only pre", d -> checks(d).remove("post")),
                change(
                        "only post feature flags",
                        d -> {
                            checks(d).remove("pre");
                            post(d).remove(List.of("endpoints", "error_rate", "response_time_p95"));
                        }),
                change("null pre and post", d -> checks(d).putNull("pre").putNull("post")),
                change(
                        "every optional field null",
                        d -> {
                            health(d).putNull("expected_status");
                            database(d).putNull("port");
                            pre(d).putNull("dependencies");
                            post(d).putNull("endpoints")
                                    .putNull("error_rate")
                                    .putNull("response_time_p95")
                                    .putNull("feature_flags");
                        }),
                change(
                        "empty lists",
                        d -> {
                            pre(d).putArray("dependencies");
                            post(d).putArray("endpoints");
                        }));
    }

    @Test
    void aHealthCheckNeedsItsUrlAndADatabaseCheckItsHost() {
        ObjectNode doc = Requests.json("canary");
        health(doc).remove("url");
        database(doc).putNull("host");

        assertThat(validator.validate(doc))
                .extracting(Violation::field)
                .containsExactlyInAnyOrder("checks.pre.health.url", "checks.pre.database.host");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checksLeftOut")
    void everyPartOfTheChecksIsOptional(String name, Consumer<ObjectNode> change) {
        ObjectNode doc = Requests.json("canary");
        change.accept(doc);

        assertThat(validator.validate(doc)).isEmpty();
    }

    @Test
    void checksAtTheirLimitsAreAccepted() {
        ObjectNode doc = Requests.json("canary");
        health(doc).put("url", "https://" + "a".repeat(1016)).put("expected_status", 599);
        database(doc).put("host", "DB-01.Shop.internal").put("port", 65_535);
        urls(pre(doc).putArray("dependencies"), 20);
        urls(post(doc).putArray("endpoints"), 20);
        post(doc).put("error_rate", "<=100%").put("response_time_p95", ">=1.5s");
        ArrayNode names =
                flags(doc)
                        .put("url", "http://localhost:8080/flags/{flag}?env=prod")
                        .putArray("required");
        for (int i = 0; i < 49; i++) {
            names.add("flag_" + i);
        }
        names.add("F".repeat(128));
        assertThat(validator.validate(doc)).isEmpty();

        health(doc).put("expected_status", 100);
        database(doc).put("host", "10.0.0.5").put("port", 1);
        flags(doc).putArray("required").add("-.beta_");
        assertThat(validator.validate(doc)).isEmpty();
    }

    static Stream<Arguments> brokenChecks() {
        String urlRule = "must be an http or https URL without spaces";
        String comparison = "must say which side passes, e.g. \"<1%\" or \"<500ms\"";
        String flagRule =
                "must be a flag name of letters, digits, '.', '_' or '-' (at most 128 characters)";
        return Stream.of(
                broken(
                        "checks that is a string",
                        d -> d.put("checks", "yes"),
                        "checks",
                        "must be an object, got a string"),
                broken(
                        "pre that is a list",
                        d -> checks(d).putArray("pre"),
                        "checks.pre",
                        "must be an object, got a list"),
                broken(
                        "ftp health url",
                        d -> health(d).put("url", "ftp://checkout.shop.example.com/health"),
                        "checks.pre.health.url",
                        urlRule),
                broken(
                        "health url without scheme",
                        d -> health(d).put("url", "checkout.shop.example.com/health"),
                        "checks.pre.health.url",
                        urlRule),
                broken(
                        "health url with a space",
                        d -> health(d).put("url", "https://checkout.example.com/he alth"),
                        "checks.pre.health.url",
                        urlRule),
                broken(
                        "health url with a no-break space",
                        d -> health(d).put("url", "https://checkout.example.com/\u00a0health"),
                        "checks.pre.health.url",
                        urlRule),
                broken(
                        "health url with a tab",
                        d -> health(d).put("url", "https://checkout.example.com/\thealth"),
                        "checks.pre.health.url",
                        "must not contain control characters"),
                broken(
                        "health url of 1025 characters",
                        d -> health(d).put("url", "https://" + "a".repeat(1017)),
                        "checks.pre.health.url",
                        "must be at most 1024 characters"),
                broken(
                        "expected_status 99",
                        d -> health(d).put("expected_status", 99),
                        "checks.pre.health.expected_status",
                        "must be from 100 to 599, not 99"),
                broken(
                        "expected_status 600",
                        d -> health(d).put("expected_status", 600),
                        "checks.pre.health.expected_status",
                        "must be from 100 to 599, not 600"),
                broken(
                        "expected_status as a string",
                        d -> health(d).put("expected_status", "200"),
                        "checks.pre.health.expected_status",
                        "must be a whole number from 100 to 599, got a string"),
                broken(
                        "database host with '_'",
                        d -> database(d).put("host", "db_shop"),
                        "checks.pre.database.host",
                        "must be a host name of letters, digits, '-' and '.', starting and ending with a letter or "
                                + "digit (at most 253 characters)"),
                broken(
                        "database port 0",
                        d -> database(d).put("port", 0),
                        "checks.pre.database.port",
                        "must be from 1 to 65535, not 0"),
                broken(
                        "database port 65536",
                        d -> database(d).put("port", 65_536),
                        "checks.pre.database.port",
                        "must be from 1 to 65535, not 65536"),
                broken(
                        "post-deployment database without host",
                        d -> post(d).putObject("database").put("port", 5432),
                        "checks.post.database.host",
                        "is required"),
                broken(
                        "post-deployment database port 0",
                        d -> post(d).putObject("database").put("host", "db").put("port", 0),
                        "checks.post.database.port",
                        "must be from 1 to 65535, not 0"),
                broken(
                        "21 dependencies",
                        d -> urls(pre(d).putArray("dependencies"), 21),
                        "checks.pre.dependencies",
                        "must hold at most 20 URLs"),
                broken(
                        "a dependency that is not a URL",
                        d -> ((ArrayNode) pre(d).get("dependencies")).set(1, "payments"),
                        "checks.pre.dependencies[1]",
                        urlRule),
                broken(
                        "a null endpoint",
                        d -> ((ArrayNode) post(d).get("endpoints")).setNull(0),
                        "checks.post.endpoints[0]",
                        "must be a string, got null"),
                broken(
                        "endpoints that is a string",
                        d -> post(d).put("endpoints", "https://api.example.com/health"),
                        "checks.post.endpoints",
                        "must be a list, got a string"),
                broken(
                        "21 endpoints",
                        d -> urls(post(d).putArray("endpoints"), 21),
                        "checks.post.endpoints",
                        "must hold at most 20 URLs"),
                broken(
                        "error_rate without comparison",
                        d -> post(d).put("error_rate", "1%"),
                        "checks.post.error_rate",
                        comparison),
                broken(
                        "error_rate in milliseconds",
                        d -> post(d).put("error_rate", "<5ms"),
                        "checks.post.error_rate",
                        "error_rate is measured in percent (e.g. \"5%\")"),
                broken(
                        "error_rate above 100%",
                        d -> post(d).put("error_rate", "<150%"),
                        "checks.post.error_rate",
                        "must be a percentage from 0% to 100%"),
                broken(
                        "error_rate in words",
                        d -> post(d).put("error_rate", "one percent"),
                        "checks.post.error_rate",
                        "must be a threshold such as \"<1%\", \"<500ms\", \"5%\", \"1000ms\" or \"10/min\""),
                broken(
                        "response_time_p95 in percent",
                        d -> post(d).put("response_time_p95", "<5%"),
                        "checks.post.response_time_p95",
                        "response_time_p95 is measured in time (e.g. \"500ms\")"),
                broken(
                        "response_time_p95 without comparison",
                        d -> post(d).put("response_time_p95", "500ms"),
                        "checks.post.response_time_p95",
                        comparison),
                broken(
                        "feature flag url without {flag}",
                        d -> flags(d).put("url", "http://feature-flags-service/api/flags"),
                        "checks.post.feature_flags.url",
                        "must contain {flag} where each flag's name goes"),
                broken(
                        "feature flag url that is not http",
                        d -> flags(d).put("url", "flags://service/{flag}"),
                        "checks.post.feature_flags.url",
                        urlRule),
                broken(
                        "feature flags without url",
                        d -> flags(d).remove("url"),
                        "checks.post.feature_flags.url",
                        "is required"),
                broken(
                        "feature flags without required",
                        d -> flags(d).putNull("required"),
                        "checks.post.feature_flags.required",
                        "is required"),
                broken(
                        "no feature flag names",
                        d -> flags(d).putArray("required"),
                        "checks.post.feature_flags.required",
                        "must hold from 1 to 50 flag names"),
                broken(
                        "51 feature flag names",
                        d -> {
                            ArrayNode names = flags(d).putArray("required");
                            for (int i = 0; i < 51; i++) {
                                names.add("flag_" + i);
                            }
                        },
                        "checks.post.feature_flags.required",
                        "must hold from 1 to 50 flag names"),
                broken(
                        "feature flag name with a space",
                        d -> ((ArrayNode) flags(d).get("required")).set(1, "payment processing"),
                        "checks.post.feature_flags.required[1]",
                        flagRule),
                broken(
                        "feature flag name of 129 characters",
                        d -> ((ArrayNode) flags(d).get("required")).set(0, "f".repeat(129)),
                        "checks.post.feature_flags.required[0]",
                        flagRule),
                broken(
                        "feature flag name that is a number",
                        d -> ((ArrayNode) flags(d).get("required")).set(2, 7),
                        "checks.post.feature_flags.required[2]",
                        "must be a string, got a whole number (in YAML, put it in quotes)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenChecks")
    void aBrokenCheckIsNamedByItsPath(
            String name, Consumer<ObjectNode> change, String field, String message) {
        ObjectNode doc = Requests.json("canary");
        change.accept(doc);

        assertThat(validator.validate(doc)).containsExactly(new Violation(field, message));
        assertThat(validator.validate(doc, true)).containsExactly(new Violation(field, message));
    }

    static Stream<Arguments> kubernetesRouters() {
        String objectName =
                "must be a Kubernetes object name (lowercase letters, digits, '-' and '.')";
        return Stream.of(
                broken(
                        "ingress and httpRoute",
                        d ->
                                k8s(d).put("service", "checkout")
                                        .put("ingress", "checkout")
                                        .put("httpRoute", "checkout"),
                        "target.httpRoute",
                        "give either ingress or httpRoute as the router, not both"),
                broken(
                        "httpRoute without service",
                        d -> k8s(d).put("httpRoute", "checkout"),
                        "target.service",
                        "is required with target.httpRoute (the router sends the stable share to it)"),
                broken(
                        "ingress without service",
                        d -> k8s(d).put("ingress", "checkout"),
                        "target.service",
                        "is required with target.ingress (the router sends the stable share to it)"),
                broken(
                        "httpRoute with capitals",
                        d -> k8s(d).put("service", "checkout").put("httpRoute", "Checkout"),
                        "target.httpRoute",
                        objectName),
                broken(
                        "maintenanceMode as a string",
                        d ->
                                k8s(d).put("service", "checkout")
                                        .put("ingress", "checkout")
                                        .put("maintenanceMode", "yes"),
                        "target.maintenanceMode",
                        "must be true or false"),
                broken(
                        "maintenanceMode without ingress",
                        d -> k8s(d).put("maintenanceMode", true),
                        "target.maintenanceMode",
                        "needs target.ingress: the annotation goes on it"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubernetesRouters")
    void aKubernetesTargetHasAtMostOneRouterAndItsService(
            String name, Consumer<ObjectNode> change, String field, String message) {
        ObjectNode doc = Requests.json("canary");
        change.accept(doc);

        assertThat(validator.validate(doc)).containsExactly(new Violation(field, message));
    }

    @Test
    void aVerificationDelayIsADurationNoLongerThanTheRollbackTimeout() {
        ObjectNode doc = Requests.json("canary");
        ObjectNode strategy = (ObjectNode) doc.at("/rollback/rollback_strategy");
        // The runbook's own block: timeout 10m, verification_delay 2m.
        strategy.put("verification_delay", "2m");
        assertThat(validator.validate(doc)).isEmpty();
        strategy.put("verification_delay", "10m");
        assertThat(validator.validate(doc)).isEmpty();

        strategy.put("verification_delay", "11m");
        assertThat(validator.validate(doc))
                .containsExactly(
                        new Violation(
                                "rollback.rollback_strategy.verification_delay",
                                "must not be longer than rollback.rollback_strategy.timeout (600s)"));
        strategy.remove("timeout");
        strategy.put("verification_delay", "2h");
        assertThat(validator.validate(doc))
                .containsExactly(
                        new Violation(
                                "rollback.rollback_strategy.verification_delay",
                                "must be at most 1h (stable is verified within the hour)"));
        for (String bad : new String[] {"soon", "0s", "2"}) {
            strategy.put("verification_delay", bad);
            assertThat(validator.validate(doc))
                    .as(bad)
                    .extracting(Violation::field)
                    .containsExactly("rollback.rollback_strategy.verification_delay");
        }
        strategy.putNull("verification_delay");
        assertThat(validator.validate(doc)).isEmpty();
    }

    @Test
    void aStrategyTheTargetsPlatformCannotRunIsRefusedAtAdmission() {
        ObjectNode rollingOnHaproxy = Requests.json("rolling");
        rollingOnHaproxy
                .putObject("target")
                .put("platform", "haproxy")
                .put("socket", "/run/haproxy/admin.sock")
                .put("backend", "inventory")
                .put("stableServer", "stable")
                .put("canaryServer", "canary");
        ObjectNode canaryOnEcs = Requests.json("canary");
        canaryOnEcs
                .putObject("target")
                .put("platform", "aws-ecs")
                .put("region", "us-east-1")
                .put("cluster", "production")
                .put("service", "checkout");
        ObjectNode rollingOnEcsWithAHealthCheck = Requests.json("rolling");
        rollingOnEcsWithAHealthCheck.set("target", canaryOnEcs.get("target"));
        ObjectNode blueGreenWithoutTargetGroups = Requests.json("blue-green");
        ((ObjectNode) blueGreenWithoutTargetGroups.get("deployment")).remove("environments");

        assertThat(validator.validate(rollingOnHaproxy))
                .extracting(Violation::field)
                .containsExactly("deployment.strategy");
        assertThat(validator.validate(canaryOnEcs))
                .extracting(Violation::field)
                .containsExactly("deployment.strategy");
        assertThat(validator.validate(rollingOnEcsWithAHealthCheck))
                .extracting(Violation::field)
                .containsExactly("deployment.health_check");
        ((ObjectNode) rollingOnEcsWithAHealthCheck.get("deployment")).remove("health_check");
        assertThat(validator.validate(rollingOnEcsWithAHealthCheck)).isEmpty();
        assertThat(validator.validate(blueGreenWithoutTargetGroups))
                .extracting(Violation::field)
                .containsExactly(
                        "deployment.environments.blue.target_group",
                        "deployment.environments.green.target_group");
    }

    @Test
    void aKubernetesBlueGreenNeedsItsServiceAndARouterForItsSteps() {
        ObjectNode doc = Requests.json("blue-green");
        doc.set("target", Requests.json("canary").get("target"));

        assertThat(validator.validate(doc))
                .containsExactlyInAnyOrder(
                        new Violation(
                                "target.service",
                                "is required for a blue-green on kubernetes: its selector picks the colour"),
                        new Violation(
                                "target.ingress",
                                "a blue-green on kubernetes with steps below 100% needs a router: "
                                        + "name target.ingress or target.httpRoute, or set traffic_shifting.increment to 100"));

        k8s(doc).put("service", "checkout").put("httpRoute", "checkout");
        assertThat(validator.validate(doc)).isEmpty();

        k8s(doc).remove("httpRoute");
        ((ObjectNode) doc.path("deployment").path("traffic_shifting"))
                .put("initial_weight", 0)
                .put("increment", 100);
        assertThat(validator.validate(doc)).isEmpty();
    }

    @Test
    void aKubernetesTargetMayNameAGatewayRouteOrAskForMaintenanceMode() {
        ObjectNode routed = Requests.json("canary");
        k8s(routed).put("service", "checkout").put("httpRoute", "checkout");
        ObjectNode maintained = Requests.json("canary");
        k8s(maintained)
                .put("service", "checkout")
                .put("ingress", "checkout")
                .put("maintenanceMode", true);

        assertThat(validator.validate(routed)).isEmpty();
        assertThat(validator.validate(maintained)).isEmpty();
    }

    @Test
    void unknownFieldsInTheChecksAreRefusedUnlessTolerated() {
        ObjectNode doc = Requests.json("canary");
        checks(doc).put("during", "nothing");
        pre(doc).set("helth", pre(doc).remove("health"));
        database(doc).put("user", "stride");
        post(doc).put("error_rates", "<1%");
        flags(doc).put("urls", "http://flags/{flag}");

        assertThat(validator.validate(doc))
                .containsExactlyInAnyOrder(
                        new Violation("checks.during", "unknown field"),
                        new Violation("checks.pre.helth", "unknown field; did you mean 'health'?"),
                        new Violation("checks.pre.database.user", "unknown field"),
                        new Violation(
                                "checks.post.error_rates",
                                "unknown field; did you mean 'error_rate'?"),
                        new Violation(
                                "checks.post.feature_flags.urls",
                                "unknown field; did you mean 'url'?"));
        assertThat(validator.validate(doc, true)).isEmpty();

        database(doc).put("port", 0);
        assertThat(validator.validate(doc, true))
                .extracting(Violation::field)
                .containsExactly("checks.pre.database.port");
    }

    private static Arguments change(String name, Consumer<ObjectNode> change) {
        return Arguments.of(name, change);
    }

    private static Arguments broken(
            String name, Consumer<ObjectNode> change, String field, String message) {
        return Arguments.of(name, change, field, message);
    }

    private static ObjectNode k8s(ObjectNode doc) {
        return (ObjectNode) doc.path("target");
    }

    private static ObjectNode checks(ObjectNode doc) {
        return (ObjectNode) doc.get("checks");
    }

    private static ObjectNode pre(ObjectNode doc) {
        return (ObjectNode) doc.at("/checks/pre");
    }

    private static ObjectNode health(ObjectNode doc) {
        return (ObjectNode) doc.at("/checks/pre/health");
    }

    private static ObjectNode database(ObjectNode doc) {
        return (ObjectNode) doc.at("/checks/pre/database");
    }

    private static ObjectNode post(ObjectNode doc) {
        return (ObjectNode) doc.at("/checks/post");
    }

    private static ObjectNode flags(ObjectNode doc) {
        return (ObjectNode) doc.at("/checks/post/feature_flags");
    }

    private static void urls(ArrayNode list, int count) {
        for (int i = 1; i <= count; i++) {
            list.add("https://service-" + i + ".example.com/health");
        }
    }
}
