package dev.stride.verifier.analysis;

import java.time.Instant;

/**
 * One metric's value at one measurement of an analysis: a value, "no data" (an empty result or NaN: the metric says
 * nothing) or a provider error (Prometheus unreachable, timed out, 5xx). The three are kept apart.
 */
public record Sample(int seq, String metric, Instant at, Kind kind, double value, String message) {

    public enum Kind {
        VALUE,
        NO_DATA,
        ERROR
    }

    public static Sample value(int seq, String metric, Instant at, double value) {
        return Double.isNaN(value)
                ? noData(seq, metric, at, "the result is NaN")
                : new Sample(seq, metric, at, Kind.VALUE, value, null);
    }

    public static Sample noData(int seq, String metric, Instant at, String message) {
        return new Sample(seq, metric, at, Kind.NO_DATA, Double.NaN, message);
    }

    public static Sample error(int seq, String metric, Instant at, String message) {
        return new Sample(seq, metric, at, Kind.ERROR, Double.NaN, message);
    }

    public boolean hasValue() {
        return kind == Kind.VALUE;
    }
}
