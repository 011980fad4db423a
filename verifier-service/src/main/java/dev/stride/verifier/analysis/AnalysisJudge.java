package dev.stride.verifier.analysis;

import dev.stride.events.PhaseCompleted;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Metric;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The analysis maths, pure: given a phase's measurements so far, what the latest one means.
 *
 * <p>The window rule: a measurement stands for the interval that ends at it. A rollback trigger with duration
 * {@code D}, measured every {@code i}, fires at the {@code n}-th consecutive measurement over its level,
 * {@code n = max(1, ceil(D / i))} (so {@code error_rate 5% for 5m} at 10 s fires at the 30th measurement in a row
 * over 5%: every measurement across those 5 minutes was over). A measurement at or under the level, without data, or
 * with a provider error ends the run. A trigger fires once per run; a new run can fire again. The window is the
 * phase's own: runs do not carry over from one phase to the next.
 *
 * <p>Success criteria are judged when the phase's last measurement is in, on the mean of the phase's measured
 * values of their metric; a criterion with no value at all over the phase cannot be judged and fails the phase.
 */
public final class AnalysisJudge {

    private AnalysisJudge() {}

    /** Assesses measurement {@code seq} of {@code spec}'s analysis, given every sample up to it. */
    public static Assessment assess(AnalysisSpec spec, List<Sample> samples, int seq) {
        List<Sample> sofar =
                samples.stream()
                        .filter(s -> s.seq() <= seq)
                        .sorted(Comparator.comparingInt(Sample::seq))
                        .toList();
        List<Finding> findings = new ArrayList<>();
        String rollback = null;
        for (RollbackTrigger trigger : spec.triggers()) {
            List<Sample> series = series(sofar, trigger.metric());
            int needed = trigger.measurementsToFire(spec.interval());
            if (series.isEmpty()
                    || series.get(series.size() - 1).seq() != seq
                    || trailingRun(series, trigger) != needed) {
                continue;
            }
            Sample last = series.get(series.size() - 1);
            String window = text(trigger.duration() == null ? spec.interval() : trigger.duration());
            findings.add(
                    new Finding(
                            ThresholdBreached.Kind.TRIGGER,
                            trigger.metric(),
                            last.value(),
                            trigger.threshold(),
                            window,
                            trigger.action()));
            if (trigger.action() == ThresholdBreached.Action.AUTOMATIC_ROLLBACK
                    && rollback == null) {
                rollback =
                        "rollback trigger "
                                + (trigger.name() == null ? trigger.metric() : trigger.name())
                                + ": "
                                + trigger.metric()
                                + " "
                                + format(trigger.metric(), last.value())
                                + " over "
                                + trigger.threshold()
                                + " for "
                                + window
                                + " ("
                                + needed
                                + " measurement"
                                + (needed == 1 ? "" : "s")
                                + " in a row)";
            }
        }
        for (String metric : spec.metrics()) {
            List<Sample> series = series(sofar, metric);
            if (series.isEmpty() || series.get(series.size() - 1).seq() != seq) {
                continue;
            }
            int noData = trailing(series, Sample.Kind.NO_DATA);
            if (noData == spec.noDataLimit()) {
                findings.add(
                        new Finding(
                                ThresholdBreached.Kind.NO_DATA,
                                metric,
                                null,
                                thresholdOf(spec, metric),
                                text(spec.interval().multipliedBy(noData)),
                                blindAction(spec, metric)));
            }
            int errors = trailing(series, Sample.Kind.ERROR);
            if (errors == spec.errorLimit() + 1) {
                findings.add(
                        new Finding(
                                ThresholdBreached.Kind.PROVIDER_ERROR,
                                metric,
                                null,
                                thresholdOf(spec, metric),
                                text(spec.interval().multipliedBy(errors)),
                                blindAction(spec, metric)));
            }
        }
        if (rollback != null) {
            return new Assessment(findings, PhaseCompleted.Outcome.FAILED, rollback);
        }
        if (seq < spec.measurementCount()) {
            return new Assessment(findings, null, null);
        }
        return judgeCriteria(spec, sofar, seq, findings);
    }

    /** The verdict of a phase with nothing to measure (at the end of its hold), or promoted by an operator. */
    public static Assessment nothingToMeasure(AnalysisSpec spec) {
        if (spec.promoted()) {
            return new Assessment(
                    List.of(),
                    PhaseCompleted.Outcome.PASSED,
                    "passed: promoted by an operator, not analysed");
        }
        return new Assessment(
                List.of(),
                PhaseCompleted.Outcome.PASSED,
                "passed: "
                        + (spec.hold() == null ? "" : "held for " + text(spec.hold()) + ", ")
                        + "no success criteria or rollback triggers to analyse");
    }

    private static Assessment judgeCriteria(
            AnalysisSpec spec, List<Sample> sofar, int seq, List<Finding> findings) {
        List<String> passed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        String window = spec.hold() == null ? text(spec.interval()) : text(spec.hold());
        for (SuccessCriterion criterion : spec.criteria()) {
            OptionalDouble mean = mean(series(sofar, criterion.metric()));
            if (mean.isEmpty()) {
                failed.add(
                        criterion.metric()
                                + ": no data over the phase, the criterion "
                                + criterion.threshold()
                                + " cannot be judged");
                continue;
            }
            String seen =
                    criterion.metric()
                            + " mean "
                            + format(criterion.metric(), mean.getAsDouble())
                            + " ("
                            + criterion.threshold()
                            + ")";
            if (criterion.metBy(mean.getAsDouble())) {
                passed.add(seen);
            } else {
                failed.add(seen + " not met");
                findings.add(
                        new Finding(
                                ThresholdBreached.Kind.CRITERIA,
                                criterion.metric(),
                                mean.getAsDouble(),
                                criterion.threshold(),
                                window,
                                ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
            }
        }
        String measured = seq + " measurement" + (seq == 1 ? "" : "s");
        if (!failed.isEmpty()) {
            return new Assessment(
                    findings,
                    PhaseCompleted.Outcome.FAILED,
                    "failed after " + measured + ": " + String.join("; ", failed));
        }
        String detail = passed.isEmpty() ? "no rollback trigger fired" : String.join(", ", passed);
        return new Assessment(
                findings,
                PhaseCompleted.Outcome.PASSED,
                "passed after " + measured + ": " + detail);
    }

    /** How many of the series' last samples in a row are values over the trigger's level. */
    static int trailingRun(List<Sample> series, RollbackTrigger trigger) {
        int run = 0;
        for (int i = series.size() - 1; i >= 0; i--) {
            Sample sample = series.get(i);
            if (!sample.hasValue() || !trigger.breachedBy(sample.value())) {
                break;
            }
            run++;
        }
        return run;
    }

    /** The mean of the series' values; empty when it has none. */
    static OptionalDouble mean(List<Sample> series) {
        return series.stream().filter(Sample::hasValue).mapToDouble(Sample::value).average();
    }

    private static int trailing(List<Sample> series, Sample.Kind kind) {
        int count = 0;
        for (int i = series.size() - 1; i >= 0 && series.get(i).kind() == kind; i--) {
            count++;
        }
        return count;
    }

    private static List<Sample> series(List<Sample> samples, String metric) {
        return samples.stream().filter(s -> s.metric().equals(metric)).toList();
    }

    private static String thresholdOf(AnalysisSpec spec, String metric) {
        return spec.triggers().stream()
                .filter(t -> t.metric().equals(metric))
                .map(RollbackTrigger::threshold)
                .findFirst()
                .orElseGet(
                        () ->
                                spec.criteria().stream()
                                        .filter(c -> c.metric().equals(metric))
                                        .map(SuccessCriterion::threshold)
                                        .findFirst()
                                        .orElse(""));
    }

    // Blind measurements say nothing about the release: the planner pauses for a person, unless the
    // metric is only
    // watched by triggers that merely alert.
    private static ThresholdBreached.Action blindAction(AnalysisSpec spec, String metric) {
        boolean criterion = spec.criteria().stream().anyMatch(c -> c.metric().equals(metric));
        boolean onlyAlerts =
                spec.triggers().stream()
                        .filter(t -> t.metric().equals(metric))
                        .allMatch(t -> t.action() == ThresholdBreached.Action.ALERT);
        return !criterion && onlyAlerts
                ? ThresholdBreached.Action.ALERT
                : ThresholdBreached.Action.PAUSE;
    }

    /** A value with its metric's unit: {@code 2.5%}, {@code 420ms}, {@code 12/min}. */
    public static String format(String metric, double value) {
        String number = String.format(Locale.ROOT, "%.3f", value).replaceAll("\\.?0+$", "");
        return Metric.of(metric).map(m -> number + m.unit().symbol()).orElse(number);
    }

    /** A duration as the runbook writes it: {@code 5m}, {@code 1m30s}, {@code 500ms}. */
    public static String text(Duration duration) {
        if (duration.toMillis() % 1000 != 0) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        StringBuilder text = new StringBuilder();
        if (seconds >= 3600) {
            text.append(seconds / 3600).append('h');
            seconds %= 3600;
        }
        if (seconds >= 60) {
            text.append(seconds / 60).append('m');
            seconds %= 60;
        }
        if (seconds > 0 || text.isEmpty()) {
            text.append(seconds).append('s');
        }
        return text.toString();
    }
}
