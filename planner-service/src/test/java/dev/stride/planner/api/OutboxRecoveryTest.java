package dev.stride.planner.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.Topics;
import dev.stride.kit.messaging.OutboxPublisher;
import dev.stride.planner.Requests;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class OutboxRecoveryTest {

    @org.junit.jupiter.api.BeforeEach
    void caller() {
        // CI's token; tests about who may do what send their own.
        Callers.actAs("ci", "stride-admin");
    }

    @Inject OutboxPublisher publisher;

    @AfterEach
    void restartPublisher() {
        publisher.start();
    }

    @Test
    void anEventCommittedWhileThePublisherIsDownIsPublishedExactlyOnceWhenItComesBack() {
        String bootstrap =
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        publisher.stop();
        // Let a batch that was in flight when stop() was called finish.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(publisher::isIdle);

        String id =
                given().contentType("application/yaml")
                        .body(Requests.yamlBody("canary", Requests.uniqueApplication()))
                        .post("/api/v1/deployments")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");

        // Committed: the deployment is stored and started; its two events (DeploymentRequested,
        // PhaseRequested
        // for phase 0) wait in the outbox, not on Kafka.
        given().get("/api/v1/deployments/" + id).then().statusCode(200);
        assertThat(OutboxRows.unpublished(id)).isEqualTo(2);
        assertThat(TopicReader.readAll(bootstrap, Topics.DEPLOYMENT_REQUESTED))
                .noneMatch(r -> id.equals(r.key()));
        assertThat(TopicReader.readAll(bootstrap, Topics.PHASE_REQUESTED))
                .noneMatch(r -> id.equals(r.key()));

        publisher.start();

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> OutboxRows.unpublished(id) == 0);
        for (String topic : new String[] {Topics.DEPLOYMENT_REQUESTED, Topics.PHASE_REQUESTED}) {
            assertThat(
                            TopicReader.readAll(bootstrap, topic).stream()
                                    .filter(r -> id.equals(r.key())))
                    .as(topic)
                    .hasSize(1);
            assertThat(OutboxRows.count(id, topic)).isEqualTo(1);
        }
    }
}
