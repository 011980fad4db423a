package dev.stride.events.spec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The runbook's duration strings: {@code "30s"}, {@code "5m"}, {@code "1h30m"}, {@code "500ms"}. */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("(\\d{1,9}(ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private Durations() {}

    /** Parses a positive duration; throws {@link IllegalArgumentException} saying what is accepted. */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "must be a duration such as \"30s\", \"5m\", \"1h30m\" or \"500ms\"");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            long amount = Long.parseLong(part.group(1));
            total =
                    total.plus(
                            switch (part.group(2)) {
                                case "ms" -> Duration.ofMillis(amount);
                                case "s" -> Duration.ofSeconds(amount);
                                case "m" -> Duration.ofMinutes(amount);
                                default -> Duration.ofHours(amount);
                            });
        }
        if (total.isZero()) {
            throw new IllegalArgumentException("must be longer than zero");
        }
        return total;
    }
}
