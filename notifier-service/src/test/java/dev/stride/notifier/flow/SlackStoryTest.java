package dev.stride.notifier.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.DeploymentFinished;
import dev.stride.events.EventType;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A deployment's story told on Slack: the runbook's messages, exactly as Slack receives them, in order. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(WireMockReceivers.class)
class SlackStoryTest extends FlowSupport {

    private static final String INFO = "#439fe0";
    private static final String GOOD = "#2eb886";
    private static final String WARNING = "#daa038";
    private static final String DANGER = "#a30200";

    @Test
    void aFailedCanaryIsToldFromStartToRollback() {
        UUID id = UUID.randomUUID();
        String link = "<https://stride.example/deployments/" + id + "|Deployment>";
        List<String> release =
                List.of("Application", "cart", "Environment", "staging", "Version", "2.4.0");

        publish(EventType.DEPLOYMENT_REQUESTED, id, requested(id, "cart", "staging", "2.4.0"));
        publish(
                new PhaseStarted(
                        id, 1, 1, PhaseType.TRAFFIC, Map.of("canary", 25, "stable", 75), T));
        publish(
                new PhaseCompleted(
                        id,
                        1,
                        0,
                        PhaseType.CHECKS,
                        PhaseCompleted.Outcome.PASSED,
                        "checks passed"));
        publish(
                new ThresholdBreached(
                        id,
                        1,
                        1,
                        "error_rate",
                        7.3,
                        "5%",
                        "5m",
                        ThresholdBreached.Kind.TRIGGER,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        publish(
                new PhaseCompleted(
                        id,
                        1,
                        1,
                        PhaseType.TRAFFIC,
                        PhaseCompleted.Outcome.FAILED,
                        "error_rate 7.3% above 5% for 5m"));
        publish(
                new RollbackCompleted(
                        id, 1, RollbackCompleted.Outcome.SUCCEEDED, "stable restored"));
        publish(
                new DeploymentFinished(
                        id,
                        "cart",
                        Environment.STAGING,
                        "2.4.0",
                        DeploymentFinished.Outcome.ROLLED_BACK,
                        "error_rate above 5%",
                        T,
                        T,
                        T));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(posted(WireMockReceivers.TEAM, id.toString())).hasSize(6));
        List<JsonNode> messages = posted(WireMockReceivers.TEAM, id.toString());

        assertThat(messages.get(0))
                .isEqualTo(
                        tree(
                                """
                {"text": "🚀 Deployment to staging starting at %1$s: cart 2.4.0",
                 "attachments": [{"color": "#439fe0", "blocks": [
                   {"type": "header", "text": {"type": "plain_text", "text": "Deployment starting: cart 2.4.0", "emoji": true}},
                   {"type": "section", "text": {"type": "mrkdwn", "text": "🚀 Deployment to staging starting at %1$s: cart 2.4.0"}},
                   {"type": "section", "fields": [
                     {"type": "mrkdwn", "text": "*Application*\\ncart"},
                     {"type": "mrkdwn", "text": "*Environment*\\nstaging"},
                     {"type": "mrkdwn", "text": "*Version*\\n2.4.0"}]},
                   {"type": "context", "elements": [{"type": "mrkdwn", "text": "%2$s"}]}]}]}
                """
                                        .formatted(AT, link)));
        assertThat(messages.get(1))
                .isEqualTo(
                        slack(
                                INFO,
                                "Deployment in progress: cart 2.4.0",
                                "⏳ Deployment to staging in progress - "
                                        + AT
                                        + ": cart 2.4.0, phase 1, 25% of traffic on the new version",
                                concat(release, "Phase", "1", "Traffic weight", "25%"),
                                List.of(link)));
        assertThat(messages.get(2))
                .isEqualTo(
                        slack(
                                DANGER,
                                "Rollback trigger fired: cart 2.4.0",
                                "⚠️ Rollback trigger error_rate fired for cart 2.4.0 in staging - "
                                        + AT
                                        + ": 7.3% against 5% over 5m. Initiating rollback.",
                                concat(release, "Phase", "1"),
                                List.of(link)));
        assertThat(messages.get(3))
                .isEqualTo(
                        slack(
                                DANGER,
                                "Deployment failed, rolling back: cart 2.4.0",
                                "❌ Deployment to staging failed - "
                                        + AT
                                        + ". Initiating rollback. cart 2.4.0, phase 1: error_rate 7.3% above 5% for 5m",
                                concat(release, "Phase", "1"),
                                List.of(link)));
        assertThat(messages.get(4))
                .isEqualTo(
                        slack(
                                GOOD,
                                "Rollback succeeded: cart 2.4.0",
                                "✓ Rollback completed successfully - "
                                        + AT
                                        + ": cart in staging is back on the stable version. stable restored",
                                release,
                                List.of(link)));
        assertThat(messages.get(5))
                .isEqualTo(
                        slack(
                                WARNING,
                                "Deployment rolled back: cart 2.4.0",
                                "Deployment to staging rolled back - "
                                        + AT
                                        + ": cart 2.4.0. error_rate above 5%",
                                release,
                                List.of(link)));

        // The passed CHECKS phase made no message, but the webhook hears every event.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(requests(WireMockReceivers.HOOK, id.toString()))
                                        .hasSize(7));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                deliveries(id)
                                                        .getList(
                                                                "items.findAll { it.channel == 'team' }.status",
                                                                String.class))
                                        .hasSize(6)
                                        .containsOnly("SENT"));
    }

    @Test
    void aMigrationAfterTheRollbackIsToldAsTheDatabaseRestore() {
        UUID id = UUID.randomUUID();
        publish(EventType.DEPLOYMENT_REQUESTED, id, requested(id, "cart", "staging", "2.4.0"));
        publish(new PhaseStarted(id, 1, 1, PhaseType.MIGRATION, Map.of(), T));
        publish(
                new PhaseCompleted(
                        id,
                        1,
                        1,
                        PhaseType.MIGRATION,
                        PhaseCompleted.Outcome.PASSED,
                        "backup /backups/cart.dump (3.1 KiB, sha256 ab); versions now [1, 2]"));
        publish(new RollbackRequested(id, 1, "error rate 3%", "planner"));
        publish(
                new RollbackCompleted(
                        id, 1, RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));
        publish(new PhaseStarted(id, 1, 5, PhaseType.MIGRATION, Map.of(), T));
        publish(
                new PhaseCompleted(
                        id,
                        1,
                        5,
                        PhaseType.MIGRATION,
                        PhaseCompleted.Outcome.FAILED,
                        "the integrity check failed; the application stays in maintenance"));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(posted(WireMockReceivers.TEAM, id.toString())).hasSize(7));
        List<String> texts =
                posted(WireMockReceivers.TEAM, id.toString()).stream()
                        .map(m -> m.path("text").asText())
                        .toList();
        assertThat(texts.get(1))
                .startsWith("🗄️ Database migration for cart 2.4.0 in staging started");
        assertThat(texts.get(2)).startsWith("✅ Database migration for cart 2.4.0 in staging done");
        assertThat(texts.get(5))
                .startsWith("🗄️ Database restore for cart in staging started")
                .contains("maintenance");
        assertThat(texts.get(6))
                .startsWith(
                        "❌ Database restore for cart in staging failed - manual intervention required")
                .contains("the integrity check failed");
    }

    @Test
    void aSuccessfulDeploymentEndsCompleted() {
        UUID id = UUID.randomUUID();
        publish(EventType.DEPLOYMENT_REQUESTED, id, requested(id, "cart", "staging", "2.5.0"));
        publish(
                new DeploymentFinished(
                        id,
                        "cart",
                        Environment.STAGING,
                        "2.5.0",
                        DeploymentFinished.Outcome.SUCCEEDED,
                        null,
                        T,
                        T,
                        T));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(posted(WireMockReceivers.TEAM, id.toString())).hasSize(2));
        assertThat(posted(WireMockReceivers.TEAM, id.toString()).get(1))
                .isEqualTo(
                        slack(
                                GOOD,
                                "Deployment completed: cart 2.5.0",
                                "✅ Deployment to staging completed successfully - "
                                        + AT
                                        + ": cart 2.5.0",
                                List.of(
                                        "Application",
                                        "cart",
                                        "Environment",
                                        "staging",
                                        "Version",
                                        "2.5.0"),
                                List.of(
                                        "<https://stride.example/deployments/"
                                                + id
                                                + "|Deployment>")));
    }

    @Test
    void aRollbackIsAnnouncedOncePerAttemptWhoeverAsked() {
        UUID id = UUID.randomUUID();
        String link = "<https://stride.example/deployments/" + id + "|Deployment>";
        List<String> release =
                List.of("Application", "cart", "Environment", "staging", "Version", "3.1.0");
        publish(EventType.DEPLOYMENT_REQUESTED, id, requested(id, "cart", "staging", "3.1.0"));

        // An operator through the planner's POST .../rollback, the record delivered twice.
        RollbackRequested byHand =
                new RollbackRequested(
                        id, 1, "rollback requested by alice: checkout errors on EU", "alice");
        String value =
                codec.encode(
                        envelope(
                                UUID.randomUUID(),
                                EventType.ROLLBACK_REQUESTED,
                                id,
                                codec.wrap(byHand, "/stride/planner").data()));
        deliver(EventType.ROLLBACK_REQUESTED, id, value);
        publish(EventType.ROLLBACK_REQUESTED, id, value);
        // The incident service asks to roll back the same attempt: the same rollback, told once.
        publish(
                new RollbackRequested(
                        id,
                        1,
                        "incident 9b0c4e2a-0a51-4d8e-9d43-6f0f8d1c2e11 (P1, production-automatic-rollback)",
                        "incident-service"));
        // The next attempt, rolled back by the verifier's trigger: a rollback of its own.
        publish(
                new RollbackRequested(
                        id,
                        2,
                        "threshold breached: error_rate 7.3 against 5% over 5m (trigger)",
                        "verifier"));
        // A request with no words of its own.
        publish(new RollbackRequested(id, 3, "rollback requested by bob", "bob"));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(posted(WireMockReceivers.TEAM, id.toString())).hasSize(4));
        // Every request reached the webhook, the one delivered twice once.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(requests(WireMockReceivers.HOOK, id.toString()))
                                        .hasSize(5));
        List<JsonNode> messages = posted(WireMockReceivers.TEAM, id.toString());
        assertThat(messages).hasSize(4);
        assertThat(messages.get(1))
                .isEqualTo(
                        slack(
                                WARNING,
                                "Rollback initiated: cart 3.1.0",
                                "⏪ Rollback initiated - "
                                        + AT
                                        + ": cart 3.1.0 in staging goes back to the stable version, requested by"
                                        + " alice. Reason: checkout errors on EU",
                                release,
                                List.of(link)));
        assertThat(messages.get(2).path("text").asText())
                .isEqualTo(
                        "⏪ Rollback initiated - "
                                + AT
                                + ": cart 3.1.0 in staging goes back to the stable version, requested by verifier."
                                + " Reason: threshold breached: error_rate 7.3 against 5% over 5m (trigger)");
        assertThat(messages.get(3).path("text").asText())
                .isEqualTo(
                        "⏪ Rollback initiated - "
                                + AT
                                + ": cart 3.1.0 in staging goes back to the stable version, requested by bob."
                                + " Reason: none given");
        assertThat(messages)
                .filteredOn(m -> m.path("text").asText().contains("incident-service"))
                .isEmpty();
        assertThat(
                        deliveries(id)
                                .getList(
                                        "items.findAll { it.channel == 'team' }.kind",
                                        String.class))
                .containsExactly(
                        "deployment-starting",
                        "rollback-initiated",
                        "rollback-initiated",
                        "rollback-initiated");
    }

    @Test
    void anEventForADeploymentNeverSeenRequestedTakesTheDefaultRouteAndSaysSo() {
        UUID id = UUID.randomUUID();
        publish(new RollbackCompleted(id, 1, RollbackCompleted.Outcome.FAILED, "No such server."));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(posted(WireMockReceivers.TEAM, id.toString())).hasSize(1));
        assertThat(posted(WireMockReceivers.TEAM, id.toString()).get(0))
                .isEqualTo(
                        slack(
                                DANGER,
                                "Rollback failed",
                                "✗ Rollback verification failed - manual intervention required - "
                                        + AT
                                        + ": deployment "
                                        + id
                                        + " in an unknown environment. No such server.",
                                List.of(),
                                List.of(
                                        "<https://stride.example/deployments/"
                                                + id
                                                + "|Deployment>")));
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
