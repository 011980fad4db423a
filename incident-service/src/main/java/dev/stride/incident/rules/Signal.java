package dev.stride.incident.rules;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What arrived, reduced to what classification rules look at. {@code environment} is null when neither the event
 * nor an earlier DeploymentRequested/DeploymentFinished named it; rules that ask for an environment then do not
 * match. {@code requester} says who asked for a rollback (RollbackRequested only).
 */
public record Signal(
        Source source,
        Environment environment,
        String metric,
        ThresholdBreached.Kind kind,
        ThresholdBreached.Action action,
        String outcome,
        Requester requester) {

    /** A signal that is not a rollback request. */
    public Signal(
            Source source,
            Environment environment,
            String metric,
            ThresholdBreached.Kind kind,
            ThresholdBreached.Action action,
            String outcome) {
        this(source, environment, metric, kind, action, outcome, null);
    }

    /** The event a rule listens to, by its topic's short name. */
    public enum Source {
        THRESHOLD_BREACHED,
        ROLLBACK_REQUESTED,
        ROLLBACK_COMPLETED,
        DEPLOYMENT_FINISHED,
        DEPLOYMENT_PAUSED;

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
                                                    + "', expected one of "
                                                    + Arrays.stream(values())
                                                            .map(Source::wireName)
                                                            .collect(Collectors.joining(", "))));
        }
    }

    /**
     * Who asked for a rollback, from the RollbackRequested's envelope {@code source} and {@code requestedBy}:
     *
     * <ul>
     *   <li>{@code AUTOMATIC}: Stride's own trigger. The planner (source {@code /stride/planner}) rolls back on its
     *       own on a breached trigger, a failed phase or a missed deadline, and then names the service whose event
     *       decided it ({@code verifier}, {@code executor}) or itself ({@code planner}).
     *   <li>{@code MANUAL}: anyone else. Through the planner that is a person: its REST rollback and abort name
     *       the caller the token names. Another system publishing on the topic (on-call tooling, a script) names
     *       whoever asked; it is a request from outside Stride's triggers, so it counts as by hand too.
     * </ul>
     *
     * (This service's own requests, its response to a P0/P1, are never classified: the responder skips them.)
     */
    public enum Requester {
        AUTOMATIC,
        MANUAL;

        static final String PLANNER_SOURCE = "/stride/planner";
        static final Set<String> STRIDE_TRIGGERS =
                Set.of("planner", "verifier", "executor", "incident-service");

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Requester of(String source, String requestedBy) {
            if (PLANNER_SOURCE.equals(source)
                    && requestedBy != null
                    && STRIDE_TRIGGERS.contains(requestedBy.strip())) {
                return AUTOMATIC;
            }
            return MANUAL;
        }
    }

    public static Signal of(ThresholdBreached e, Environment environment) {
        return new Signal(
                Source.THRESHOLD_BREACHED, environment, e.metric(), e.kind(), e.action(), null);
    }

    public static Signal of(Requester requester, Environment environment) {
        return new Signal(
                Source.ROLLBACK_REQUESTED, environment, null, null, null, null, requester);
    }

    public static Signal of(RollbackCompleted e, Environment environment) {
        return new Signal(
                Source.ROLLBACK_COMPLETED, environment, null, null, null, e.outcome().name());
    }

    public static Signal of(DeploymentPaused e) {
        return new Signal(Source.DEPLOYMENT_PAUSED, e.environment(), null, null, null, null);
    }

    public static Signal of(DeploymentFinished e) {
        return new Signal(
                Source.DEPLOYMENT_FINISHED, e.environment(), null, null, null, e.outcome().name());
    }
}
