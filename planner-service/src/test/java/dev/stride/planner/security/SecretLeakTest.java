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
        String token = TestTokens.token("ci-leak-check", "stride-admin");
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "Zm9yZ2VkLXNpZ25hdHVyZS1zZWNyZXQ";
        String password = ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class);
        List<String> secrets = List.of(token, token.substring(token.lastIndexOf('.') + 1), forged, password);
        List<String> answers = new ArrayList<>();

        String application = Requests.uniqueApplication();
        Response created = given().header("Authorization", "Bearer " + token).contentType("application/yaml")
                .body(Requests.yamlBody("canary", application)).post("/api/v1/deployments");
        created.then().statusCode(202);
        String id = created.path("id");
        answers.add(text(created));
        answers.add(text(given().header("Authorization", "Bearer " + token).get("/api/v1/deployments/" + id)));
        answers.add(text(given().header("Authorization", "Bearer " + token).queryParam("application", application)
                .get("/api/v1/deployments")));
        answers.add(text(given().header("Authorization", "Bearer " + token).post("/api/v1/deployments/" + id
                + "/resume")));
        answers.add(text(given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{\"application\": \"" + password + "\"}").post("/api/v1/deployments")));
        answers.add(text(given().header("Authorization", "Bearer " + forged).get("/api/v1/deployments/" + id)));
        answers.add(text(given().header("Authorization", "Bearer " + forged).contentType("application/yaml")
                .body(Requests.yamlBody("canary")).post("/api/v1/deployments")));
        answers.add(text(given().header("Authorization", "Basic " + password).get("/api/v1/deployments")));
        for (String open : new String[] {"/q/health", "/q/health/ready", "/q/metrics", "/q/openapi"}) {
            answers.add(text(given().get(open)));
        }
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readAll(bootstrap,
                Topics.PHASE_REQUESTED).stream().anyMatch(r -> id.equals(r.key())));
        List<String> events = new ArrayList<>();
        for (String topic : Topics.ALL) {
            TopicReader.readAll(bootstrap, topic).forEach(r -> events.add(r.value()));
        }
        String rows = String.join("\n", Sql.strings("SELECT spec::text FROM deployment UNION ALL "
                + "SELECT coalesce(detail, '') FROM deployment_timeline UNION ALL SELECT payload FROM outbox"));
        String log = Files.readString(Path.of("target", "quarkus-test.log"));

        for (String secret : secrets) {
            assertThat(answers).as("answers").noneMatch(answer -> answer.contains(secret));
            assertThat(events).as("events").noneMatch(event -> event.contains(secret));
            assertThat(rows).as("stored rows").doesNotContain(secret);
            assertThat(log).as("the service's log").doesNotContain(secret);
        }
        assertThat(log).as("the log is being written").contains("Installed features");
    }

    private static String text(Response response) {
        return response.getHeaders().toString() + "\n" + response.asString();
    }
}
