package dev.stride.planner.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.spec.DeploymentChecks;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.EnvironmentCatalog;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.events.spec.RollingStrategy;
import dev.stride.planner.plan.PhaseCompiler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The planner's configurable rules. Per application overrides come first, then the defaults. Every rule names a
 * configured environment ({@link EnvironmentCatalog}, {@code stride.environments}); a predecessor must come earlier
 * in the order of progression. Without a rule of its own, {@code production} (when configured) requires
 * {@code staging} (when configured) and one approval, as the runbook does; other names require nothing until
 * configured.
 * <pre>
 * stride.progression.requires.production=staging                 # production needs the version SUCCEEDED in staging
 * stride.progression.requires.prod-eu=perf
 * stride.progression.application.checkout.requires.production=   # (empty: checkout needs nothing)
 * stride.approvals.required.production=1
 * stride.approvals.application.checkout.required.production=2
 * stride.checks.defaults.production={"post":{"error_rate":"&lt;1%"}}   # JSON of the request's checks block
 * </pre>
 */
@ApplicationScoped
public class PlannerRules {

    private static final String CHECK_DEFAULTS = "stride.checks.defaults.";

    // The smallest request there is, to try default checks on at start-up.
    private static final DeploymentRequested PROBE =
            new DeploymentRequested(
                    new UUID(0, 0),
                    "probe",
                    Environment.DEVELOPMENT,
                    "0",
                    "probe",
                    null,
                    null,
                    "stride",
                    new KubernetesTarget("probe", "probe", null, null),
                    new RollingStrategy(1, 0, null),
                    null,
                    null);

    private final EnvironmentCatalog environments;
    private final Map<String, String> rules;
    private final Duration deadlineMargin;
    private final Map<Environment, DeploymentChecks> checkDefaults = new HashMap<>();

    public PlannerRules(
            Config config,
            EnvironmentCatalog environments,
            @ConfigProperty(name = "stride.deadline.margin", defaultValue = "10m")
                    Duration deadlineMargin) {
        this.environments = environments;
        this.rules = readRules(config, environments);
        this.deadlineMargin = deadlineMargin;
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(CHECK_DEFAULTS)) {
                String env = name.substring(CHECK_DEFAULTS.length());
                try {
                    environments.require(env);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            name + " names no configured environment: " + e.getMessage());
                }
            }
        }
        for (Environment environment : environments.environments()) {
            String key = CHECK_DEFAULTS + environment.wireName();
            config.getOptionalValue(key, String.class)
                    .filter(json -> !json.isBlank())
                    .ifPresent(
                            json -> {
                                try {
                                    DeploymentChecks defaults =
                                            EventCodec.mapper()
                                                    .readValue(json, DeploymentChecks.class);
                                    new PhaseCompiler()
                                            .compile(
                                                    PROBE, defaults); // fails now, not at the first
                                    // deployment
                                    checkDefaults.put(environment, defaults);
                                } catch (JsonProcessingException e) {
                                    throw new IllegalArgumentException(
                                            key
                                                    + " is not a JSON checks block: "
                                                    + e.getOriginalMessage());
                                } catch (IllegalArgumentException e) {
                                    throw new IllegalArgumentException(
                                            key
                                                    + " is not a usable checks block: "
                                                    + e.getMessage());
                                }
                            });
        }
    }

    /** The environment in which the same version must have SUCCEEDED first, if any. */
    public Optional<Environment> requiredPredecessor(String application, Environment environment) {
        String value =
                setting(
                        application,
                        "stride.progression",
                        "requires." + environment.wireName(),
                        runbookDefault(environment, "staging"));
        return value.isBlank() ? Optional.empty() : Optional.of(Environment.fromWire(value.trim()));
    }

    public int requiredApprovals(String application, Environment environment) {
        String value =
                setting(
                        application,
                        "stride.approvals",
                        "required." + environment.wireName(),
                        runbookDefault(environment, "1"));
        return value.isBlank() ? 0 : Integer.parseInt(value.trim());
    }

    /** The configured environments, in order of progression. */
    public EnvironmentCatalog environments() {
        return environments;
    }

    // The runbook's rule for production, where the catalogue has production (and, for a
    // predecessor, staging).
    private String runbookDefault(Environment environment, String value) {
        if (!environment.equals(Environment.PRODUCTION)) {
            return "";
        }
        if (value.equals("staging") && !environments.contains(Environment.STAGING)) {
            return "";
        }
        return value;
    }

    public DeploymentChecks checkDefaults(Environment environment) {
        return checkDefaults.get(environment);
    }

    public Duration deadlineMargin() {
        return deadlineMargin;
    }

    // An application's own setting wins, even when it is empty (which switches the rule off for
    // it).
    private String setting(String application, String prefix, String key, String fallback) {
        String own = prefix + ".application." + application + "." + key;
        return rules.containsKey(own)
                ? rules.get(own)
                : rules.getOrDefault(prefix + "." + key, fallback);
    }

    // Read and checked once at start-up: a bad rule stops the service, not a deployment.
    private static Map<String, String> readRules(Config config, EnvironmentCatalog environments) {
        Map<String, String> rules = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (!name.startsWith("stride.progression.") && !name.startsWith("stride.approvals.")) {
                continue;
            }
            String raw = config.getConfigValue(name).getRawValue();
            String value = raw == null ? "" : raw.trim();
            try {
                Environment subject = subject(name, environments);
                if (name.startsWith("stride.progression.") && !value.isEmpty()) {
                    Environment before = environments.require(value);
                    if (environments.order(before) >= environments.order(subject)) {
                        throw new IllegalArgumentException(
                                "'"
                                        + value
                                        + "' does not come before '"
                                        + subject
                                        + "' in stride.environments ("
                                        + environments.names()
                                        + ")");
                    }
                } else if (!value.isEmpty()) {
                    int approvals = Integer.parseInt(value);
                    if (approvals < 0 || approvals > 10) {
                        throw new IllegalArgumentException("must be from 0 to 10");
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        name + " = '" + value + "' is not a valid rule: " + e.getMessage());
            }
            rules.put(name, value);
        }
        return Map.copyOf(rules);
    }

    // The environment a rule key ends with: ...requires.<env> or ...required.<env>.
    private static Environment subject(String name, EnvironmentCatalog environments) {
        String marker = name.startsWith("stride.progression.") ? "requires." : "required.";
        int at = name.lastIndexOf(marker);
        if (at < 0) {
            throw new IllegalArgumentException(
                    "is not a rule: expected a key ending in " + marker + "<environment>");
        }
        String env = name.substring(at + marker.length());
        try {
            return environments.require(env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "names no configured environment: " + e.getMessage());
        }
    }
}
