package dev.stride.notifier.notice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentResumed;
import dev.stride.events.EventCodec;
import dev.stride.events.IncidentOpened;
import dev.stride.events.Severity;
import dev.stride.events.spec.Environment;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the team is told of an incident: a rule's cause, or who declared it. */
class NoticesTest {

    private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");
    private final Notices notices =
            new Notices(
                    new NoticeTemplates(Optional.empty()),
                    "https://stride.test/deployments/{deploymentId}",
                    "https://stride.test/incidents/{incidentId}");

    @Test
    void aDeclaredIncidentSaysWhoDeclaredItAndARulesSaysItsCause() {
        UUID deployment = UUID.randomUUID();
        IncidentOpened declared =
                new IncidentOpened(
                        UUID.randomUUID(),
                        deployment,
                        "checkout",
                        Environment.PRODUCTION,
                        Severity.P2,
                        "Slow reports",
                        "declared",
                        AT,
                        "alice");
        assertThat(text(declared)).endsWith(": Slow reports. Declared by alice.");

        IncidentOpened ruled =
                new IncidentOpened(
                        UUID.randomUUID(),
                        deployment,
                        "checkout",
                        Environment.PRODUCTION,
                        Severity.P1,
                        "Checkout error rate above 5%",
                        "error_rate 9%",
                        AT);
        assertThat(text(ruled))
                .endsWith(": Checkout error rate above 5%. error_rate 9%")
                .doesNotContain("Declared");
    }

    @Test
    void aPauseSaysWhoPausedWhereAndWhyAndTheResumeWhoResumed() {
        UUID deployment = UUID.randomUUID();
        DeploymentFacts facts = new DeploymentFacts("checkout", "production", "2.4.0");
        Notice paused =
                notice(
                        new DeploymentPaused(
                                deployment,
                                1,
                                2,
                                "checkout",
                                Environment.PRODUCTION,
                                "looking at the latency dashboard",
                                "alice"),
                        facts);
        assertThat(paused.text())
                .startsWith("⏸️ Deployment paused - 2026-11-26 10:00:00 UTC:")
                .contains("checkout 2.4.0 in production holds at phase 2, paused by alice")
                .contains("Reason: looking at the latency dashboard.");
        Notice resumed =
                notice(
                        new DeploymentResumed(
                                deployment, 1, 2, "checkout", Environment.PRODUCTION, "bob"),
                        facts);
        assertThat(resumed.text())
                .isEqualTo(
                        "▶️ Deployment resumed - 2026-11-26 10:00:00 UTC: checkout 2.4.0 in"
                                + " production goes on from phase 2, resumed by bob.");
    }

    @Test
    void aMigrationPhaseIsAnnouncedAndItsBackupAndVersionsOrItsFailureAreTold() {
        UUID deployment = UUID.randomUUID();
        DeploymentFacts facts = new DeploymentFacts("checkout", "staging", "2.4.0");
        Notice started =
                notice(
                        new dev.stride.events.PhaseStarted(
                                deployment,
                                1,
                                1,
                                dev.stride.events.PhaseType.MIGRATION,
                                java.util.Map.of(),
                                AT),
                        facts);
        assertThat(started.kind()).isEqualTo("migration-started");
        assertThat(started.text())
                .isEqualTo(
                        "🗄️ Database migration for checkout 2.4.0 in staging started - 2026-11-26 10:00:00"
                                + " UTC: phase 1, backup first, then Flyway.");
        String summary = "backup /var/backups/x.dump (3.1 KiB, sha256 ab); versions now [1, 2]";
        Notice done =
                notice(
                        new dev.stride.events.PhaseCompleted(
                                deployment,
                                1,
                                1,
                                dev.stride.events.PhaseType.MIGRATION,
                                dev.stride.events.PhaseCompleted.Outcome.PASSED,
                                summary),
                        facts);
        assertThat(done.kind()).isEqualTo("migration-done");
        assertThat(done.text()).endsWith("done - 2026-11-26 10:00:00 UTC: " + summary);
        Notice failed =
                notice(
                        new dev.stride.events.PhaseCompleted(
                                deployment,
                                1,
                                1,
                                dev.stride.events.PhaseType.MIGRATION,
                                dev.stride.events.PhaseCompleted.Outcome.FAILED,
                                "flyway migrate failed"),
                        facts);
        assertThat(failed.kind()).isEqualTo("migration-failed");
        assertThat(failed.tone()).isEqualTo(Tone.DANGER);
        assertThat(failed.text())
                .contains("failed - 2026-11-26 10:00:00 UTC: flyway migrate failed.")
                .contains("without a rollback")
                .doesNotContain("Initiating rollback");
    }

    @Test
    void aMigrationPhaseOfARolledBackAttemptIsTheDatabaseRestore() {
        UUID deployment = UUID.randomUUID();
        DeploymentFacts facts = new DeploymentFacts("checkout", "staging", "2.4.0");
        var done =
                new dev.stride.events.PhaseCompleted(
                        deployment,
                        1,
                        5,
                        dev.stride.events.PhaseType.MIGRATION,
                        dev.stride.events.PhaseCompleted.Outcome.PASSED,
                        "restored the database from backup /b/x.dump; versions now [1]");
        var envelope = new EventCodec().wrap(done, "/stride/executor");

        Notice restored = notices.of(envelope, done, facts, true).orElseThrow();
        assertThat(restored.kind()).isEqualTo("restore-done");
        assertThat(restored.text())
                .startsWith("✅ Database restore for checkout in staging done")
                .endsWith("restored the database from backup /b/x.dump; versions now [1]");
        assertThat(notices.of(envelope, done, facts, false).orElseThrow().kind())
                .isEqualTo("migration-done");
        var traffic =
                new dev.stride.events.PhaseCompleted(
                        deployment,
                        1,
                        2,
                        dev.stride.events.PhaseType.TRAFFIC,
                        dev.stride.events.PhaseCompleted.Outcome.FAILED,
                        "error rate 3%");
        assertThat(
                        notices.of(
                                        new EventCodec().wrap(traffic, "/stride/executor"),
                                        traffic,
                                        facts,
                                        true)
                                .orElseThrow()
                                .kind())
                .as("only a MIGRATION phase becomes the restore")
                .isEqualTo("deployment-failed");
    }

    @Test
    void aRestoredStableThatIsStillToBeVerifiedIsNotCalledACompletedRollback() {
        UUID deployment = UUID.randomUUID();
        var restored =
                new dev.stride.events.RollbackCompleted(
                        deployment,
                        1,
                        dev.stride.events.RollbackCompleted.Outcome.SUCCEEDED,
                        "stable at 100%");
        Notice verifying =
                notice(restored, new DeploymentFacts("checkout", "production", "2.4.0", "2m"));
        assertThat(verifying.text())
                .startsWith("⏪ Stable restored - 2026-11-26 10:00:00 UTC: checkout in production")
                .contains("verified in 2m")
                .contains("the rollback completes once it passes")
                .doesNotContain("completed successfully");
        Notice done = notice(restored, new DeploymentFacts("checkout", "production", "2.4.0"));
        assertThat(done.text()).startsWith("✓ Rollback completed successfully");
    }

    @Test
    void theStatusPageHearsOfTroubleInEveryEnvironmentOfTheProductionTierAndNoOther() {
        Notices organisation =
                new Notices(
                        new NoticeTemplates(Optional.empty()),
                        "https://stride.test/deployments/{deploymentId}",
                        "https://stride.test/incidents/{incidentId}",
                        dev.stride.events.spec.EnvironmentCatalog.parse(
                                "qa:development,prod-eu:production"));
        assertThat(statusOf(organisation, "prod-eu")).isNotNull();
        assertThat(statusOf(organisation, "qa")).isNull();
        // production is not one of this organisation's environments: nothing goes public on a
        // guess.
        assertThat(statusOf(organisation, "production")).isNull();
        assertThat(statusOf(notices, "production")).isNotNull();
        assertThat(statusOf(notices, "staging")).isNull();
    }

    private static StatusUpdate statusOf(Notices notices, String environment) {
        var failed =
                new dev.stride.events.DeploymentFinished(
                        UUID.randomUUID(),
                        "shop",
                        Environment.fromWire(environment),
                        "2",
                        dev.stride.events.DeploymentFinished.Outcome.FAILED,
                        "rollback failed",
                        null,
                        AT,
                        AT);
        return notices.of(
                        new EventCodec().wrap(failed, "/stride/planner"),
                        failed,
                        new DeploymentFacts("shop", environment, "2"))
                .orElseThrow()
                .status();
    }

    private Notice notice(dev.stride.events.StrideEvent event, DeploymentFacts facts) {
        var envelope = new EventCodec().wrap(event, "/stride/planner");
        envelope =
                new dev.stride.events.CloudEvent(
                        envelope.specversion(),
                        envelope.id(),
                        envelope.type(),
                        envelope.source(),
                        AT,
                        envelope.subject(),
                        envelope.datacontenttype(),
                        envelope.data());
        return notices.of(envelope, event, facts).orElseThrow();
    }

    private String text(IncidentOpened event) {
        return notices.of(
                        new EventCodec().wrap(event, "/stride/incident"),
                        event,
                        DeploymentFacts.UNKNOWN)
                .orElseThrow()
                .text();
    }
}
