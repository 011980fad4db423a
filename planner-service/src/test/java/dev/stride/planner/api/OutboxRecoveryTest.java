package dev.stride.planner.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.Topics;
import dev.stride.kit.messaging.OutboxPublisher;
import dev.stride.planner.Requests;
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
class OutboxRecoveryTest {

    @Inject
    OutboxPublisher publisher;

    @AfterEach
    void restartPublisher() {
        publisher.start();
    }

    @Test
    void anEventCommittedWhileThePublisherIsDownIsPublishedExactlyOnceWhenItComesBack() {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        publisher.stop();
        // Let a batch that was in flight when stop() was called finish.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(publisher::isIdle);

        String id = given().contentType("application/yaml").body(Requests.yamlBody("canary"))
                .post("/api/v1/deployments").then().statusCode(202).extract().path("id");

        // Committed: the deployment is stored and its event waits in the outbox, not on Kafka.
        given().get("/api/v1/deployments/" + id).then().statusCode(200);
        assertThat(OutboxRows.unpublished(id)).isEqualTo(1);
        assertThat(TopicReader.readAll(bootstrap, Topics.DEPLOYMENT_REQUESTED))
                .noneMatch(r -> id.equals(r.key()));

        publisher.start();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> OutboxRows.unpublished(id) == 0);
        var records = TopicReader.readAll(bootstrap, Topics.DEPLOYMENT_REQUESTED).stream()
                .filter(r -> id.equals(r.key())).toList();
        assertThat(records).hasSize(1);
        assertThat(OutboxRows.count(id)).isEqualTo(1);
    }
}
