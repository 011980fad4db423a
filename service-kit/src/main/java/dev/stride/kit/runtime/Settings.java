package dev.stride.kit.runtime;

import java.time.Duration;

/**
 * Checks a service's settings where it reads them, so a bad value stops the service at start with a message that
 * names the key (a timeout of 0 would wait forever or not at all; a negative pool size cannot be built).
 */
public final class Settings {

    private Settings() {}

    /** A duration that must be more than zero. */
    public static Duration positive(String key, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(
                    key + " must be a duration above zero (such as 5s or 200ms), got " + value);
        }
        return value;
    }

    /** A whole number from {@code min} to {@code max}. */
    public static int between(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    key + " must be from " + min + " to " + max + ", got " + value);
        }
        return value;
    }
}
