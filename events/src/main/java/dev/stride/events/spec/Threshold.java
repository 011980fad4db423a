package dev.stride.events.spec;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit on a metric as the runbook writes it: success criteria carry a comparison ({@code "<1%"},
 * {@code "<500ms"}); rollback triggers a bare level ({@code "5%"}, {@code "1000ms"}) whose direction the metric
 * gives. Latencies are held in milliseconds, ratios in percent, counts per minute ({@code "10/min"}, the
 * blue-green {@code rollback_threshold}'s errors per minute).
 */
public record Threshold(Comparison comparison, double value, Unit unit) {

    private static final Pattern FORMAT =
            Pattern.compile("(<=|>=|<|>)?(\\d{1,12}(?:\\.\\d{1,6})?)(%|ms|s|/min)");

    public enum Comparison {
        LESS_THAN("<"),
        AT_MOST("<="),
        GREATER_THAN(">"),
        AT_LEAST(">=");

        private final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        static Comparison of(String symbol) {
            for (Comparison c : values()) {
                if (c.symbol.equals(symbol)) {
                    return c;
                }
            }
            throw new IllegalArgumentException(symbol);
        }
    }

    public enum Unit {
        PERCENT("%", "percent (e.g. \"5%\")"),
        MILLISECONDS("ms", "time (e.g. \"500ms\")"),
        PER_MINUTE("/min", "a count per minute (e.g. \"10/min\")");

        private final String symbol;
        private final String description;

        Unit(String symbol, String description) {
            this.symbol = symbol;
            this.description = description;
        }

        /** How a value in this unit is written after its number: {@code %}, {@code ms}, {@code /min}. */
        public String symbol() {
            return symbol;
        }

        /** What a limit in this unit looks like, for an error message: {@code percent (e.g. "5%")}. */
        public String description() {
            return description;
        }
    }

    /** Parses a threshold; throws {@link IllegalArgumentException} saying what is accepted. */
    public static Threshold parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(
                    "must be a threshold such as \"<1%\", \"<500ms\", \"5%\", \"1000ms\" or \"10/min\"");
        }
        Comparison comparison = m.group(1) == null ? null : Comparison.of(m.group(1));
        double value = Double.parseDouble(m.group(2));
        return switch (m.group(3).toLowerCase(Locale.ROOT)) {
            case "%" -> {
                if (value > 100) {
                    throw new IllegalArgumentException("must be a percentage from 0% to 100%");
                }
                yield new Threshold(comparison, value, Unit.PERCENT);
            }
            case "s" -> new Threshold(comparison, value * 1000, Unit.MILLISECONDS);
            case "/min" -> new Threshold(comparison, value, Unit.PER_MINUTE);
            default -> new Threshold(comparison, value, Unit.MILLISECONDS);
        };
    }
}
