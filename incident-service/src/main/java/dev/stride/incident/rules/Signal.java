package dev.stride.incident.rules;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import java.util.Arrays;
import java.util.Locale;

/**
 * What arrived, reduced to what classification rules look at. {@code environment} is null when neither the event
 * nor an earlier DeploymentRequested/DeploymentFinished named it; rules that ask for an environment then do not
 * match.
 */
public record Signal(
        Source source,
        Environment environment,
        String metric,
        ThresholdBreached.Kind kind,
        ThresholdBreached.Action action,
        String outcome) {

    /** The event a rule listens to, by its topic's short name. */
    public enum Source {
        THRESHOLD_BREACHED,
        ROLLBACK_COMPLETED,
        DEPLOYMENT_FINISHED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Source parse(String text) {
            return Arrays.stream(values())
                    .filter(s -> s.wireName().equals(text.trim()))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalArgumentException(
                                            "unknown event '"
                                                    + text
                                                    + "', expected threshold-breached, rollback-completed or deployment-finished"));
        }
    }

    public static Signal of(ThresholdBreached e, Environment environment) {
        return new Signal(
                Source.THRESHOLD_BREACHED, environment, e.metric(), e.kind(), e.action(), null);
    }

    public static Signal of(RollbackCompleted e, Environment environment) {
        return new Signal(
                Source.ROLLBACK_COMPLETED, environment, null, null, null, e.outcome().name());
    }

    public static Signal of(DeploymentFinished e) {
        return new Signal(
                Source.DEPLOYMENT_FINISHED, e.environment(), null, null, null, e.outcome().name());
    }
}
