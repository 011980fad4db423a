package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** The runbook's pipeline stages, in progression order. */
public enum Environment {
    DEVELOPMENT,
    STAGING,
    PRODUCTION;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Environment fromWire(String value) {
        return Arrays.stream(values())
                .filter(e -> e.wireName().equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown environment: " + value));
    }
}
