package dev.stride.planner.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.EventType;
import dev.stride.events.PhaseType;
import dev.stride.planner.Requests;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** A phase nobody answers fails the deployment into rollback once its deadline (kept in PostgreSQL) passes. */
@QuarkusTest
@TestProfile(DeadlineTest.ShortDeadlines.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class DeadlineTest {

    @org.junit.jupiter.api.BeforeEach
    void caller() {
        // CI's token; tests about who may do what send their own.
        Callers.actAs("ci", "stride-admin");
    }

    public static class ShortDeadlines implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Long enough for phase 0's round trip over Kafka on a busy CI machine, short enough to
            // wait out.
            return Map.of(
                    "stride.deadline.margin", "8s", "stride.deadline.check-interval", "200ms");
        }
    }

    @Test
    void aPhaseThatNeverStartsFailsTheDeploymentIntoRollback() {
        Conductor conductor =
                new Conductor(
                        ConfigProvider.getConfig()
                                .getValue("kafka.bootstrap.servers", String.class));
        String id =
                io.restassured.RestAssured.given()
                        .contentType("application/yaml")
                        .body(Requests.yamlBody("canary", Requests.uniqueApplication()))
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");
        conductor.awaitPhaseRequested(id, 0);
        conductor.passed(id, 0, PhaseType.CHECKS);
        conductor.awaitPhaseRequested(id, 1);
        // The executor never reports phase 1 as started.

        JsonPath failed = conductor.awaitStatus(id, "ROLLING_BACK");
        assertThat(failed.getString("phases[1].status")).isEqualTo("FAILED");
        assertThat(failed.getString("reason")).contains("did not start by its deadline");
        assertThat(failed.getList("timeline.action", String.class)).contains("deadline-passed");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> conductor.events(EventType.ROLLBACK_REQUESTED, id).size() == 1);
    }
}
