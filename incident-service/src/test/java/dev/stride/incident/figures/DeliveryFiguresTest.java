package dev.stride.incident.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stride.incident.figures.DeliveryFigures.Finished;
import dev.stride.incident.figures.DeliveryFigures.Span;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The figures of a known history, against values worked out by hand. */
class DeliveryFiguresTest {

    static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant TO = Instant.parse("2026-03-11T00:00:00Z");

    @Test
    void aKnownHistoryGivesTheHandComputedFigures() {
        List<Finished> history =
                List.of(
                        // lead 1h30m = 5400 s, deploy 30m = 1800 s
                        ok(
                                "2026-03-01T08:00:00Z",
                                "2026-03-01T09:00:00Z",
                                "2026-03-01T09:30:00Z",
                                false),
                        // lead 25h = 90000 s, deploy 1h = 3600 s
                        ok(
                                "2026-03-02T10:00:00Z",
                                "2026-03-03T10:00:00Z",
                                "2026-03-03T11:00:00Z",
                                false),
                        // lead 2h = 7200 s, deploy 1h = 3600 s, and it caused an incident: a failed
                        // change
                        ok(
                                "2026-03-05T11:00:00Z",
                                "2026-03-05T12:00:00Z",
                                "2026-03-05T13:00:00Z",
                                true),
                        ended("ROLLED_BACK", "2026-03-04T10:20:00Z"),
                        ended("FAILED", "2026-03-07T10:00:00Z"),
                        ended("REJECTED", "2026-03-06T00:00:00Z"));
        List<Span> incidents =
                List.of(
                        new Span(
                                Instant.parse("2026-03-05T12:10:00Z"),
                                Instant.parse("2026-03-05T12:40:00Z")),
                        new Span(
                                Instant.parse("2026-03-04T10:05:00Z"),
                                Instant.parse("2026-03-04T11:35:00Z")),
                        new Span(Instant.parse("2026-03-09T10:00:00Z"), null));

        DeliveryFigures f =
                DeliveryFigures.compute("shop", "production", FROM, TO, history, incidents);

        assertThat(f.deployments()).isEqualTo(new DeliveryFigures.Counts(6, 3, 1, 1, 1, 0));
        assertThat(f.deploymentFrequencyPerDay())
                .isCloseTo(0.3, within(1e-9)); // 3 successes over 10 days
        assertThat(f.leadTimeForChangesSeconds())
                .isCloseTo((5400 + 90000 + 7200) / 3.0, within(1e-6));
        assertThat(f.leadTimeForChangesMedianSeconds()).isCloseTo(7200, within(1e-6));
        assertThat(f.changeFailureRate())
                .isCloseTo(3 / 5.0, within(1e-9)); // rolled back, failed, incident / 5
        assertThat(f.meanTimeToRecoverySeconds())
                .isCloseTo((1800 + 5400) / 2.0, within(1e-6)); // open one left out
        assertThat(f.meanTimeToDeploySeconds()).isCloseTo((1800 + 3600 + 3600) / 3.0, within(1e-6));
        assertThat(f.successRate()).isCloseTo(0.5, within(1e-9));
        assertThat(f.incidents()).isEqualTo(3);
        assertThat(f.incidentsResolved()).isEqualTo(2);
    }

    @Test
    void figuresWithNothingToComputeThemFromAreAbsent() {
        DeliveryFigures f =
                DeliveryFigures.compute(null, "production", FROM, TO, List.of(), List.of());

        assertThat(f.deploymentFrequencyPerDay()).isZero();
        assertThat(f.leadTimeForChangesSeconds()).isNull();
        assertThat(f.changeFailureRate()).isNull();
        assertThat(f.meanTimeToRecoverySeconds()).isNull();
        assertThat(f.meanTimeToDeploySeconds()).isNull();
        assertThat(f.successRate()).isNull();
    }

    @Test
    void onlyRejectedDeploymentsHaveASuccessRateButNoChangeFailureRate() {
        DeliveryFigures f =
                DeliveryFigures.compute(
                        null,
                        "production",
                        FROM,
                        TO,
                        List.of(ended("REJECTED", "2026-03-02T00:00:00Z")),
                        List.of());

        assertThat(f.successRate()).isZero();
        assertThat(f.changeFailureRate()).isNull();
    }

    private static Finished ok(String commit, String requested, String finished, boolean incident) {
        return new Finished(
                UUID.randomUUID(),
                "SUCCEEDED",
                Instant.parse(commit),
                Instant.parse(requested),
                Instant.parse(finished),
                incident);
    }

    private static Finished ended(String outcome, String finished) {
        return new Finished(
                UUID.randomUUID(),
                outcome,
                null,
                Instant.parse(finished).minusSeconds(600),
                Instant.parse(finished),
                false);
    }
}
