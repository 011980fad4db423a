package dev.stride.planner.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.spec.DeploymentChecks;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.events.spec.RollingStrategy;
import dev.stride.planner.plan.PhaseCompiler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The planner's configurable rules. Per application overrides come first, then the defaults:
 * <pre>
 * stride.progression.requires.production=staging                 # production needs the version SUCCEEDED in staging
 * stride.progression.application.checkout.requires.production=   # (empty: checkout needs nothing)
 * stride.approvals.required.production=1
 * stride.approvals.application.checkout.required.production=2
 * stride.checks.defaults.production={"post":{"error_rate":"&lt;1%"}}   # JSON of the request's checks block
 * </pre>
 */
@ApplicationScoped
public class PlannerRules {

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

    private final Map<String, String> rules;
    private final Duration deadlineMargin;
    private final Map<Environment, DeploymentChecks> checkDefaults =
            new EnumMap<>(Environment.class);

    public PlannerRules(
            Config config,
            @ConfigProperty(name = "stride.deadline.margin", defaultValue = "10m")
                    Duration deadlineMargin) {
        this.rules = readRules(config);
        this.deadlineMargin = deadlineMargin;
        for (Environment environment : Environment.values()) {
            String key = "stride.checks.defaults." + environment.wireName();
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
                setting(application, "stride.progression", "requires." + environment.wireName());
        return value.isBlank() ? Optional.empty() : Optional.of(Environment.fromWire(value.trim()));
    }

    public int requiredApprovals(String application, Environment environment) {
        String value =
                setting(application, "stride.approvals", "required." + environment.wireName());
        return value.isBlank() ? 0 : Integer.parseInt(value.trim());
    }

    public DeploymentChecks checkDefaults(Environment environment) {
        return checkDefaults.get(environment);
    }

    public Duration deadlineMargin() {
        return deadlineMargin;
    }

    // An application's own setting wins, even when it is empty (which switches the rule off for
    // it).
    private String setting(String application, String prefix, String key) {
        String own = prefix + ".application." + application + "." + key;
        return rules.containsKey(own) ? rules.get(own) : rules.getOrDefault(prefix + "." + key, "");
    }

    // Read and checked once at start-up: a bad rule stops the service, not a deployment.
    private static Map<String, String> readRules(Config config) {
        Map<String, String> rules = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (!name.startsWith("stride.progression.") && !name.startsWith("stride.approvals.")) {
                continue;
            }
            String raw = config.getConfigValue(name).getRawValue();
            String value = raw == null ? "" : raw.trim();
            try {
                if (name.startsWith("stride.progression.") && !value.isEmpty()) {
                    Environment.fromWire(value);
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
}
