package dev.stride.executor.run;

import dev.stride.events.PhaseType;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficAction.ActivateColour;
import dev.stride.executor.traffic.TrafficAction.Colour;
import dev.stride.executor.traffic.TrafficAction.CompleteRollout;
import dev.stride.executor.traffic.TrafficAction.Promote;
import dev.stride.executor.traffic.TrafficAction.Release;
import dev.stride.executor.traffic.TrafficAction.Roll;
import dev.stride.executor.traffic.TrafficAction.SetWeight;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a phase's type and parameters, as the plan carries them, into the {@link TrafficAction} a driver takes: once,
 * here, for every driver. JSON on the way may turn an int into a long, a double or a string. What is malformed fails
 * here, never retried; what is missing but only some platforms need (an artifact, colours) is the driver's to ask
 * for.
 */
public final class PhaseActions {

    private PhaseActions() {}

    /**
     * The action a phase of {@code type} with {@code parameters} asks of a platform; {@code platform} names it in
     * the refusal of a phase or finalize action no platform takes.
     */
    public static TrafficAction parse(
            String platform, PhaseType type, Map<String, Object> parameters)
            throws PlatformException {
        Map<String, Object> given = parameters == null ? Map.of() : parameters;
        Release release = release(given);
        return switch (type) {
            case TRAFFIC -> new SetWeight(weight(given.get("weight")), release);
            case ROLLOUT ->
                    new Roll(
                            release,
                            count(given.get("batchSize"), "batchSize", 1),
                            count(given.get("maxUnavailable"), "maxUnavailable", 0),
                            healthCheck(given.get("healthCheck")));
            case FINALIZE -> finalizeAction(platform, given.get("action"), release, given);
            default ->
                    throw new PlatformException(
                            platform + " does not apply " + type + " phases", false);
        };
    }

    private static TrafficAction finalizeAction(
            String platform, Object action, Release release, Map<String, Object> given)
            throws PlatformException {
        if ("promote-canary".equals(action)) {
            return new Promote(release);
        }
        if ("activate-new-colour".equals(action)) {
            return new ActivateColour(release, flag(given.get("scaleDownOldColour")));
        }
        if ("complete-rollout".equals(action)) {
            return new CompleteRollout(release);
        }
        throw new PlatformException(
                platform + " does not know the finalize action '" + action + "'", false);
    }

    /** The ROLLOUT phase's {@code healthCheck} (the request's rolling health_check), or null without one. */
    static TrafficAction.HealthCheck healthCheck(Object value) throws PlatformException {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> check)) {
            throw new PlatformException("a ROLLOUT phase's healthCheck must be an object", false);
        }
        String path = text(check.get("path")).orElse(null);
        if (path == null || !path.startsWith("/")) {
            throw new PlatformException(
                    "a ROLLOUT phase's healthCheck needs an absolute path, got "
                            + check.get("path"),
                    false);
        }
        try {
            return new TrafficAction.HealthCheck(
                    path,
                    dev.stride.events.spec.Durations.parse(String.valueOf(check.get("timeout"))),
                    dev.stride.events.spec.Durations.parse(String.valueOf(check.get("interval"))),
                    Math.max(1, count(check.get("healthyThreshold"), "healthyThreshold", 1)),
                    Math.max(1, count(check.get("unhealthyThreshold"), "unhealthyThreshold", 1)));
        } catch (IllegalArgumentException e) {
            throw new PlatformException(
                    "a ROLLOUT phase's healthCheck has a bad duration: " + e.getMessage(), false);
        }
    }

    static int weight(Object value) throws PlatformException {
        Integer weight = whole(value);
        if (weight == null || weight < 0 || weight > 100) {
            throw new PlatformException(
                    "a TRAFFIC phase needs a weight of 0..100 percent, got " + value, false);
        }
        return weight;
    }

    static int count(Object value, String name, int fallback) throws PlatformException {
        if (value == null) {
            return fallback;
        }
        Integer count = whole(value);
        if (count == null || count < 0) {
            throw new PlatformException(
                    "a ROLLOUT phase needs " + name + " as a whole number >= 0, got " + value,
                    false);
        }
        return count;
    }

    private static Release release(Map<String, Object> given) {
        Map<String, Colour> colours = new LinkedHashMap<>();
        if (given.get("colours") instanceof Map<?, ?> named) {
            for (String name : new String[] {"blue", "green"}) {
                if (named.get(name) instanceof Map<?, ?> colour
                        && colour.get("targetGroup") instanceof String group
                        && !group.isBlank()) {
                    colours.put(
                            name,
                            new Colour(
                                    group.strip(),
                                    text(colour.get("autoScalingGroup")),
                                    text(colour.get("healthCheckPath"))));
                }
            }
        }
        return new Release(
                text(given.get("artifact")),
                text(given.get("version")),
                "blue-green".equals(given.get("strategy")),
                colours);
    }

    // A plan says true or false as JSON booleans; a hand-written "true" counts too. Anything else
    // leaves the
    // platform's default.
    private static Optional<Boolean> flag(Object value) {
        if (value instanceof Boolean b) {
            return Optional.of(b);
        }
        return "true".equals(value) ? Optional.of(true) : Optional.empty();
    }

    private static Optional<String> text(Object value) {
        return value instanceof String s && !s.isBlank()
                ? Optional.of(s.strip())
                : Optional.empty();
    }

    private static Integer whole(Object value) {
        double number = Double.NaN;
        if (value instanceof Number n) {
            number = n.doubleValue();
        } else if (value instanceof String text && text.strip().matches("\\d{1,9}")) {
            number = Integer.parseInt(text.strip());
        }
        return Double.isNaN(number) || number != Math.rint(number) ? null : (int) number;
    }
}
