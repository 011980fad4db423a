package dev.stride.executor.traffic;

import java.util.Map;

/**
 * A phase's parameters as the plan carries them, read the same way by every driver: JSON on the way may turn an
 * int into a long, a double or a string.
 */
public final class PhaseParameters {

    private PhaseParameters() {
    }

    public static int weight(Object value) throws PlatformException {
        Integer weight = whole(value);
        if (weight == null || weight < 0 || weight > 100) {
            throw new PlatformException("a TRAFFIC phase needs a weight of 0..100 percent, got " + value, false);
        }
        return weight;
    }

    public static int count(Object value, String name, int fallback) throws PlatformException {
        if (value == null) {
            return fallback;
        }
        Integer count = whole(value);
        if (count == null || count < 0) {
            throw new PlatformException("a ROLLOUT phase needs " + name + " as a whole number >= 0, got " + value,
                    false);
        }
        return count;
    }

    public static String artifact(Map<String, Object> parameters) throws PlatformException {
        if (parameters.get("artifact") instanceof String artifact && !artifact.isBlank()) {
            return artifact.strip();
        }
        throw new PlatformException("the phase names no artifact (the image to release)", false);
    }

    private static Integer whole(Object value) {
        double number = Double.NaN;
        if (value instanceof Number n) {
            number = n.doubleValue();
        } else if (value instanceof String text && text.strip().matches("\\d{1,9}")) {
            number = Integer.parseInt(text.strip());
        }
        return Double.isNaN(number) || number != Math.rint(number) ? null : (int) number;
    }
}
