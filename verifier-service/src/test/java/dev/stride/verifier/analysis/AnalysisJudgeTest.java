package dev.stride.verifier.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.PhaseCompleted;
import dev.stride.events.ThresholdBreached.Action;
import dev.stride.events.ThresholdBreached.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalysisJudgeTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    // The runbook's rollback-config.yaml.
    private static final RollbackTrigger HIGH_ERROR_RATE =
            new RollbackTrigger(
                    "high_error_rate",
                    "error_rate",
                    "5%",
                    Duration.ofMinutes(5),
                    Action.AUTOMATIC_ROLLBACK);
    private static final RollbackTrigger RESPONSE_TIME =
            new RollbackTrigger(
                    "response_time_degradation",
                    "response_time_p95",
                    "1000ms",
                    Duration.ofMinutes(3),
                    Action.AUTOMATIC_ROLLBACK);
    private static final RollbackTrigger HEALTH =
            new RollbackTrigger(
                    "health_check_failure",
                    "health_check_success_rate",
                    "90%",
                    Duration.ofMinutes(2),
                    Action.AUTOMATIC_ROLLBACK);

    @Test
    void aBareTriggerLevelIsOverWhereItsMetricIsWorseAndEqualIsNeverOver() {
        assertThat(HIGH_ERROR_RATE.breachedBy(5.0001)).isTrue();
        assertThat(HIGH_ERROR_RATE.breachedBy(5.0)).isFalse();
        assertThat(HIGH_ERROR_RATE.breachedBy(4.9)).isFalse();
        assertThat(RESPONSE_TIME.breachedBy(1000.5)).isTrue();
        assertThat(RESPONSE_TIME.breachedBy(1000)).isFalse();
        // Lower is worse for a success rate: 89% is over the trigger, 90% is not.
        assertThat(HEALTH.breachedBy(89.9)).isTrue();
        assertThat(HEALTH.breachedBy(90)).isFalse();
        assertThat(HEALTH.breachedBy(100)).isFalse();
    }

    @Test
    void nanIsNeverOverNorMeetsAnything() {
        assertThat(HIGH_ERROR_RATE.breachedBy(Double.NaN)).isFalse();
        assertThat(HEALTH.breachedBy(Double.NaN)).isFalse();
        assertThat(new SuccessCriterion("error_rate", "<1%").metBy(Double.NaN)).isFalse();
        assertThat(Sample.value(1, "error_rate", T0, Double.NaN).kind())
                .isEqualTo(Sample.Kind.NO_DATA);
    }

    @Test
    void criteriaComparisonsHoldAtTheirBoundaries() {
        assertThat(new SuccessCriterion("error_rate", "<1%").metBy(0.999)).isTrue();
        assertThat(new SuccessCriterion("error_rate", "<1%").metBy(1.0)).isFalse();
        assertThat(new SuccessCriterion("response_time", "<500ms").metBy(499)).isTrue();
        assertThat(new SuccessCriterion("response_time", "<500ms").metBy(500)).isFalse();
        assertThat(new SuccessCriterion("response_time", "<=500ms").metBy(500)).isTrue();
        assertThat(new SuccessCriterion("response_time", "<0.5s").metBy(499)).isTrue();
        // Bare levels: at most for higher-is-worse, at least for a success rate.
        assertThat(new SuccessCriterion("error_rate", "1%").metBy(1.0)).isTrue();
        assertThat(new SuccessCriterion("health_check_success_rate", "99%").metBy(99)).isTrue();
        assertThat(new SuccessCriterion("health_check_success_rate", "99%").metBy(98.9)).isFalse();
    }

    @Test
    void measurementsToFireIsTheDurationInIntervalsRoundedUp() {
        assertThat(HIGH_ERROR_RATE.measurementsToFire(TEN_SECONDS)).isEqualTo(30);
        assertThat(RESPONSE_TIME.measurementsToFire(TEN_SECONDS)).isEqualTo(18);
        assertThat(HEALTH.measurementsToFire(Duration.ofSeconds(1))).isEqualTo(120);
        assertThat(trigger("5%", Duration.ofSeconds(25)).measurementsToFire(TEN_SECONDS))
                .isEqualTo(3);
        assertThat(trigger("5%", Duration.ofSeconds(5)).measurementsToFire(TEN_SECONDS))
                .isEqualTo(1);
        assertThat(trigger("5%", null).measurementsToFire(TEN_SECONDS)).isEqualTo(1);
    }

    @Test
    void theRunbooksErrorRateTriggerFiresAtTheThirtiethMeasurementInARowOverFivePercent() {
        AnalysisSpec spec = spec(Duration.ofMinutes(10), List.of(HIGH_ERROR_RATE), List.of());
        List<Sample> samples = new ArrayList<>();
        for (int seq = 1; seq <= 29; seq++) {
            samples.add(value(seq, "error_rate", 9.0));
            assertThat(AnalysisJudge.assess(spec, samples, seq).findings())
                    .as("measurement %d", seq)
                    .isEmpty();
        }
        samples.add(value(30, "error_rate", 9.0));
        Assessment fired = AnalysisJudge.assess(spec, samples, 30);
        assertThat(fired.findings())
                .containsExactly(
                        new Finding(
                                Kind.TRIGGER,
                                "error_rate",
                                9.0,
                                "5%",
                                "5m",
                                Action.AUTOMATIC_ROLLBACK));
        assertThat(fired.outcome()).isEqualTo(PhaseCompleted.Outcome.FAILED);
        assertThat(fired.summary())
                .contains("high_error_rate", "9%", "over 5% for 5m", "30 measurements in a row");
    }

    @Test
    void aMeasurementAtTheLevelWithoutDataOrWithAnErrorEndsTheRun() {
        AnalysisSpec spec =
                spec(
                        Duration.ofMinutes(1),
                        List.of(trigger("5%", Duration.ofSeconds(30))),
                        List.of());
        for (Sample breaker :
                List.of(
                        value(2, "error_rate", 5.0),
                        Sample.noData(2, "error_rate", T0, "empty"),
                        Sample.error(2, "error_rate", T0, "timeout"))) {
            List<Sample> samples =
                    new ArrayList<>(
                            List.of(
                                    value(1, "error_rate", 7),
                                    breaker,
                                    value(3, "error_rate", 7),
                                    value(4, "error_rate", 7)));
            assertThat(AnalysisJudge.assess(spec, samples, 4).findings())
                    .as("after %s", breaker.kind())
                    .isEmpty();
            samples.add(value(5, "error_rate", 7));
            assertThat(AnalysisJudge.assess(spec, samples, 5).findings()).hasSize(1);
        }
    }

    @Test
    void aTriggerFiresOncePerRunAndAgainAfterABreak() {
        RollbackTrigger alert = new RollbackTrigger("warn", "error_rate", "5%", null, Action.ALERT);
        AnalysisSpec spec = spec(Duration.ofMinutes(1), List.of(alert), List.of());
        List<Sample> samples = new ArrayList<>();
        double[] values = {6, 7, 8, 1, 9};
        int[] fired = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            samples.add(value(i + 1, "error_rate", values[i]));
            Assessment assessment = AnalysisJudge.assess(spec, samples, i + 1);
            fired[i] = assessment.findings().size();
            assertThat(assessment.ends()).as("an alert does not end the phase").isFalse();
        }
        assertThat(fired).containsExactly(1, 0, 0, 0, 1);
    }

    @Test
    void aSuccessRateUnderItsLevelForTwoMinutesAtTenSecondsFiresAtTheTwelfth() {
        AnalysisSpec spec = spec(Duration.ofMinutes(5), List.of(HEALTH), List.of());
        List<Sample> samples = new ArrayList<>();
        for (int seq = 1; seq <= 12; seq++) {
            samples.add(value(seq, "health_check_success_rate", 85));
        }
        assertThat(AnalysisJudge.assess(spec, samples.subList(0, 11), 11).findings()).isEmpty();
        assertThat(AnalysisJudge.assess(spec, samples, 12).findings())
                .extracting(Finding::kind)
                .containsExactly(Kind.TRIGGER);
    }

    @Test
    void theRunbooksInitialCanaryPhasePassesOnTheMeanOfItsMeasurements() {
        AnalysisSpec spec =
                spec(
                        Duration.ofMinutes(10),
                        List.of(HIGH_ERROR_RATE),
                        List.of(
                                new SuccessCriterion("error_rate", "<1%"),
                                new SuccessCriterion("response_time", "<500ms")));
        assertThat(spec.measurementCount()).isEqualTo(60);
        List<Sample> samples = new ArrayList<>();
        for (int seq = 1; seq <= 60; seq++) {
            // One bad interval (3%) among good ones does not fail a mean under 1%.
            samples.add(value(seq, "error_rate", seq == 7 ? 3.0 : 0.5));
            samples.add(value(seq, "response_time", 120));
        }
        assertThat(AnalysisJudge.assess(spec, samples, 59).ends()).isFalse();
        Assessment end = AnalysisJudge.assess(spec, samples, 60);
        assertThat(end.outcome()).isEqualTo(PhaseCompleted.Outcome.PASSED);
        assertThat(end.findings()).isEmpty();
        assertThat(end.summary())
                .isEqualTo(
                        "passed after 60 measurements: error_rate mean 0.542% (<1%), response_time mean 120ms (<500ms)");
    }

    @Test
    void criteriaNotMetFailThePhaseWithACriteriaBreach() {
        AnalysisSpec spec =
                spec(
                        Duration.ofSeconds(30),
                        List.of(),
                        List.of(new SuccessCriterion("error_rate", "<0.5%")));
        List<Sample> samples =
                List.of(
                        value(1, "error_rate", 0.4),
                        value(2, "error_rate", 0.6),
                        value(3, "error_rate", 0.5));
        Assessment end = AnalysisJudge.assess(spec, samples, 3);
        assertThat(end.outcome()).isEqualTo(PhaseCompleted.Outcome.FAILED);
        assertThat(end.findings())
                .containsExactly(
                        new Finding(
                                Kind.CRITERIA,
                                "error_rate",
                                0.5,
                                "<0.5%",
                                "30s",
                                Action.AUTOMATIC_ROLLBACK));
    }

    @Test
    void aCriterionWithNoValueOverThePhaseCannotBeJudgedAndFails() {
        AnalysisSpec spec =
                spec(
                        Duration.ofSeconds(20),
                        List.of(),
                        List.of(new SuccessCriterion("error_rate", "<1%")));
        List<Sample> samples =
                List.of(
                        Sample.noData(1, "error_rate", T0, "empty vector"),
                        Sample.error(2, "error_rate", T0, "HTTP 503"));
        Assessment end = AnalysisJudge.assess(spec, samples, 2);
        assertThat(end.outcome()).isEqualTo(PhaseCompleted.Outcome.FAILED);
        assertThat(end.summary()).contains("error_rate: no data over the phase");
        assertThat(AnalysisJudge.mean(List.of())).isEmpty();
    }

    @Test
    void sustainedNoDataIsReportedOnceWhenItReachesTheLimit() {
        AnalysisSpec spec = spec(Duration.ofMinutes(1), List.of(HIGH_ERROR_RATE), List.of());
        List<Sample> samples = new ArrayList<>();
        List<Integer> reported = new ArrayList<>();
        for (int seq = 1; seq <= 5; seq++) {
            samples.add(Sample.noData(seq, "error_rate", T0, "empty vector"));
            if (!AnalysisJudge.assess(spec, samples, seq).findings().isEmpty()) {
                reported.add(seq);
            }
        }
        assertThat(reported).containsExactly(3);
        assertThat(AnalysisJudge.assess(spec, samples, 3).findings())
                .containsExactly(
                        new Finding(Kind.NO_DATA, "error_rate", null, "5%", "30s", Action.PAUSE));
    }

    @Test
    void providerErrorsBeyondTheLimitAreReportedOnce() {
        RollbackTrigger alertOnly =
                new RollbackTrigger("warn", "error_rate", "5%", null, Action.ALERT);
        AnalysisSpec spec = spec(Duration.ofMinutes(1), List.of(alertOnly), List.of());
        List<Sample> samples = new ArrayList<>();
        List<Integer> reported = new ArrayList<>();
        for (int seq = 1; seq <= 6; seq++) {
            samples.add(Sample.error(seq, "error_rate", T0, "connection refused"));
            List<Finding> findings = AnalysisJudge.assess(spec, samples, seq).findings();
            if (!findings.isEmpty()) {
                reported.add(seq);
                assertThat(findings.get(0).kind()).isEqualTo(Kind.PROVIDER_ERROR);
                assertThat(findings.get(0).action())
                        .as("only alerting triggers watch it")
                        .isEqualTo(Action.ALERT);
            }
        }
        assertThat(reported).as("limit 4: the fifth in a row").containsExactly(5);
    }

    @Test
    void measurementsAreDueEveryIntervalAndTheLastAtTheHoldsEnd() {
        AnalysisSpec spec = spec(Duration.ofSeconds(25), List.of(HIGH_ERROR_RATE), List.of());
        assertThat(spec.measurementCount()).isEqualTo(3);
        assertThat(spec.dueAt(T0, 1)).isEqualTo(T0.plusSeconds(10));
        assertThat(spec.dueAt(T0, 3)).isEqualTo(T0.plusSeconds(25));
        AnalysisSpec noHold = spec(null, List.of(HIGH_ERROR_RATE), List.of());
        assertThat(noHold.measurementCount()).isEqualTo(1);
        assertThat(noHold.dueAt(T0, 1)).isEqualTo(T0.plusSeconds(10));
        assertThat(spec(Duration.ofSeconds(3), List.of(), List.of()).measurementCount())
                .isEqualTo(1);
    }

    @Test
    void aPhaseWithoutHoldIsJudgedOnItsOneMeasurement() {
        AnalysisSpec spec =
                spec(null, List.of(), List.of(new SuccessCriterion("error_rate", "<0.1%")));
        Assessment end = AnalysisJudge.assess(spec, List.of(value(1, "error_rate", 0.0)), 1);
        assertThat(end.outcome()).isEqualTo(PhaseCompleted.Outcome.PASSED);
        assertThat(end.summary())
                .isEqualTo("passed after 1 measurement: error_rate mean 0% (<0.1%)");
    }

    @Test
    void aRolloutHasNoEndWhileItRollsThenHoldsItsHoldOrOneIntervalMore() {
        AnalysisSpec rollout = spec(null, List.of(trigger("5%", null)), List.of());
        AnalysisSpec rolling = rollout.rolling(T0, null);
        assertThat(rolling.measurementCount()).as("no end in sight").isGreaterThan(10_000);
        assertThat(rolling.dueAt(T0, 3)).isEqualTo(T0.plusSeconds(30));

        // Reported done 95 s in: one interval more, the last measurement at 105 s.
        AnalysisSpec done = rollout.rolling(T0, T0.plusSeconds(95));
        assertThat(done.measurementCount()).isEqualTo(11);
        assertThat(done.dueAt(T0, 9)).isEqualTo(T0.plusSeconds(90));
        assertThat(done.dueAt(T0, 11)).isEqualTo(T0.plusSeconds(105));

        // With a hold, that long after the rollout.
        AnalysisSpec held =
                spec(Duration.ofSeconds(30), List.of(trigger("5%", null)), List.of())
                        .rolling(T0, T0.plusSeconds(95));
        assertThat(held.dueAt(T0, held.measurementCount())).isEqualTo(T0.plusSeconds(125));
        // Done before it began (PhaseStarted read first): the hold after it, as any phase.
        assertThat(rollout.rolling(T0, T0).measurementCount()).isEqualTo(1);
        // No data is not reported while it rolls; after it, at the first measurement if there never
        // was any (the 10th here: 9 while rolling), else after the usual 3.
        assertThat(rolling.noDataLimit()).isEqualTo(Integer.MAX_VALUE);
        assertThat(done.noDataLimit()).isEqualTo(10);
        assertThat(rollout.rolling(T0, T0.plusSeconds(15)).noDataLimit()).isEqualTo(3);
        // Nothing to watch: unchanged.
        AnalysisSpec empty = spec(null, List.of(), List.of());
        assertThat(empty.rolling(T0, null)).isEqualTo(empty);
    }

    @Test
    void durationsAreWrittenAsTheRunbookWritesThem() {
        assertThat(AnalysisJudge.text(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(AnalysisJudge.text(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(AnalysisJudge.text(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(AnalysisJudge.text(Duration.ofHours(1))).isEqualTo("1h");
    }

    private static RollbackTrigger trigger(String threshold, Duration duration) {
        return new RollbackTrigger(
                "t", "error_rate", threshold, duration, Action.AUTOMATIC_ROLLBACK);
    }

    private static Sample value(int seq, String metric, double value) {
        return Sample.value(seq, metric, T0.plusSeconds(10L * seq), value);
    }

    private static AnalysisSpec spec(
            Duration hold, List<RollbackTrigger> triggers, List<SuccessCriterion> criteria) {
        return new AnalysisSpec(
                "checkout",
                "staging",
                "2.4.0",
                hold,
                TEN_SECONDS,
                "30s",
                triggers,
                criteria,
                Map.of(),
                3,
                4,
                false);
    }
}
