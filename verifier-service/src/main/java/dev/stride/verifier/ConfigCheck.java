package dev.stride.verifier;

import java.time.Duration;

/**
 * Checks on configuration, made when the bean that reads it is built at start: a bad value stops the verifier with
 * a message naming its key, rather than a timeout of zero failing every query or a pool of none measuring nothing.
 */
public final class ConfigCheck {

    private ConfigCheck() {}

    public static Duration positive(String key, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalStateException(key + " must be a positive duration, is " + value);
        }
        return value;
    }

    public static int atLeastOne(String key, int value) {
        if (value < 1) {
            throw new IllegalStateException(key + " must be at least 1, is " + value);
        }
        return value;
    }
}
