package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * An environment's name, as the deployment request and every event carry it: {@code development}, {@code qa},
 * {@code prod-eu}. The contract fixes only its form (a lowercase letter, then lowercase letters, digits and '-',
 * at most 32 characters, not ending in '-'); which environments exist, their order and their tier are
 * configuration ({@link EnvironmentCatalog}). The runbook's three are constants here because they are the default
 * catalogue.
 */
public final class Environment {

    /** The form of a name: what the schemas' {@code environment} pattern says too. */
    public static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,30}[a-z0-9])?");

    public static final Environment DEVELOPMENT = new Environment("development");
    public static final Environment STAGING = new Environment("staging");
    public static final Environment PRODUCTION = new Environment("production");

    private final String name;

    private Environment(String name) {
        this.name = name;
    }

    @JsonValue
    public String wireName() {
        return name;
    }

    /** The environment of that name; a name not of the contract's form is refused. */
    @JsonCreator
    public static Environment fromWire(String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "not an environment name (a lowercase letter, then lowercase letters, digits and '-', at most"
                            + " 32 characters, not ending in '-'): "
                            + (value == null ? "null" : "'" + value + "'"));
        }
        return switch (value) {
            case "development" -> DEVELOPMENT;
            case "staging" -> STAGING;
            case "production" -> PRODUCTION;
            default -> new Environment(value);
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Environment e && e.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
