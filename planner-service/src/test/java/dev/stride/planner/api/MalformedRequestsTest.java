package dev.stride.planner.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.planner.Requests;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A corpus of requests CI could get wrong. Each must get a 4xx problem document naming what is wrong, none a
 * 5xx, nothing may be stored, and the service must stay healthy afterwards.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class MalformedRequestsTest {

    @org.junit.jupiter.api.BeforeEach
    void caller() {
        // CI's token; tests about who may do what send their own.
        Callers.actAs("ci", "stride-admin");
    }

    private static final String JSON = "application/json";
    private static final String YAML = "application/yaml";

    /** One bad request: what it sends and what the problem must say. */
    record Case(String name, String contentType, byte[] body, int status, String field) {
        Case(String name, String contentType, String body, int status, String field) {
            this(
                    name,
                    contentType,
                    body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                    status,
                    field);
        }
    }

    /**
     * A client announcing a body far over the HTTP limit (20 MB) gets its 413 problem document while it is still
     * uploading, and the connection then closes: it is not left writing into a connection nobody reads.
     */
    @Test
    void aBodyOverTheHttpLimitGetsA413ProblemWhileTheClientIsStillUploading() throws Exception {
        try (java.net.Socket socket =
                new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(
                    ("POST /api/v1/deployments HTTP/1.1\r\nHost: localhost\r\n"
                                    + "Authorization: "
                                    + dev.stride.testing.TestTokens.bearer("ci", "stride-requester")
                                    + "\r\nContent-Type: application/json\r\nContent-Length: 20971520\r\n\r\n"
                                    + "{\"application\":\"")
                            .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]);
            out.flush();

            String answer =
                    new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 413 ");
            assertThat(answer.toLowerCase(java.util.Locale.ROOT))
                    .contains("content-type: application/problem+json")
                    .contains("connection: close");
            assertThat(answer)
                    .contains("\"status\":413")
                    .contains("the body is 20971520 bytes; at most 1048576 are accepted");
        }
    }

    static List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        // The deployment block.
        cases.add(
                canary(
                        "unknown strategy",
                        d -> ((ObjectNode) d.get("deployment")).put("strategy", "linear"),
                        "deployment.strategy"));
        cases.add(
                canary(
                        "weight above 100",
                        d -> Requests.phase(d, 0).put("traffic_percentage", 150),
                        "deployment.phases[0].traffic_percentage"));
        cases.add(
                canary(
                        "negative weight",
                        d -> Requests.phase(d, 0).put("traffic_percentage", -5),
                        "deployment.phases[0].traffic_percentage"));
        cases.add(
                canary(
                        "weight as text",
                        d -> Requests.phase(d, 1).put("traffic_percentage", "25%"),
                        "deployment.phases[1].traffic_percentage"));
        cases.add(
                canary(
                        "fractional weight",
                        d -> Requests.phase(d, 1).put("traffic_percentage", 25.5),
                        "deployment.phases[1].traffic_percentage"));
        cases.add(
                canary(
                        "phases never reach 100",
                        d ->
                                Requests.phase(d, 2)
                                        .put("traffic_percentage", 50)
                                        .put("duration", "5m"),
                        "deployment.phases[2].traffic_percentage"));
        cases.add(
                canary(
                        "weights go down",
                        d -> Requests.phase(d, 1).put("traffic_percentage", 3),
                        "deployment.phases[1].traffic_percentage"));
        cases.add(
                canary(
                        "no phases",
                        d -> ((ObjectNode) d.get("deployment")).putArray("phases"),
                        "deployment.phases"));
        cases.add(
                canary(
                        "phases not a list",
                        d -> ((ObjectNode) d.get("deployment")).putObject("phases"),
                        "deployment.phases"));
        cases.add(
                canary(
                        "duration in words",
                        d -> Requests.phase(d, 0).put("duration", "5 minutes"),
                        "deployment.phases[0].duration"));
        cases.add(
                canary(
                        "zero duration",
                        d -> Requests.phase(d, 0).put("duration", "0s"),
                        "deployment.phases[0].duration"));
        cases.add(
                canary(
                        "missing duration",
                        d -> Requests.phase(d, 0).remove("duration"),
                        "deployment.phases[0].duration"));
        cases.add(
                canary(
                        "threshold in words",
                        d ->
                                ((ObjectNode) Requests.phase(d, 0).get("success_criteria"))
                                        .put("error_rate", "<1 percent"),
                        "deployment.phases[0].success_criteria.error_rate"));
        cases.add(
                canary(
                        "threshold without unit",
                        d ->
                                ((ObjectNode) Requests.phase(d, 0).get("success_criteria"))
                                        .put("response_time", "<500"),
                        "deployment.phases[0].success_criteria.response_time"));
        cases.add(
                canary(
                        "latency criterion in percent",
                        d ->
                                ((ObjectNode) Requests.phase(d, 0).get("success_criteria"))
                                        .put("response_time", "<5%"),
                        "deployment.phases[0].success_criteria.response_time"));
        cases.add(
                canary(
                        "unknown criterion metric",
                        d ->
                                ((ObjectNode) Requests.phase(d, 0).get("success_criteria"))
                                        .put("happiness", ">90%"),
                        "deployment.phases[0].success_criteria.happiness"));
        cases.add(
                canary(
                        "misspelt phase field",
                        d ->
                                Requests.phase(d, 0)
                                        .set(
                                                "traffic_percantage",
                                                Requests.phase(d, 0).get("traffic_percentage")),
                        "deployment.phases[0].traffic_percantage"));
        // The rollback block.
        cases.add(
                canary(
                        "trigger threshold not a number",
                        d -> Requests.trigger(d, 0).put("threshold", "five%"),
                        "rollback.triggers[0].threshold"));
        cases.add(
                canary(
                        "trigger percentage over 100",
                        d -> Requests.trigger(d, 0).put("threshold", "500%"),
                        "rollback.triggers[0].threshold"));
        cases.add(
                canary(
                        "unknown trigger action",
                        d -> Requests.trigger(d, 0).put("action", "explode"),
                        "rollback.triggers[0].action"));
        cases.add(
                canary(
                        "unknown trigger metric",
                        d -> Requests.trigger(d, 1).put("metric", "cpu"),
                        "rollback.triggers[1].metric"));
        cases.add(
                canary(
                        "trigger duration unparsable",
                        d -> Requests.trigger(d, 2).put("duration", "forever"),
                        "rollback.triggers[2].duration"));
        cases.add(
                canary(
                        "unknown rollback method",
                        d ->
                                ((ObjectNode) d.path("rollback").path("rollback_strategy"))
                                        .put("method", "git_revert"),
                        "rollback.rollback_strategy.method"));
        // The request around it.
        cases.add(canary("missing application", d -> d.remove("application"), "application"));
        cases.add(canary("missing target", d -> d.remove("target"), "target"));
        cases.add(canary("missing deployment", d -> d.remove("deployment"), "deployment"));
        cases.add(canary("missing artifact", d -> d.remove("artifact"), "artifact"));
        cases.add(canary("version as a number", d -> d.put("version", 2.4), "version"));
        cases.add(canary("unknown environment", d -> d.put("environment", "prod"), "environment"));
        cases.add(
                canary(
                        "application with spaces",
                        d -> d.put("application", "Check Out"),
                        "application"));
        cases.add(canary("unknown top-level field", d -> d.put("strategy", "canary"), "strategy"));
        cases.add(
                canary(
                        "NUL in the artifact",
                        d -> d.put("artifact", "registry/app\u0000:1"),
                        "artifact"));
        cases.add(
                canary(
                        "newline in a phase name",
                        d -> Requests.phase(d, 0).put("name", "a\nb"),
                        "deployment.phases[0].name"));
        cases.add(
                canary(
                        "commit time without seconds",
                        d -> d.put("commitTime", "2026-11-20T10:00Z"),
                        "commitTime"));
        cases.add(
                canary(
                        "commit time with a five-digit year",
                        d -> d.put("commitTime", "+10000-01-01T00:00:00Z"),
                        "commitTime"));
        cases.add(
                json(
                        "rolling on aws-ecs with a health check ECS cannot run",
                        mutate(
                                "rolling",
                                d ->
                                        d.putObject("target")
                                                .put("platform", "aws-ecs")
                                                .put("region", "us-east-1")
                                                .put("cluster", "production")
                                                .put("service", "inventory")),
                        422,
                        "deployment.health_check"));
        cases.add(
                canary(
                        "commit time not a time",
                        d -> d.put("commitTime", "yesterday"),
                        "commitTime"));
        cases.add(canary("commit sha not hex", d -> d.put("commitSha", "not-a-sha"), "commitSha"));
        cases.add(
                canary(
                        "unknown platform",
                        d -> ((ObjectNode) d.get("target")).put("platform", "nomad"),
                        "target.platform"));
        cases.add(
                canary(
                        "kubernetes target without namespace",
                        d -> ((ObjectNode) d.get("target")).remove("namespace"),
                        "target.namespace"));
        cases.add(
                canary(
                        "haproxy target without socket or address",
                        d ->
                                d.putObject("target")
                                        .put("platform", "haproxy")
                                        .put("backend", "app")
                                        .put("stableServer", "a")
                                        .put("canaryServer", "b"),
                        "target.socket"));
        cases.add(canary("target is a string", d -> d.put("target", "kubernetes"), "target"));
        cases.add(
                json(
                        "blue-green increment of 0",
                        mutate(
                                "blue-green",
                                d ->
                                        ((ObjectNode) d.path("deployment").path("traffic_shifting"))
                                                .put("increment", 0)),
                        422,
                        "deployment.traffic_shifting.increment"));
        cases.add(
                json(
                        "blue-green initial weight 100",
                        mutate(
                                "blue-green",
                                d ->
                                        ((ObjectNode) d.path("deployment").path("traffic_shifting"))
                                                .put("initial_weight", 100)),
                        422,
                        "deployment.traffic_shifting.initial_weight"));
        cases.add(
                json(
                        "rolling batch of 0",
                        mutate(
                                "rolling",
                                d -> ((ObjectNode) d.get("deployment")).put("batch_size", 0)),
                        422,
                        "deployment.batch_size"));
        cases.add(
                json(
                        "rolling health check timeout without unit",
                        mutate(
                                "rolling",
                                d ->
                                        ((ObjectNode) d.path("deployment").path("health_check"))
                                                .put("timeout", "30")),
                        422,
                        "deployment.health_check.timeout"));
        // Bodies that are not documents at all.
        cases.add(new Case("empty body", JSON, "", 400, "(body)"));
        cases.add(new Case("not JSON", JSON, "{\"application\": ", 400, "(body)"));
        cases.add(
                new Case(
                        "JSON with a duplicate key",
                        JSON,
                        "{\"application\":\"a\",\"application\":\"b\"}",
                        400,
                        "(body)"));
        cases.add(new Case("JSON list instead of object", JSON, "[1, 2, 3]", 422, "(document)"));
        cases.add(
                new Case(
                        "JSON nested 10000 deep",
                        JSON,
                        "[".repeat(10_000) + "]".repeat(10_000),
                        400,
                        "(body)"));
        cases.add(
                new Case(
                        "JSON with trailing garbage",
                        JSON,
                        Requests.json("canary") + " }",
                        400,
                        "(body)"));
        cases.add(
                new Case(
                        "not YAML",
                        YAML,
                        "deployment: [unclosed\n  strategy: : canary",
                        400,
                        "(body)"));
        cases.add(new Case("YAML alias bomb", YAML, aliasBomb(), 400, "(body)"));
        cases.add(
                new Case(
                        "YAML nested 10000 deep",
                        YAML,
                        "a: " + "[".repeat(10_000) + "]".repeat(10_000),
                        400,
                        "(body)"));
        cases.add(
                new Case(
                        "YAML alias bomb within any alias limit",
                        YAML,
                        smallAliasBomb(),
                        400,
                        "(body)"));
        cases.add(new Case("YAML recursive alias", YAML, "a: &x [*x]\n", 400, "(body)"));
        cases.add(
                new Case(
                        "YAML anchor and alias",
                        YAML,
                        Requests.yaml("canary")
                                .replace(
                                        "success_criteria:\n        error_rate: \"<1%\"",
                                        "success_criteria: &c\n        error_rate: \"<1%\""),
                        400,
                        "(body)"));
        cases.add(
                new Case(
                        "YAML !!int that is not", YAML, "application: !!int abc\n", 400, "(body)"));
        cases.add(
                new Case("YAML !!str on a list", YAML, "application: !!str [1]\n", 400, "(body)"));
        cases.add(
                new Case(
                        "YAML !!binary that is not base64",
                        YAML,
                        "application: !!binary '%%%'\n",
                        400,
                        "(body)"));
        cases.add(
                new Case(
                        "YAML with a duplicate key",
                        YAML,
                        "application: a\napplication: b\n",
                        400,
                        "(body)"));
        cases.add(new Case("YAML scalar document", YAML, "hello", 422, "(document)"));
        cases.add(
                new Case(
                        "YAML with a Java type tag",
                        YAML,
                        "application: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]\n",
                        400,
                        "(body)"));
        cases.add(
                new Case(
                        "not UTF-8",
                        JSON,
                        new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
                        400,
                        "(body)"));
        cases.add(
                new Case(
                        "oversized body",
                        JSON,
                        "{\"application\":\"" + "a".repeat(300 * 1024) + "\"}",
                        413,
                        null));
        cases.add(new Case("no content type", null, Requests.json("canary").toString(), 415, null));
        cases.add(
                new Case(
                        "plain text", "text/plain", Requests.json("canary").toString(), 415, null));
        cases.add(new Case("XML", "application/xml", "<deployment/>", 415, null));
        return cases;
    }

    @Test
    void everyMalformedRequestGetsAProblemDocumentNamingItsFieldAndNothingIsStored() {
        List<Case> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(30);
        long before = storedDeployments();
        List<String> failures = new ArrayList<>();
        for (Case c : corpus) {
            var request = given().body(c.body() == null ? new byte[0] : c.body());
            if (c.contentType() != null) {
                request.contentType(c.contentType());
            } else {
                request.noContentType();
            }
            Response response = request.post("/api/v1/deployments");
            String problem = check(c, response);
            if (problem != null) {
                failures.add(
                        c.name()
                                + ": "
                                + problem
                                + " (got "
                                + response.statusCode()
                                + " "
                                + response.asString()
                                        .substring(0, Math.min(300, response.asString().length()))
                                + ")");
            }
        }
        assertThat(failures).isEmpty();
        assertThat(storedDeployments()).isEqualTo(before);
        given().get("/q/health/ready").then().statusCode(200);
        given().contentType(YAML)
                .body(Requests.yamlBody("canary"))
                .post("/api/v1/deployments")
                .then()
                .statusCode(202);
    }

    @Test
    void anInlineDatabasePasswordIsRefusedWithoutEchoingItAndNothingIsStored() {
        long before = storedDeployments();
        String password = "made-up-" + java.util.UUID.randomUUID();
        ObjectNode doc = Requests.json("canary-database");
        ((ObjectNode) doc.at("/database/credentials")).put("password", password);

        Response response =
                given().contentType(JSON).body(doc.toString()).post("/api/v1/deployments");

        response.then().statusCode(422).contentType("application/problem+json");
        assertThat(response.<List<String>>path("errors.field"))
                .containsExactly("database.credentials.password");
        assertThat(response.asString()).doesNotContain(password);
        assertThat(storedDeployments()).isEqualTo(before);
        assertThat(
                        dev.stride.planner.Sql.count(
                                "SELECT count(*) FROM outbox WHERE payload LIKE '%"
                                        + password
                                        + "%'"))
                .isZero();
    }

    @Test
    void aListFilterWithAControlCharacterIsRefused() {
        given().queryParam("application", "check\u0000out")
                .get("/api/v1/deployments")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("application"));
    }

    @Test
    void anIdempotencyKeyThatIsNotPrintableAsciiIsRefused() {
        given().contentType(YAML)
                .header("Idempotency-Key", "x".repeat(300))
                .body(Requests.yamlBody("canary"))
                .post("/api/v1/deployments")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    private static String check(Case c, Response response) {
        if (response.statusCode() != c.status()) {
            return "expected status " + c.status();
        }
        if (!response.contentType().startsWith("application/problem+json")) {
            return "expected a problem document";
        }
        if (response.<Integer>path("status") != c.status()
                || response.<String>path("title") == null) {
            return "problem without status or title";
        }
        if (c.field() != null) {
            List<String> fields = response.path("errors.field");
            if (fields == null || !fields.contains(c.field())) {
                return "expected an error naming " + c.field();
            }
        }
        return null;
    }

    private static long storedDeployments() {
        return dev.stride.planner.Sql.count("SELECT count(*) FROM deployment");
    }

    private static Case canary(String name, Consumer<ObjectNode> change, String field) {
        return json(name, mutate("canary", change), 422, field);
    }

    private static Case json(String name, String body, int status, String field) {
        return new Case(name, JSON, body, status, field);
    }

    private static String mutate(String request, Consumer<ObjectNode> change) {
        ObjectNode doc = Requests.json(request);
        change.accept(doc);
        return doc.toString();
    }

    // Ten levels of two aliases each: 20 aliases, a 1024-fold expansion.
    private static String smallAliasBomb() {
        StringBuilder yaml = new StringBuilder("l0: &l0 [\"" + "x".repeat(64) + "\"]\n");
        for (int level = 1; level <= 10; level++) {
            yaml.append("l")
                    .append(level)
                    .append(": &l")
                    .append(level)
                    .append(" [*l")
                    .append(level - 1)
                    .append(", *l")
                    .append(level - 1)
                    .append("]\n");
        }
        return yaml.toString();
    }

    private static String aliasBomb() {
        StringBuilder yaml =
                new StringBuilder(
                        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char previous = 'a';
        for (char level = 'b'; level <= 'j'; level++) {
            yaml.append(level).append(": &").append(level).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i == 0 ? "" : ",").append('*').append(previous);
            }
            yaml.append("]\n");
            previous = level;
        }
        return yaml.toString();
    }
}
