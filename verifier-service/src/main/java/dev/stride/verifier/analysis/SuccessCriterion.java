package dev.stride.verifier.analysis;

import dev.stride.events.spec.Threshold;

/**
 * A success criterion of a phase ({@code error_rate: "<1%"}). A bare level ({@code "1%"}) means "at most" for a metric
 * where higher is worse and "at least" otherwise.
 */
public record SuccessCriterion(String metric, String threshold) {

    /** Whether {@code value} meets the criterion; NaN never does. */
    public boolean metBy(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        Threshold level = Threshold.parse(threshold);
        Threshold.Comparison met = level.comparison();
        if (met == null) {
            met =
                    RollbackTrigger.higherIsWorse(metric)
                            ? Threshold.Comparison.AT_MOST
                            : Threshold.Comparison.AT_LEAST;
        }
        return Limits.compare(value, met, level.value());
    }
}
