package dev.stride.planner.plan;

import dev.stride.events.DeploymentRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.spec.BlueGreenStrategy;
import dev.stride.events.spec.CanaryStrategy;
import dev.stride.events.spec.DatabaseMigration;
import dev.stride.events.spec.DeploymentChecks;
import dev.stride.events.spec.DeploymentStrategy;
import dev.stride.events.spec.Durations;
import dev.stride.events.spec.RollbackPolicy;
import dev.stride.events.spec.RollingStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compiles a deployment request into its phase plan: pre-deployment checks, the backup and expand migration (with a
 * {@code database} block), the strategy's phases, post-deployment checks, the finalize step, then the contract
 * migration. Pure and deterministic: the same request and defaults give an equal plan, so the
 * plan can be compiled again after a restart instead of trusting a cached copy.
 *
 * <p>The request is expected to have passed admission's validation; what cannot be planned (an unparsable
 * duration, an increment that never reaches 100%, a check block without its address) throws
 * {@link IllegalArgumentException} naming the field.
 */
public final class PhaseCompiler {

    /**
     * The name of the rollback trigger a blue-green {@code traffic_shifting.rollback_threshold} becomes on every
     * shift step; a request's own trigger may not take it.
     */
    public static final String ROLLBACK_THRESHOLD_TRIGGER = "traffic_shifting.rollback_threshold";

    /**
     * Compiles {@code request}. {@code defaults} are the environment's default checks (may be null or have null
     * parts); the request's own checks win field by field.
     */
    public PhasePlan compile(DeploymentRequested request, DeploymentChecks defaults) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(request.deployment(), "request.deployment");
        Plan plan = new Plan(request);
        DatabaseMigration database = request.database();
        plan.checks(
                "pre-deployment checks",
                withMigratedDatabase(CheckPhases.pre(request.checks(), defaults), database));
        boolean expand = database != null && !database.ofKind(DatabaseMigration.EXPAND).isEmpty();
        boolean contract =
                database != null && !database.ofKind(DatabaseMigration.CONTRACT).isEmpty();
        if (expand) {
            plan.migration(
                    "database backup and expand migration",
                    database.timeoutOrDefault(),
                    MigrationPhases.parameters(database, DatabaseMigration.EXPAND, true));
        }
        DeploymentStrategy strategy = request.deployment();
        Map<String, Object> finalize = new LinkedHashMap<>();
        if (strategy instanceof BlueGreenStrategy blueGreen) {
            blueGreen(plan, blueGreen);
            finalize.put("action", "activate-new-colour");
            finalize.put("scaleDownOldColour", true);
            // The executor needs the old colour's scaling group to scale it down.
            putIfPresent(finalize, "colours", colours(blueGreen.environments()));
        } else if (strategy instanceof CanaryStrategy canary) {
            canary(plan, canary);
            finalize.put("action", "promote-canary");
        } else if (strategy instanceof RollingStrategy rolling) {
            rolling(plan, rolling);
            finalize.put("action", "complete-rollout");
        } else {
            throw new IllegalArgumentException("unknown strategy " + strategy.strategy());
        }
        plan.checks(
                "post-deployment checks",
                withMigratedDatabase(CheckPhases.post(request.checks(), defaults), database));
        plan.finalizeStep(finalize);
        if (contract) {
            plan.migration(
                    expand
                            ? "database contract migration"
                            : "database backup and contract migration",
                    database.timeoutOrDefault(),
                    MigrationPhases.parameters(database, DatabaseMigration.CONTRACT, !expand));
        }
        return new PhasePlan(plan.phases);
    }

    // The database the MIGRATION phases change must answer before the deployment starts and after
    // it is done (the runbook's pre- and post-check), beside the checks' own database, if any.
    private static Map<String, Object> withMigratedDatabase(
            Map<String, Object> checks, DatabaseMigration database) {
        if (database != null) {
            checks.put("migrationDatabase", MigrationPhases.server(database));
        }
        return checks;
    }

    /**
     * The parameters of the CHECKS phase that verifies stable after a rollback (the runbook's
     * {@code rollback_strategy.verification_delay}): the health checks (the pre-deployment health endpoint and the
     * post-deployment endpoints, the request's over the environment's defaults) and every rollback trigger, which
     * the verifier measures on the stable version. {@code stableVersion} is the version that last SUCCEEDED in the
     * application and environment, or null when Stride knows none (the verifier then selects stable's series by
     * its stable selector alone).
     */
    public Map<String, Object> rollbackVerification(
            DeploymentRequested request, DeploymentChecks defaults, String stableVersion) {
        Map<String, Object> pre = CheckPhases.pre(request.checks(), defaults);
        Map<String, Object> post = CheckPhases.post(request.checks(), defaults);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("stage", "rollback");
        putIfPresent(parameters, "health", pre.get("health"));
        putIfPresent(parameters, "endpoints", post.get("endpoints"));
        List<Map<String, Object>> triggers = new ArrayList<>(rollbackTriggers(request.rollback()));
        if (request.deployment() instanceof BlueGreenStrategy blueGreen
                && blueGreen.trafficShifting() != null) {
            triggers.addAll(rollbackThreshold(blueGreen.trafficShifting().rollbackThreshold()));
        }
        if (!triggers.isEmpty()) {
            parameters.put("rollbackTriggers", triggers);
        }
        parameters.put("application", request.application());
        parameters.put("environment", request.environment().wireName());
        putIfPresent(parameters, "version", stableVersion);
        parameters.put("rolledBackVersion", request.version());
        parameters.put("strategy", request.deployment().strategy());
        return parameters;
    }

    /**
     * The weights a blue-green shift sets on the new colour: {@code initialWeight} if above zero, then one
     * {@code increment} more each step, the last step cut to exactly 100.
     */
    static List<Integer> blueGreenWeights(int initialWeight, int increment) {
        if (initialWeight < 0) {
            throw new IllegalArgumentException(
                    "deployment.traffic_shifting.initial_weight must not be negative: "
                            + initialWeight);
        }
        if (increment < 1) {
            throw new IllegalArgumentException(
                    "deployment.traffic_shifting.increment must be at least 1: "
                            + increment
                            + " never reaches 100%");
        }
        List<Integer> weights = new ArrayList<>();
        if (initialWeight > 0 && initialWeight < 100) {
            weights.add(initialWeight);
        }
        for (long weight = (long) initialWeight + increment; weight < 100; weight += increment) {
            weights.add((int) weight);
        }
        weights.add(100);
        return weights;
    }

    private static void blueGreen(Plan plan, BlueGreenStrategy strategy) {
        BlueGreenStrategy.TrafficShifting shifting =
                Objects.requireNonNull(strategy.trafficShifting(), "deployment.traffic_shifting");
        Duration interval = duration(shifting.interval(), "deployment.traffic_shifting.interval");
        Map<String, Object> colours = colours(strategy.environments());
        for (int weight : blueGreenWeights(shifting.initialWeight(), shifting.increment())) {
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("weight", weight);
            parameters.put("interval", shifting.interval());
            putIfPresent(parameters, "colours", colours);
            plan.analysed(
                    PhaseType.TRAFFIC,
                    "shift " + weight + "%",
                    weight,
                    interval,
                    parameters,
                    rollbackThreshold(shifting.rollbackThreshold()));
        }
    }

    /**
     * The runbook's "errors per minute that stop the shift" as a rollback trigger: {@code errors_per_minute} over
     * the level at any one measurement (no duration) rolls back. None when the request sets no threshold.
     */
    private static List<Map<String, Object>> rollbackThreshold(Integer errorsPerMinute) {
        if (errorsPerMinute == null) {
            return List.of();
        }
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("name", ROLLBACK_THRESHOLD_TRIGGER);
        trigger.put("metric", "errors_per_minute");
        trigger.put("threshold", errorsPerMinute + "/min");
        trigger.put("action", "automatic_rollback");
        return List.of(trigger);
    }

    private static void canary(Plan plan, CanaryStrategy strategy) {
        List<CanaryStrategy.Phase> phases = strategy.phases();
        if (phases == null || phases.isEmpty()) {
            throw new IllegalArgumentException("deployment.phases must hold at least one phase");
        }
        for (int i = 0; i < phases.size(); i++) {
            CanaryStrategy.Phase phase = phases.get(i);
            String at = "deployment.phases[" + i + "]";
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("weight", phase.trafficPercentage());
            Duration hold = null;
            if (phase.duration() != null) {
                hold = duration(phase.duration(), at + ".duration");
                parameters.put("duration", phase.duration());
            }
            if (phase.successCriteria() != null && !phase.successCriteria().isEmpty()) {
                parameters.put("successCriteria", new LinkedHashMap<>(phase.successCriteria()));
            }
            String name = Objects.requireNonNull(phase.name(), at + ".name");
            plan.analysed(PhaseType.TRAFFIC, name, phase.trafficPercentage(), hold, parameters);
        }
    }

    // One phase for the whole rollout: the executor replaces the batches itself, as a Kubernetes
    // rolling update does, and the verifier measures it from its request, so the rollback triggers
    // watch the rollout as a whole, batch by batch as they come up.
    private static void rolling(Plan plan, RollingStrategy strategy) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("batchSize", strategy.batchSize());
        parameters.put("maxUnavailable", strategy.maxUnavailable());
        RollingStrategy.HealthCheck check = strategy.healthCheck();
        if (check != null) {
            Map<String, Object> healthCheck = new LinkedHashMap<>();
            putIfPresent(healthCheck, "path", check.path());
            putIfPresent(healthCheck, "timeout", check.timeout());
            putIfPresent(healthCheck, "interval", check.interval());
            healthCheck.put("healthyThreshold", check.healthyThreshold());
            healthCheck.put("unhealthyThreshold", check.unhealthyThreshold());
            parameters.put("healthCheck", healthCheck);
        }
        plan.analysed(PhaseType.ROLLOUT, "rolling update", null, null, parameters);
    }

    private static Map<String, Object> colours(BlueGreenStrategy.Environments environments) {
        if (environments == null) {
            return null;
        }
        Map<String, Object> colours = new LinkedHashMap<>();
        putIfPresent(colours, "blue", colour(environments.blue()));
        putIfPresent(colours, "green", colour(environments.green()));
        return colours;
    }

    private static Map<String, Object> colour(BlueGreenStrategy.Colour colour) {
        if (colour == null) {
            return null;
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        putIfPresent(parameters, "targetGroup", colour.targetGroup());
        putIfPresent(parameters, "autoScalingGroup", colour.autoScalingGroup());
        putIfPresent(parameters, "healthCheckPath", colour.healthCheckPath());
        return parameters;
    }

    private static List<Map<String, Object>> rollbackTriggers(RollbackPolicy rollback) {
        if (rollback == null || rollback.triggers() == null) {
            return List.of();
        }
        List<Map<String, Object>> triggers = new ArrayList<>();
        for (RollbackPolicy.Trigger trigger : rollback.triggers()) {
            Map<String, Object> parameters = new LinkedHashMap<>();
            putIfPresent(parameters, "name", trigger.name());
            putIfPresent(parameters, "metric", trigger.metric());
            putIfPresent(parameters, "threshold", trigger.threshold());
            putIfPresent(parameters, "duration", trigger.duration());
            putIfPresent(parameters, "action", trigger.action());
            triggers.add(parameters);
        }
        return triggers;
    }

    private static Duration duration(String text, String field) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " " + e.getMessage(), e);
        }
    }

    private static void putIfPresent(Map<String, Object> parameters, String key, Object value) {
        if (value != null) {
            parameters.put(key, value);
        }
    }

    /** The phases so far; numbers them and adds what every phase of its kind carries. */
    private static final class Plan {
        private final List<PlannedPhase> phases = new ArrayList<>();
        private final DeploymentRequested request;
        private final List<Map<String, Object>> rollbackTriggers;

        Plan(DeploymentRequested request) {
            this.request = request;
            this.rollbackTriggers = rollbackTriggers(request.rollback());
        }

        void checks(String name, Map<String, Object> parameters) {
            add(PhaseType.CHECKS, name, null, null, false, parameters);
        }

        void analysed(
                PhaseType type,
                String name,
                Integer trafficPercentage,
                Duration hold,
                Map<String, Object> parameters) {
            analysed(type, name, trafficPercentage, hold, parameters, List.of());
        }

        /** An analysed phase with the deployment's rollback triggers and the phase's {@code own} after them. */
        void analysed(
                PhaseType type,
                String name,
                Integer trafficPercentage,
                Duration hold,
                Map<String, Object> parameters,
                List<Map<String, Object>> own) {
            withRelease(parameters);
            List<Map<String, Object>> triggers = new ArrayList<>(rollbackTriggers);
            triggers.addAll(own);
            if (!triggers.isEmpty()) {
                parameters.put("rollbackTriggers", triggers);
            }
            add(type, name, trafficPercentage, hold, true, parameters);
        }

        /** A MIGRATION phase: nothing analyses it; it may take its timeout once started. */
        void migration(String name, Duration timeout, Map<String, Object> parameters) {
            add(PhaseType.MIGRATION, name, null, timeout, false, withRelease(parameters));
        }

        void finalizeStep(Map<String, Object> parameters) {
            add(PhaseType.FINALIZE, "finalize", null, null, false, withRelease(parameters));
        }

        private Map<String, Object> withRelease(Map<String, Object> parameters) {
            putIfPresent(parameters, "artifact", request.artifact());
            putIfPresent(parameters, "version", request.version());
            return parameters;
        }

        private void add(
                PhaseType type,
                String name,
                Integer trafficPercentage,
                Duration hold,
                boolean analysed,
                Map<String, Object> parameters) {
            phases.add(
                    new PlannedPhase(
                            phases.size(),
                            type,
                            name,
                            trafficPercentage,
                            hold,
                            analysed,
                            parameters));
        }
    }
}
