package dev.stride.verifier.metrics;

import dev.stride.verifier.analysis.Sample;

/** What a provider answered to one query: a value, "no data" (empty, NaN), or an error (unreachable, 5xx, timeout). */
public record Reading(Sample.Kind kind, double value, String message) {

    public static Reading value(double value) {
        return Double.isNaN(value)
                ? noData("the result is NaN")
                : new Reading(Sample.Kind.VALUE, value, null);
    }

    public static Reading noData(String why) {
        return new Reading(Sample.Kind.NO_DATA, Double.NaN, why);
    }

    public static Reading error(String why) {
        return new Reading(Sample.Kind.ERROR, Double.NaN, why);
    }
}
