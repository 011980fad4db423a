package dev.stride.events.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The environments one Stride knows, in their order of progression, each with its tier. Configured by
 * {@code stride.environments} (every service reads the same key, {@code STRIDE_ENVIRONMENTS} in the process
 * environment): a comma-separated list of {@code name} or {@code name:tier}, for example
 * {@code qa:development,perf:staging,prod-eu:production,prod-us:production}. The runbook's development, staging and
 * production are the default and are their own tier; any other name must say its tier.
 *
 * <p>The tier is what a service's built-in rules go by where the runbook says "production": the incident
 * classification, the status page, the default environment of the delivery figures. Which environments need
 * approvals or a predecessor is the planner's configuration, per name.
 */
public final class EnvironmentCatalog {

    /** The runbook's three kinds of environment. */
    public enum Tier {
        DEVELOPMENT,
        STAGING,
        PRODUCTION;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String KEY = "stride.environments";
    public static final String RUNBOOK = "development,staging,production";
    private static final int MAX_ENVIRONMENTS = 64;

    private final Map<Environment, Tier> tiers;

    private EnvironmentCatalog(Map<Environment, Tier> tiers) {
        this.tiers = tiers;
    }

    /** The runbook's development, staging and production. */
    public static EnvironmentCatalog runbook() {
        return parse(RUNBOOK);
    }

    /**
     * Reads a {@link #KEY} value; anything wrong is an {@link IllegalArgumentException} whose message names the key
     * and the entry, so a bad setting stops the service at start.
     */
    public static EnvironmentCatalog parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(KEY + " must list at least one environment");
        }
        Map<Environment, Tier> tiers = new LinkedHashMap<>();
        for (String raw : value.split(",", -1)) {
            String entry = raw.trim();
            int colon = entry.indexOf(':');
            String name = colon < 0 ? entry : entry.substring(0, colon).trim();
            Environment environment;
            try {
                environment = Environment.fromWire(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(KEY + ": '" + entry + "' is " + e.getMessage());
            }
            Tier tier =
                    colon < 0
                            ? defaultTier(name, entry)
                            : tier(entry.substring(colon + 1).trim(), entry);
            if (tiers.put(environment, tier) != null) {
                throw new IllegalArgumentException(KEY + " names '" + name + "' twice");
            }
        }
        if (tiers.size() > MAX_ENVIRONMENTS) {
            throw new IllegalArgumentException(
                    KEY + " lists " + tiers.size() + " environments, at most " + MAX_ENVIRONMENTS);
        }
        return new EnvironmentCatalog(java.util.Collections.unmodifiableMap(tiers));
    }

    private static Tier defaultTier(String name, String entry) {
        for (Tier tier : Tier.values()) {
            if (tier.wireName().equals(name)) {
                return tier;
            }
        }
        throw new IllegalArgumentException(
                KEY
                        + ": '"
                        + entry
                        + "' needs its tier, as in '"
                        + name
                        + ":production' (development, staging or production)");
    }

    private static Tier tier(String text, String entry) {
        for (Tier tier : Tier.values()) {
            if (tier.wireName().equals(text)) {
                return tier;
            }
        }
        throw new IllegalArgumentException(
                KEY
                        + ": '"
                        + entry
                        + "' has tier '"
                        + text
                        + "'; the tier is development, staging or production");
    }

    /** The environments in their order of progression. */
    public List<Environment> environments() {
        return List.copyOf(tiers.keySet());
    }

    public boolean contains(Environment environment) {
        return tiers.containsKey(environment);
    }

    /**
     * The configured environment of that name; the message of the exception lists the configured ones, for a 422
     * or a start-up error.
     */
    public Environment require(String name) {
        Optional<Environment> found =
                tiers.keySet().stream().filter(e -> e.wireName().equals(name)).findFirst();
        return found.orElseThrow(
                () ->
                        new IllegalArgumentException(
                                "must be one of " + names() + ", not '" + name + "'"));
    }

    /**
     * The tier of a configured environment; empty for one this catalogue does not list (an event from a Stride
     * configured otherwise: configure every service with the same {@link #KEY}).
     */
    public Optional<Tier> tier(Environment environment) {
        return Optional.ofNullable(tiers.get(environment));
    }

    /** The configured environments of a tier, in order of progression. */
    public Set<Environment> inTier(Tier tier) {
        return tiers.entrySet().stream()
                .filter(e -> e.getValue() == tier)
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /** The position in the order of progression, from 0; -1 when not configured. */
    public int order(Environment environment) {
        return new ArrayList<>(tiers.keySet()).indexOf(environment);
    }

    /** The names, in order, for messages: "development, staging, production". */
    public String names() {
        return tiers.keySet().stream().map(Environment::wireName).collect(Collectors.joining(", "));
    }

    /** The setting's form of this catalogue, tiers written out. */
    @Override
    public String toString() {
        return tiers.entrySet().stream()
                .map(e -> e.getKey().wireName() + ":" + e.getValue().wireName())
                .collect(Collectors.joining(","));
    }
}
