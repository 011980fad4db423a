package dev.stride.planner.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventCodec;
import dev.stride.events.EventSchemas;
import dev.stride.events.Topics;
import dev.stride.planner.Requests;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class DeploymentApiTest {

    @org.junit.jupiter.api.BeforeEach
    void caller() {
        // CI's token; tests about who may do what send their own.
        Callers.actAs("ci", "stride-admin");
    }

    @ParameterizedTest
    @CsvSource({"canary, canary", "blue-green, blue-green", "rolling, rolling"})
    void acceptsEachRunbookBlockInYamlAndShowsItsParsedStrategy(String file, String strategy) {
        String application = Requests.uniqueApplication();
        Response created =
                given().contentType("application/yaml")
                        .body(Requests.yamlBody(file, application))
                        .post("/api/v1/deployments");

        // Nothing else of this application runs in its environment: it starts at once with its
        // first phase.
        created.then()
                .statusCode(202)
                .header("Location", containsString("/api/v1/deployments/"))
                .body("status", equalTo("IN_PROGRESS"))
                .body("currentPhase", equalTo(0))
                .body("phases[0].type", equalTo("CHECKS"))
                .body("phases[0].status", equalTo("REQUESTED"))
                .body("strategy", equalTo(strategy));
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith(id);

        Response fetched = given().get("/api/v1/deployments/" + id);
        fetched.then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("status", equalTo("IN_PROGRESS"))
                .body(
                        "timeline.action",
                        org.hamcrest.Matchers.contains("requested", "started", "phase-requested"))
                .body("strategy", equalTo(strategy))
                .body("deployment.strategy", equalTo(strategy));
        JsonNode request = Requests.json(file);
        assertThat(fetched.<String>path("application")).isEqualTo(application);
        assertThat(fetched.<String>path("environment"))
                .isEqualTo(request.path("environment").asText());
        assertThat(fetched.<String>path("version")).isEqualTo(request.path("version").asText());
        assertThat(fetched.<String>path("createdAt")).isNotBlank();
        assertThat(fetched.<String>path("target.platform"))
                .isEqualTo(request.at("/target/platform").asText());
    }

    @Test
    void aDatabaseBlockIsPlannedAsMigrationPhasesAroundTheTrafficPhasesAndShownWithoutSecrets() {
        String application = Requests.uniqueApplication();
        Response created =
                given().contentType("application/yaml")
                        .body(Requests.yamlBody("canary-database", application))
                        .post("/api/v1/deployments");

        created.then().statusCode(202);
        Response fetched = given().get("/api/v1/deployments/" + created.<String>path("id"));
        fetched.then()
                .statusCode(200)
                .body(
                        "phases.type",
                        org.hamcrest.Matchers.contains(
                                "CHECKS",
                                "MIGRATION",
                                "TRAFFIC",
                                "TRAFFIC",
                                "TRAFFIC",
                                "CHECKS",
                                "FINALIZE",
                                "MIGRATION"))
                .body("phases[1].name", equalTo("database backup and expand migration"))
                .body("phases[7].name", equalTo("database contract migration"))
                .body("database.credentials.password_env", equalTo("CHECKOUT_DB_PASSWORD"))
                .body(
                        "database.migrations.kind",
                        org.hamcrest.Matchers.contains("expand", "contract"));
    }

    @Test
    void theRequesterIsWhoTheTokenNamesWhateverTheBodySays() {
        String body =
                Requests.canaryWith(
                        doc ->
                                doc.put("application", Requests.uniqueApplication())
                                        .put("requestedBy", "someone-else"));
        given().header(
                        "Authorization",
                        dev.stride.testing.TestTokens.bearer("ci-pipeline-7", "stride-requester"))
                .contentType("application/json")
                .body(body)
                .post("/api/v1/deployments")
                .then()
                .statusCode(202)
                .body("requestedBy", equalTo("ci-pipeline-7"))
                .body("timeline[0].actor", equalTo("ci-pipeline-7"));
        given().header(
                        "Authorization",
                        dev.stride.testing.TestTokens.bearer("reader", "stride-viewer"))
                .contentType("application/json")
                .body(body)
                .post("/api/v1/deployments")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        dev.stride.testing.Callers.anonymous();
        given().contentType("application/json")
                .body(body)
                .post("/api/v1/deployments")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().get("/api/v1/deployments").then().statusCode(401);
    }

    @Test
    void keepsTheParsedBlocksValues() {
        String id =
                given().contentType("application/yaml")
                        .body(Requests.yamlBody("canary"))
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");

        given().get("/api/v1/deployments/" + id)
                .then()
                .statusCode(200)
                .body("deployment.phases[1].name", equalTo("ramp-up"))
                .body("deployment.phases[1].traffic_percentage", equalTo(25))
                .body("deployment.phases[1].duration", equalTo("15m"))
                .body("deployment.phases[1].success_criteria.response_time", equalTo("<400ms"))
                .body("rollback.triggers[2].metric", equalTo("health_check_success_rate"))
                .body("target.platform", equalTo("kubernetes"))
                .body("commitTime", equalTo("2026-11-20T10:00:00Z"));

        given().contentType("application/yaml")
                .body(Requests.yamlBody("blue-green"))
                .post("/api/v1/deployments")
                .then()
                .statusCode(202)
                .body("deployment.traffic_shifting.initial_weight", equalTo(0))
                .body("deployment.traffic_shifting.increment", equalTo(10))
                .body("deployment.traffic_shifting.interval", equalTo("5m"))
                .body("deployment.traffic_shifting.rollback_threshold", equalTo(5))
                .body("deployment.environments.green.target_group", equalTo("app-green-tg"))
                .body("deployment.environments.blue.auto_scaling_group", equalTo("app-blue-asg"));

        String rolling =
                given().contentType("application/yaml")
                        .body(Requests.yamlBody("rolling"))
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");
        given().get("/api/v1/deployments/" + rolling)
                .then()
                .statusCode(200)
                .body("deployment.batch_size", equalTo(2))
                .body("deployment.max_unavailable", equalTo(1))
                .body("deployment.health_check.path", equalTo("/health"))
                .body("deployment.health_check.timeout", equalTo("30s"))
                .body("deployment.health_check.unhealthy_threshold", equalTo(2))
                .body("target.platform", equalTo("kubernetes"))
                .body("target.namespace", equalTo("production"))
                .body("target.deployment", equalTo("inventory"));
    }

    @Test
    void acceptsJsonAndPublishesOneValidDeploymentRequested() {
        String body = Requests.json("canary").toString();
        String id =
                given().contentType("application/json")
                        .body(body)
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");

        String bootstrap =
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        EventCodec codec = new EventCodec();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            var records =
                                    TopicReader.readAll(bootstrap, Topics.DEPLOYMENT_REQUESTED)
                                            .stream()
                                            .filter(r -> id.equals(r.key()))
                                            .toList();
                            assertThat(records).hasSize(1);
                            JsonNode event = codec.parseTree(records.get(0).value());
                            assertThat(EventSchemas.shared().validate(event)).isEmpty();
                            assertThat(event.path("subject").asText()).isEqualTo(id);
                            assertThat(event.path("source").asText()).isEqualTo("/stride/planner");
                            assertThat(
                                            event.at("/data/deployment/phases/0/traffic_percentage")
                                                    .asInt())
                                    .isEqualTo(5);
                            assertThat(
                                            new String(
                                                    records.get(0)
                                                            .headers()
                                                            .lastHeader("content-type")
                                                            .value()))
                                    .startsWith("application/cloudevents+json");
                        });
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameDeploymentAndEmitsNothingNew() {
        String key = "ci-run-" + UUID.randomUUID();
        byte[] body = Requests.yamlBody("rolling");
        String first =
                given().contentType("application/yaml")
                        .header("Idempotency-Key", key)
                        .body(body)
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");

        Response again =
                given().contentType("application/yaml")
                        .header("Idempotency-Key", key)
                        .body(body)
                        .post("/api/v1/deployments");

        again.then()
                .statusCode(202)
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(first));
        assertThat(again.header("Location")).endsWith(first);
        String bootstrap =
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                TopicReader.readAll(bootstrap, Topics.DEPLOYMENT_REQUESTED).stream()
                                        .anyMatch(r -> first.equals(r.key())));
        assertThat(OutboxRows.count(first, Topics.DEPLOYMENT_REQUESTED)).isEqualTo(1);
        assertThat(
                        TopicReader.readAll(bootstrap, Topics.DEPLOYMENT_REQUESTED).stream()
                                .filter(r -> first.equals(r.key())))
                .hasSize(1);
    }

    @Test
    void anIdempotencyKeyReusedForAnotherRequestIsRefused() {
        String key = "ci-run-" + UUID.randomUUID();
        String id =
                given().contentType("application/yaml")
                        .header("Idempotency-Key", key)
                        .body(Requests.yamlBody("rolling"))
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");

        given().contentType("application/yaml")
                .header("Idempotency-Key", key)
                .body(Requests.yamlBody("canary"))
                .post("/api/v1/deployments")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("Idempotency-Key"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString(id));
    }

    @Test
    void unknownAndMalformedIdsAreNotFoundProblems() {
        given().get("/api/v1/deployments/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
        given().get("/api/v1/deployments/not-a-uuid")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("deployment ids are UUIDs"));
    }

    @Test
    void listsWithFiltersAndPages() {
        String application = Requests.uniqueApplication();
        for (String environment : new String[] {"staging", "staging", "development", "staging"}) {
            String body =
                    Requests.canaryWith(
                            doc ->
                                    doc.put("application", application)
                                            .put("environment", environment));
            given().contentType("application/json")
                    .body(body)
                    .post("/api/v1/deployments")
                    .then()
                    .statusCode(202);
        }

        given().queryParam("application", application)
                .get("/api/v1/deployments")
                .then()
                .statusCode(200)
                .body("totalItems", equalTo(4))
                .body("items.size()", equalTo(4))
                .body("items[0].phases", org.hamcrest.Matchers.nullValue());
        // One staging deployment runs; the two after it wait in the queue, oldest first.
        given().queryParam("application", application)
                .queryParam("environment", "staging")
                .queryParam("status", "REQUESTED")
                .queryParam("size", 1)
                .queryParam("page", 1)
                .get("/api/v1/deployments")
                .then()
                .statusCode(200)
                .body("totalItems", equalTo(2))
                .body("totalPages", equalTo(2))
                .body("page", equalTo(1))
                .body("items.size()", equalTo(1))
                .body("items[0].environment", equalTo("staging"));
        given().queryParam("application", application)
                .queryParam("status", "IN_PROGRESS")
                .get("/api/v1/deployments")
                .then()
                .statusCode(200)
                .body("totalItems", equalTo(2));
        given().queryParam("application", application)
                .queryParam("page", 7)
                .get("/api/v1/deployments")
                .then()
                .statusCode(200)
                .body("totalItems", equalTo(4))
                .body("items.size()", equalTo(0));
        given().queryParam("application", application)
                .queryParam("status", "SUCCEEDED")
                .get("/api/v1/deployments")
                .then()
                .statusCode(200)
                .body("totalItems", equalTo(0));
    }

    @ParameterizedTest
    @CsvSource({
        "status, DONE",
        "environment, prod",
        "size, 0",
        "size, 1000",
        "page, -1",
        "page, x"
    })
    void badListParametersAreProblemsNamingTheParameter(String parameter, String value) {
        given().queryParam(parameter, value)
                .get("/api/v1/deployments")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo(parameter));
    }
}
