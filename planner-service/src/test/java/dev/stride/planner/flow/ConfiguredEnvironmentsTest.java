package dev.stride.planner.flow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.stride.planner.Requests;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An organisation's own environments (qa, perf, prod-eu, prod-us) replace the runbook's three: their names are
 * the only ones accepted, their progression and approvals are theirs, and the runbook's names are refused.
 */
@QuarkusTest
@TestProfile(ConfiguredEnvironmentsTest.Organisation.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class ConfiguredEnvironmentsTest {

    public static class Organisation implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "stride.environments",
                    "qa:development,perf:staging,prod-eu:production,prod-us:production",
                    "stride.progression.requires.prod-eu",
                    "perf",
                    "stride.approvals.required.prod-us",
                    "2");
        }
    }

    @BeforeEach
    void caller() {
        Callers.actAs("ci", "stride-admin");
    }

    @Test
    void onlyTheConfiguredEnvironmentsAreAcceptedAndTheProblemListsThem() {
        String application = Requests.uniqueApplication();
        given().contentType("application/yaml")
                .body(body(application, "production", "1.0.0"))
                .post("/api/v1/deployments")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("environment"))
                .body(
                        "errors[0].message",
                        equalTo("must be one of qa, perf, prod-eu, prod-us, not 'production'"));
        given().queryParam("environment", "staging")
                .get("/api/v1/deployments")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("qa, perf, prod-eu, prod-us"));

        String id =
                given().contentType("application/yaml")
                        .body(body(application, "qa", "1.0.0"))
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .body("environment", equalTo("qa"))
                        .body("status", equalTo("IN_PROGRESS"))
                        .extract()
                        .path("id");
        given().queryParam("environment", "qa")
                .queryParam("application", application)
                .get("/api/v1/deployments")
                .then()
                .statusCode(200)
                .body("items[0].id", equalTo(id));
    }

    @Test
    void progressionAndApprovalsFollowTheOrganisationsRules() {
        Conductor conductor =
                new Conductor(
                        ConfigProvider.getConfig()
                                .getValue("kafka.bootstrap.servers", String.class));
        String application = Requests.uniqueApplication();

        given().contentType("application/yaml")
                .body(body(application, "prod-eu", "2.0.0"))
                .post("/api/v1/deployments")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("SUCCEEDED in perf"));

        conductor.runToSuccess(post(application, "perf", "2.0.0"));

        // prod-eu has no approval rule: the runbook's "production needs one" is for production
        // only.
        given().contentType("application/yaml")
                .body(body(application, "prod-eu", "2.0.0"))
                .post("/api/v1/deployments")
                .then()
                .statusCode(202)
                .body("status", equalTo("IN_PROGRESS"));
        String us =
                given().contentType("application/yaml")
                        .body(body(application, "prod-us", "2.0.0"))
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .body("status", equalTo("AWAITING_APPROVAL"))
                        .body("requiredApprovals", equalTo(2))
                        .extract()
                        .path("id");
        given().header("Authorization", TestTokens.bearer("alice", "stride-approver"))
                .post("/api/v1/deployments/" + us + "/approvals")
                .then()
                .statusCode(200)
                .body("status", equalTo("AWAITING_APPROVAL"));
        given().header("Authorization", TestTokens.bearer("bob", "stride-approver"))
                .post("/api/v1/deployments/" + us + "/approvals")
                .then()
                .statusCode(200)
                .body("status", equalTo("IN_PROGRESS"));
        assertThat(conductor.deployment(us).getString("environment")).isEqualTo("prod-us");
    }

    private static String post(String application, String environment, String version) {
        return given().contentType("application/yaml")
                .body(body(application, environment, version))
                .post("/api/v1/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    private static byte[] body(String application, String environment, String version) {
        return new String(Requests.yamlBody("canary", application), StandardCharsets.UTF_8)
                .replaceFirst("(?m)^environment: .*$", "environment: " + environment)
                .replaceFirst("(?m)^version: .*$", "version: \"" + version + "\"")
                .getBytes(StandardCharsets.UTF_8);
    }
}
