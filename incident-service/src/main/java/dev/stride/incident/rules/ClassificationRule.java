package dev.stride.incident.rules;

import dev.stride.events.Severity;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import java.util.Set;

/**
 * One classification rule: on which event, under which conditions (each an allowed set; empty means any), an
 * incident of which severity opens, for which cause. The cause makes the de-duplication key with the deployment,
 * so rules that describe one problem (a breach and the rollback that follows it) share a cause.
 */
public record ClassificationRule(
        String name,
        Signal.Source on,
        Set<Environment> environments,
        Set<String> metrics,
        Set<ThresholdBreached.Kind> kinds,
        Set<ThresholdBreached.Action> actions,
        Set<String> outcomes,
        Set<Signal.Requester> requesters,
        Severity severity,
        String cause,
        String title) {

    /** A rule that does not ask who requested a rollback. */
    public ClassificationRule(
            String name,
            Signal.Source on,
            Set<Environment> environments,
            Set<String> metrics,
            Set<ThresholdBreached.Kind> kinds,
            Set<ThresholdBreached.Action> actions,
            Set<String> outcomes,
            Severity severity,
            String cause,
            String title) {
        this(
                name,
                on,
                environments,
                metrics,
                kinds,
                actions,
                outcomes,
                Set.of(),
                severity,
                cause,
                title);
    }

    public ClassificationRule {
        environments = Set.copyOf(environments);
        metrics = Set.copyOf(metrics);
        kinds = Set.copyOf(kinds);
        actions = Set.copyOf(actions);
        outcomes = Set.copyOf(outcomes);
        requesters = Set.copyOf(requesters);
        cause = cause == null || cause.isBlank() ? name : cause;
        title = title == null || title.isBlank() ? name : title;
    }

    public boolean matches(Signal s) {
        return s.source() == on
                && (environments.isEmpty()
                        || (s.environment() != null && environments.contains(s.environment())))
                && (metrics.isEmpty() || (s.metric() != null && metrics.contains(s.metric())))
                && (kinds.isEmpty() || (s.kind() != null && kinds.contains(s.kind())))
                && (actions.isEmpty() || (s.action() != null && actions.contains(s.action())))
                && (outcomes.isEmpty() || (s.outcome() != null && outcomes.contains(s.outcome())))
                && (requesters.isEmpty()
                        || (s.requester() != null && requesters.contains(s.requester())));
    }
}
