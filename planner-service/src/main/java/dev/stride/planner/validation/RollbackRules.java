package dev.stride.planner.validation;

import static dev.stride.events.check.FieldChecks.path;
import static dev.stride.planner.validation.CriteriaRules.unitFits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.spec.Durations;
import dev.stride.events.spec.Metric;
import dev.stride.events.spec.Threshold;
import dev.stride.planner.plan.PhaseCompiler;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** The request's {@code rollback} block: its triggers (named, on a known metric, with an action) and its strategy. */
final class RollbackRules {

    /** The longest verification delay: stable is verified within the hour, or the rollback is not done. */
    static final Duration MAX_VERIFICATION_DELAY = Duration.ofHours(1);

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
                            Optional<Duration> timeout =
                                    checks.parsed(
                                            strategy,
                                            "timeout",
                                            strategyAt,
                                            false,
                                            Durations::parse);
                            checks.parsed(
                                            strategy,
                                            "verification_delay",
                                            strategyAt,
                                            false,
                                            Durations::parse)
                                    .ifPresent(
                                            delay ->
                                                    verificationDelay(
                                                            checks,
                                                            path(strategyAt, "verification_delay"),
                                                            delay,
                                                            timeout));
                        });
    }

    // The delay is waited after the platform reports stable restored, then stable is checked; a
    // delay
    // longer than the restore is allowed to take is a unit mistake more often than a wish.
    private static void verificationDelay(
            FieldChecks checks, String at, Duration delay, Optional<Duration> timeout) {
        if (delay.compareTo(MAX_VERIFICATION_DELAY) > 0) {
            checks.add(at, "must be at most 1h (stable is verified within the hour)");
        } else if (timeout.isPresent() && delay.compareTo(timeout.get()) > 0) {
            checks.add(
                    at,
                    "must not be longer than rollback.rollback_strategy.timeout ("
                            + timeout.get().toSeconds()
                            + "s)");
        }
    }
}
