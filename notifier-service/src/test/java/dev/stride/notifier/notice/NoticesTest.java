package dev.stride.notifier.notice;

import static org.assertj.core.api.Assertions.assertThat;

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

    private String text(IncidentOpened event) {
        return notices.of(
                        new EventCodec().wrap(event, "/stride/incident"),
                        event,
                        DeploymentFacts.UNKNOWN)
                .orElseThrow()
                .text();
    }
}
