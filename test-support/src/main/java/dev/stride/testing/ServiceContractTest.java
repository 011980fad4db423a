package dev.stride.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every Stride service promises operators, checked against the running application with its real Kafka
 * and PostgreSQL: health with both dependencies in readiness, Prometheus metrics, OpenAPI and Swagger UI, the
 * messaging tables migrated, problem documents for unknown routes, and an API that needs a valid token with a
 * Stride role (401 without, 403 with the wrong role). Extend it in a {@code @QuarkusTest} with
 * {@link JwtTestResource}.
 */
public abstract class ServiceContractTest {

    @org.junit.jupiter.api.BeforeEach
    void noDefaultCaller() {
        Callers.anonymous();
    }

    @Test
    void isLiveAndReadyWithKafkaAndPostgresChecked() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        JsonPath ready =
                given().get("/q/health/ready")
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("UP"))
                        .extract()
                        .jsonPath();
        List<String> checks = ready.getList("checks.name");
        assertThat(checks).anySatisfy(name -> assertThat(name).containsIgnoringCase("kafka"));
        assertThat(checks).anySatisfy(name -> assertThat(name).containsIgnoringCase("database"));
        assertThat(ready.getList("checks.status", String.class)).containsOnly("UP");
    }

    @Test
    void exposesPrometheusMetrics() {
        // An application request, so the HTTP server metrics have something to show.
        given().get("/api/v1/metrics-probe").then().statusCode(404);
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("http_server_requests_seconds"));
    }

    @Test
    void publishesItsOpenApiDocumentAndSwaggerUi() {
        given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("openapi", org.hamcrest.Matchers.startsWith("3."));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void answersUnknownApiRoutesWithAProblemDocument() {
        given().header("Authorization", TestTokens.bearer("viewer", "stride-viewer"))
                .get("/api/v1/no-such-thing")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @Test
    void itsApiNeedsAValidTokenWithAStrideRole() throws Exception {
        given().get("/api/v1/service")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401));
        given().header("Authorization", "Bearer not-a-jwt")
                .get("/api/v1/service")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        var stranger = java.security.KeyPairGenerator.getInstance("RSA");
        stranger.initialize(2048);
        String forged =
                TestTokens.sign(
                        "mallory",
                        TestTokens.ISSUER,
                        stranger.generateKeyPair().getPrivate(),
                        "stride-admin");
        given().header("Authorization", "Bearer " + forged)
                .get("/api/v1/service")
                .then()
                .statusCode(401);
        given().header("Authorization", TestTokens.bearer("someone", "billing-admin"))
                .get("/api/v1/service")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403));

        given().header("Authorization", TestTokens.bearer("viewer-1", "stride-viewer"))
                .get("/api/v1/service")
                .then()
                .statusCode(200)
                .body("caller", equalTo("viewer-1"))
                .body("roles", org.hamcrest.Matchers.contains("stride-viewer"));
    }

    @Test
    void tokensMustComeFromTheIssuerForTheAudienceAndBeCurrent() {
        var key = TestTokens.key();
        String expired =
                TestTokens.sign(
                        "late", TestTokens.ISSUER, TestTokens.AUDIENCE, -600, key, "stride-admin");
        String otherIssuer =
                TestTokens.sign(
                        "x",
                        "https://elsewhere.example",
                        TestTokens.AUDIENCE,
                        600,
                        key,
                        "stride-admin");
        String otherAudience =
                TestTokens.sign("x", TestTokens.ISSUER, "billing", 600, key, "stride-admin");
        String unsigned = TestTokens.token("x", "stride-admin");
        unsigned =
                java.util.Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes())
                        + unsigned.substring(unsigned.indexOf('.'), unsigned.lastIndexOf('.') + 1);
        for (String token : new String[] {expired, otherIssuer, otherAudience, unsigned}) {
            given().header("Authorization", "Bearer " + token)
                    .get("/api/v1/service")
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json");
        }
        given().header(
                        "Authorization",
                        "Bearer "
                                + TestTokens.sign(
                                        "nobody", TestTokens.ISSUER, TestTokens.AUDIENCE, 600, key))
                .get("/api/v1/service")
                .then()
                .statusCode(403);
    }

    @Test
    void everyApiOperationInTheOpenApiDocumentNeedsAToken() {
        io.restassured.path.json.JsonPath openapi =
                given().queryParam("format", "json")
                        .get("/q/openapi")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
        java.util.Map<String, java.util.Map<String, Object>> paths = openapi.getMap("paths");
        List<String> checked = new java.util.ArrayList<>();
        paths.forEach(
                (path, operations) -> {
                    if (!path.startsWith("/api/")) {
                        return;
                    }
                    String concrete =
                            path.replaceAll("\\{[^}]+}", java.util.UUID.randomUUID().toString());
                    for (String method : operations.keySet()) {
                        if (!List.of("get", "post", "put", "patch", "delete").contains(method)) {
                            continue;
                        }
                        given().contentType("application/json")
                                .body("{}")
                                .request(method.toUpperCase(), concrete)
                                .then()
                                .statusCode(401);
                        checked.add(method + " " + path);
                    }
                });
        assertThat(checked).contains("get /api/v1/service");
    }
}
