package dev.stride.planner.validation;

import static dev.stride.events.check.FieldChecks.path;
import static dev.stride.planner.validation.CriteriaRules.unitFits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.spec.Durations;
import dev.stride.events.spec.Metric;
import dev.stride.events.spec.Threshold;
import dev.stride.planner.plan.PhaseCompiler;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** The request's {@code rollback} block: its triggers (named, on a known metric, with an action) and its strategy. */
final class RollbackRules {

    /**
     * Refused rather than ignored: nothing waits the delay after a rollback or verifies the stable version yet
     * (issue 16 item 3). A safety setting that is silently ignored is worse than one that is refused.
     */
    static final String VERIFICATION_NOT_BUILT =
            "is not supported yet: Stride does not yet wait and verify the stable version after a rollback,"
                    + " so the setting would be ignored; leave it out (a rollback ends when the platform reports"
                    + " stable restored)";

    static final Set<String> ACTIONS = Set.of("automatic_rollback", "pause", "alert");

    private static final int MAX_TRIGGERS = 20;

    private RollbackRules() {}

    static void rollback(FieldChecks checks, JsonNode rollback) {
        String at = "rollback";
        checks.onlyKnownFields(rollback, at, Set.of("triggers", "rollback_strategy"));
        checks.array(rollback, "triggers", at, true)
                .ifPresent(
                        triggers -> {
                            String triggersAt = path(at, "triggers");
                            if (triggers.isEmpty() || triggers.size() > MAX_TRIGGERS) {
                                checks.add(
                                        triggersAt,
                                        "must hold from 1 to " + MAX_TRIGGERS + " triggers");
                                return;
                            }
                            Set<String> names = new HashSet<>();
                            for (int i = 0; i < triggers.size(); i++) {
                                String triggerAt = triggersAt + "[" + i + "]";
                                JsonNode trigger = triggers.get(i);
                                if (!trigger.isObject()) {
                                    checks.add(
                                            triggerAt,
                                            "must be an object with name, metric, threshold, duration, action");
                                    continue;
                                }
                                checks.onlyKnownFields(
                                        trigger,
                                        triggerAt,
                                        Set.of(
                                                "name",
                                                "metric",
                                                "threshold",
                                                "duration",
                                                "action"));
                                checks.string(trigger, "name", triggerAt, true)
                                        .ifPresent(
                                                name -> {
                                                    if (PhaseCompiler.ROLLBACK_THRESHOLD_TRIGGER
                                                            .equals(name)) {
                                                        checks.add(
                                                                path(triggerAt, "name"),
                                                                "is the name of the trigger deployment.traffic_shifting.rollback_threshold becomes; choose another");
                                                    } else if (!names.add(name)) {
                                                        checks.add(
                                                                path(triggerAt, "name"),
                                                                "repeats the name of an earlier trigger");
                                                    }
                                                });
                                Optional<Metric> metric =
                                        checks.string(trigger, "metric", triggerAt, true)
                                                .flatMap(
                                                        name -> {
                                                            Optional<Metric> known =
                                                                    Metric.of(name);
                                                            if (known.isEmpty()) {
                                                                checks.add(
                                                                        path(triggerAt, "metric"),
                                                                        "unknown metric '"
                                                                                + name
                                                                                + "'; known metrics are "
                                                                                + Metric.names());
                                                            }
                                                            return known;
                                                        });
                                checks.parsed(
                                                trigger,
                                                "threshold",
                                                triggerAt,
                                                true,
                                                Threshold::parse)
                                        .ifPresent(
                                                threshold ->
                                                        metric.ifPresent(
                                                                m ->
                                                                        unitFits(
                                                                                checks,
                                                                                path(
                                                                                        triggerAt,
                                                                                        "threshold"),
                                                                                m,
                                                                                threshold)));
                                checks.parsed(
                                        trigger, "duration", triggerAt, true, Durations::parse);
                                checks.oneOf(trigger, "action", triggerAt, true, ACTIONS);
                            }
                        });
        checks.object(rollback, "rollback_strategy", at, false)
                .ifPresent(
                        strategy -> {
                            String strategyAt = path(at, "rollback_strategy");
                            checks.onlyKnownFields(
                                    strategy,
                                    strategyAt,
                                    Set.of("method", "timeout", "verification_delay"));
                            checks.oneOf(
                                    strategy,
                                    "method",
                                    strategyAt,
                                    true,
                                    Set.of("previous_version"));
                            checks.parsed(strategy, "timeout", strategyAt, false, Durations::parse);
                            checks.parsed(
                                            strategy,
                                            "verification_delay",
                                            strategyAt,
                                            false,
                                            Durations::parse)
                                    .ifPresent(
                                            delay ->
                                                    checks.add(
                                                            path(strategyAt, "verification_delay"),
                                                            VERIFICATION_NOT_BUILT));
                        });
    }
}
