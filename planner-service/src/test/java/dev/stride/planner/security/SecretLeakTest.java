package dev.stride.planner.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.Topics;
import dev.stride.planner.Requests;
import dev.stride.planner.Sql;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TestTokens;
import dev.stride.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Known secrets (the caller's bearer token, a forged token, the database password) go through every path a
 * request can take: accepted, refused, invalid, unauthenticated, events, health, metrics, OpenAPI. None may come
 * back in an answer, an event, a stored row or the service's log.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class SecretLeakTest {

    @Test
    void noSecretReachesAnAnswerAnEventARowOrTheLog() throws Exception {
        Callers.anonymous();
        Path logFile = Path.of("target", "quarkus-test.log");
        long logBefore = Files.exists(logFile) ? Files.size(logFile) : 0;
        String viewerToken = TestTokens.token("viewer-leak-check", "stride-viewer");
        String token = TestTokens.token("ci-leak-check", "stride-admin");
        String forged =
                token.substring(0, token.lastIndexOf('.') + 1) + "Zm9yZ2VkLXNpZ25hdHVyZS1zZWNyZXQ";
        String password =
                ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class);
        List<String> secrets =
                List.of(
                        token,
                        token.substring(token.lastIndexOf('.') + 1),
                        forged,
                        password,
                        viewerToken,
                        viewerToken.substring(viewerToken.lastIndexOf('.') + 1));
        List<String> answers = new ArrayList<>();

        String application = Requests.uniqueApplication();
        Response created =
                given().header("Authorization", "Bearer " + token)
                        .contentType("application/yaml")
                        .body(Requests.yamlBody("canary", application))
                        .post("/api/v1/deployments");
        created.then().statusCode(202);
        String id = created.path("id");
        answers.add(text(created));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + token)
                                .get("/api/v1/deployments/" + id)));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + token)
                                .queryParam("application", application)
                                .get("/api/v1/deployments")));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + token)
                                .post("/api/v1/deployments/" + id + "/resume")));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + token)
                                .contentType("application/json")
                                .body("{\"application\": \"" + password + "\"}")
                                .post("/api/v1/deployments")));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + forged)
                                .get("/api/v1/deployments/" + id)));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + forged)
                                .contentType("application/yaml")
                                .body(Requests.yamlBody("canary"))
                                .post("/api/v1/deployments")));
        answers.add(
                text(
                        given().header("Authorization", "Basic " + password)
                                .get("/api/v1/deployments")));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + viewerToken)
                                .contentType("application/yaml")
                                .body(Requests.yamlBody("canary"))
                                .post("/api/v1/deployments")));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + token)
                                .get("/api/v1/no-such-thing")));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + token)
                                .delete("/api/v1/deployments")));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + token)
                                .contentType("text/plain")
                                .body(password)
                                .post("/api/v1/deployments")));
        answers.add(
                text(
                        given().header("Authorization", "Bearer " + token)
                                .get("/api/v1/deployments/" + password + "-not-an-id")));
        // An event from another system carrying the password where a name belongs is dead-lettered.
        String deadLettered = java.util.UUID.randomUUID().toString();
        TopicReader.publish(
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                Topics.DEPLOYMENT_REQUESTED,
                deadLettered,
                "{\"specversion\":\"1.0\",\"id\":\""
                        + deadLettered
                        + "\",\"type\":\"dev.stride.deployment.requested.v1\",\"source\":\"/x\",\"subject\":\""
                        + deadLettered
                        + "\",\"data\":{\"deploymentId\":\""
                        + deadLettered
                        + "\",\"requestedBy\":\""
                        + password
                        + "\"}}");
        for (String open :
                new String[] {"/q/health", "/q/health/ready", "/q/metrics", "/q/openapi"}) {
            answers.add(text(given().get(open)));
        }
        String bootstrap =
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                TopicReader.readAll(bootstrap, Topics.PHASE_REQUESTED).stream()
                                        .anyMatch(r -> id.equals(r.key())));
        List<String> events = new ArrayList<>();
        for (String topic : Topics.ALL) {
            for (String t : List.of(topic, Topics.deadLetter(topic))) {
                // The record this test published with the password in it, and its dead-letter copy,
                // are not
                // Stride's events.
                TopicReader.readAll(bootstrap, t).stream()
                        .filter(r -> !deadLettered.equals(r.key()))
                        .forEach(r -> events.add(r.value()));
            }
        }
        String rows =
                String.join(
                        "\n",
                        Sql.strings(
                                "SELECT spec::text FROM deployment UNION ALL "
                                        + "SELECT coalesce(detail, '') FROM deployment_timeline UNION ALL SELECT payload FROM outbox"));
        // What the service logged during this test: the reason of the dead-lettered record is its
        // last line.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> appended(logFile, logBefore).contains("Dead-lettering a record"));
        String log = appended(logFile, logBefore);

        for (String secret : secrets) {
            assertThat(answers).as("answers").noneMatch(answer -> answer.contains(secret));
            assertThat(events).as("events").noneMatch(event -> event.contains(secret));
            assertThat(rows).as("stored rows").doesNotContain(secret);
            assertThat(log).as("the service's log").doesNotContain(secret);
        }
    }

    private static String appended(Path file, long from) throws java.io.IOException {
        byte[] all = Files.readAllBytes(file);
        return new String(
                all,
                (int) Math.min(from, all.length),
                (int) Math.max(0, all.length - from),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String text(Response response) {
        return response.getHeaders().toString() + "\n" + response.asString();
    }
}
