package dev.stride.planner.validation;

import static dev.stride.events.check.FieldChecks.path;
import static dev.stride.events.check.Formats.ABSOLUTE_PATH;
import static dev.stride.events.check.Formats.NO_SPACE;
import static dev.stride.planner.validation.CriteriaRules.criteria;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.spec.BlueGreenStrategy;
import dev.stride.events.spec.CanaryStrategy;
import dev.stride.events.spec.Durations;
import dev.stride.events.spec.RollingStrategy;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The request's {@code deployment} block: the strategy, then that strategy's block as the runbook writes it
 * (blue-green traffic shifting, canary phases, rolling batches). What a strategy needs from a platform is the
 * platform's rule (dev.stride.events.spec.Platform#checkWithDeployment), not this class's.
 */
final class StrategyRules {

    static final Set<String> STRATEGIES =
            Set.of(BlueGreenStrategy.NAME, CanaryStrategy.NAME, RollingStrategy.NAME);

    private static final int MAX_PHASES = 50;

    private StrategyRules() {}

    static void deployment(FieldChecks checks, JsonNode deployment) {
        String at = "deployment";
        Optional<String> strategy = checks.oneOf(deployment, "strategy", at, true, STRATEGIES);
        if (strategy.isEmpty()) {
            return;
        }
        switch (strategy.get()) {
            case BlueGreenStrategy.NAME -> blueGreen(checks, deployment, at);
            case CanaryStrategy.NAME -> canary(checks, deployment, at);
            default -> rolling(checks, deployment, at);
        }
    }

    private static void blueGreen(FieldChecks checks, JsonNode deployment, String at) {
        checks.onlyKnownFields(
                deployment, at, Set.of("strategy", "environments", "traffic_shifting"));
        checks.object(deployment, "environments", at, false)
                .ifPresent(
                        environments -> {
                            String envAt = path(at, "environments");
                            checks.onlyKnownFields(environments, envAt, Set.of("blue", "green"));
                            for (String colour : List.of("blue", "green")) {
                                checks.object(environments, colour, envAt, true)
                                        .ifPresent(
                                                c -> {
                                                    String colourAt = path(envAt, colour);
                                                    checks.onlyKnownFields(
                                                            c,
                                                            colourAt,
                                                            Set.of(
                                                                    "target_group",
                                                                    "auto_scaling_group",
                                                                    "health_check_path"));
                                                    checks.matching(
                                                            c,
                                                            "target_group",
                                                            colourAt,
                                                            false,
                                                            NO_SPACE,
                                                            "must not contain spaces");
                                                    checks.matching(
                                                            c,
                                                            "auto_scaling_group",
                                                            colourAt,
                                                            false,
                                                            NO_SPACE,
                                                            "must not contain spaces");
                                                    checks.matching(
                                                            c,
                                                            "health_check_path",
                                                            colourAt,
                                                            false,
                                                            ABSOLUTE_PATH,
                                                            "must be a path starting with '/'");
                                                });
                            }
                        });
        checks.object(deployment, "traffic_shifting", at, true)
                .ifPresent(
                        shifting -> {
                            String shiftAt = path(at, "traffic_shifting");
                            checks.onlyKnownFields(
                                    shifting,
                                    shiftAt,
                                    Set.of(
                                            "initial_weight",
                                            "increment",
                                            "interval",
                                            "rollback_threshold"));
                            checks.integer(shifting, "initial_weight", shiftAt, true, 0, 99);
                            if (shifting.path("increment").isIntegralNumber()
                                    && shifting.path("increment").asLong() <= 0) {
                                checks.add(
                                        path(shiftAt, "increment"),
                                        "must be at least 1: with "
                                                + shifting.path("increment").asLong()
                                                + " the new colour never reaches 100%");
                            } else {
                                checks.integer(shifting, "increment", shiftAt, true, 1, 100);
                            }
                            checks.parsed(shifting, "interval", shiftAt, true, Durations::parse);
                            checks.integer(
                                    shifting, "rollback_threshold", shiftAt, false, 0, 1_000_000);
                        });
    }

    private static void canary(FieldChecks checks, JsonNode deployment, String at) {
        checks.onlyKnownFields(deployment, at, Set.of("strategy", "phases"));
        checks.array(deployment, "phases", at, true)
                .ifPresent(
                        phases -> {
                            String phasesAt = path(at, "phases");
                            if (phases.isEmpty()) {
                                checks.add(phasesAt, "must hold at least one phase");
                                return;
                            }
                            if (phases.size() > MAX_PHASES) {
                                checks.add(phasesAt, "must hold at most " + MAX_PHASES + " phases");
                                return;
                            }
                            Set<String> names = new HashSet<>();
                            int previous = 0;
                            Integer last = null;
                            for (int i = 0; i < phases.size(); i++) {
                                String phaseAt = phasesAt + "[" + i + "]";
                                JsonNode phase = phases.get(i);
                                if (!phase.isObject()) {
                                    checks.add(
                                            phaseAt,
                                            "must be an object with name, traffic_percentage, duration");
                                    last = null;
                                    continue;
                                }
                                checks.onlyKnownFields(
                                        phase,
                                        phaseAt,
                                        Set.of(
                                                "name",
                                                "traffic_percentage",
                                                "duration",
                                                "success_criteria"));
                                checks.string(phase, "name", phaseAt, true)
                                        .ifPresent(
                                                name -> {
                                                    if (!names.add(name)) {
                                                        checks.add(
                                                                path(phaseAt, "name"),
                                                                "repeats the name of an earlier phase");
                                                    }
                                                });
                                last =
                                        checks.integer(
                                                        phase,
                                                        "traffic_percentage",
                                                        phaseAt,
                                                        true,
                                                        1,
                                                        100)
                                                .orElse(null);
                                if (last != null) {
                                    if (last <= previous) {
                                        checks.add(
                                                path(phaseAt, "traffic_percentage"),
                                                "must be higher than the previous phase's "
                                                        + previous);
                                    }
                                    previous = Math.max(previous, last);
                                }
                                boolean finalFull =
                                        i == phases.size() - 1 && last != null && last == 100;
                                checks.parsed(
                                        phase, "duration", phaseAt, !finalFull, Durations::parse);
                                checks.object(phase, "success_criteria", phaseAt, false)
                                        .ifPresent(
                                                criteria ->
                                                        criteria(
                                                                checks,
                                                                criteria,
                                                                path(phaseAt, "success_criteria")));
                            }
                            if (last != null && last != 100) {
                                checks.add(
                                        phasesAt
                                                + "["
                                                + (phases.size() - 1)
                                                + "].traffic_percentage",
                                        "the last phase must send 100% of traffic to the new version, not "
                                                + last);
                            }
                        });
    }

    private static void rolling(FieldChecks checks, JsonNode deployment, String at) {
        checks.onlyKnownFields(
                deployment,
                at,
                Set.of("strategy", "batch_size", "max_unavailable", "health_check"));
        checks.integer(deployment, "batch_size", at, true, 1, 10_000);
        checks.integer(deployment, "max_unavailable", at, true, 0, 10_000);
        checks.object(deployment, "health_check", at, false)
                .ifPresent(
                        health -> {
                            String healthAt = path(at, "health_check");
                            checks.onlyKnownFields(
                                    health,
                                    healthAt,
                                    Set.of(
                                            "path",
                                            "timeout",
                                            "interval",
                                            "healthy_threshold",
                                            "unhealthy_threshold"));
                            checks.matching(
                                    health,
                                    "path",
                                    healthAt,
                                    true,
                                    ABSOLUTE_PATH,
                                    "must be a path starting with '/'");
                            checks.parsed(health, "timeout", healthAt, true, Durations::parse);
                            checks.parsed(health, "interval", healthAt, true, Durations::parse);
                            checks.integer(health, "healthy_threshold", healthAt, true, 1, 100);
                            checks.integer(health, "unhealthy_threshold", healthAt, true, 1, 100);
                        });
    }
}
