package dev.stride.verifier.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.verifier.analysis.AnalysisSpec.Rescheduled;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A running analysis moved onto the incident interval and back: taken measurements and the end stay put. */
class AnalysisRescheduleTest {

    private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");
    private static final Duration TEN = Duration.ofSeconds(10);
    private static final Duration FIVE = Duration.ofSeconds(5);

    @Test
    void anIncidentMidPhaseShortensTheRestAndTheEndStays() {
        AnalysisSpec spec = spec(Duration.ofSeconds(60), TEN);
        // Measured at T+10 and T+20; the incident opens before T+30.
        Rescheduled moved = spec.every(FIVE, T, 2, false, null).orElseThrow();

        assertThat(moved.spec().interval()).isEqualTo(FIVE);
        assertThat(moved.startedAt()).isEqualTo(T.plusSeconds(10));
        assertThat(moved.nextDue()).isEqualTo(T.plusSeconds(25));
        assertThat(times(moved.spec(), moved.startedAt(), 3))
                .containsExactly(
                        T.plusSeconds(25),
                        T.plusSeconds(30),
                        T.plusSeconds(35),
                        T.plusSeconds(40),
                        T.plusSeconds(45),
                        T.plusSeconds(50),
                        T.plusSeconds(55),
                        T.plusSeconds(60));
        // The two taken are where they were in the new schedule too.
        assertThat(moved.spec().dueAt(moved.startedAt(), 2)).isEqualTo(T.plusSeconds(20));
        assertThat(moved.spec().measurementCount()).isEqualTo(10);

        // Resolved after the measurement at T+35 (the 5th): back to every 10 s, still ending at
        // T+60.
        Rescheduled back = moved.spec().every(TEN, moved.startedAt(), 5, false, null).orElseThrow();
        assertThat(back.nextDue()).isEqualTo(T.plusSeconds(45));
        assertThat(times(back.spec(), back.startedAt(), 6))
                .containsExactly(T.plusSeconds(45), T.plusSeconds(55), T.plusSeconds(60));
    }

    @Test
    void beforeTheFirstMeasurementTheWholePhaseTakesTheNewInterval() {
        Rescheduled moved =
                spec(Duration.ofSeconds(30), TEN).every(FIVE, T, 0, false, null).orElseThrow();
        assertThat(moved.startedAt()).isEqualTo(T);
        assertThat(times(moved.spec(), moved.startedAt(), 1))
                .hasSize(6)
                .last()
                .isEqualTo(T.plusSeconds(30));
    }

    @Test
    void aRolloutKeepsItsRollingEndAndTakesTheNewInterval() {
        AnalysisSpec spec = spec(Duration.ofSeconds(20), TEN);
        // Still rolling, measured at T+10, T+20, T+30.
        Rescheduled moved = spec.every(FIVE, T, 3, true, null).orElseThrow();
        assertThat(moved.spec().hold())
                .isEqualTo(Duration.ofSeconds(20)); // its hold after the rollout
        assertThat(moved.startedAt()).isEqualTo(T.plusSeconds(15));
        assertThat(moved.nextDue()).isEqualTo(T.plusSeconds(35));
        // Rolled out at T+42: it holds 20 s after that, as before.
        AnalysisSpec judged = moved.spec().rolling(moved.startedAt(), T.plusSeconds(42));
        int count = judged.measurementCount();
        assertThat(judged.dueAt(moved.startedAt(), count)).isEqualTo(T.plusSeconds(62));
    }

    @Test
    void nothingChangesWhereThereIsNothingToMove() {
        AnalysisSpec spec = spec(Duration.ofSeconds(60), TEN);
        assertThat(spec.every(TEN, T, 1, false, null)).isEmpty(); // the same interval
        assertThat(spec.every(FIVE, T, 6, false, null)).isEmpty(); // all measured
        assertThat(spec(null, TEN).every(FIVE, T, 0, false, null)).isEmpty(); // one measurement
        assertThat(
                        new AnalysisSpec(
                                        "a", "staging", "1", TEN, TEN, "30s", List.of(), List.of(),
                                        Map.of(), 3, 4, false)
                                .every(FIVE, T, 0, false, null))
                .isEmpty(); // nothing to measure
    }

    private static List<Instant> times(AnalysisSpec spec, Instant startedAt, int from) {
        List<Instant> times = new ArrayList<>();
        for (int seq = from; seq <= spec.measurementCount(); seq++) {
            times.add(spec.dueAt(startedAt, seq));
        }
        return times;
    }

    private static AnalysisSpec spec(Duration hold, Duration interval) {
        return new AnalysisSpec(
                "checkout",
                "staging",
                "2.4.0",
                hold,
                interval,
                "30s",
                List.of(),
                List.of(new SuccessCriterion("error_rate", "<1%")),
                Map.of(),
                3,
                4,
                false);
    }
}
