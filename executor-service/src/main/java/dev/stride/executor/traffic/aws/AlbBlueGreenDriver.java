package dev.stride.executor.traffic.aws;

import dev.stride.events.spec.AwsAlbTarget;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficAction.Release;
import dev.stride.executor.traffic.TrafficDriver;
import dev.stride.executor.traffic.aws.AlbReleaseTags.Colour;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;

/**
 * Blue-green on an Application Load Balancer with one target group (and optionally one Auto Scaling group) per
 * colour, as the runbook's blue-green block names them ({@code app-blue-tg}/{@code app-blue-asg}, ...).
 *
 * <p>The first phase of a release decides which colour is live (the one the forward action weights most) and
 * tags the rule, or the listener when the target names no rule, with the release (see {@link AlbReleaseTags}).
 * Before the new colour gets any traffic it is listed in the forward action at weight 0 (so the load balancer
 * health-checks its targets), its scaling group is sized like the live one's, and its instances must be
 * InService and its targets healthy; if not, the phase fails as transient and the executor tries again until the
 * phase's deadline. Then the forward action's ForwardConfig weights become {@code 100 - w} / {@code w}. FINALIZE
 * (activate-new-colour) moves everything to the new colour and, with {@code scaleDownOldColour}, scales the old
 * colour's group to zero after {@code scaleDownDelay} (kept for a fast rollback until then, like Argo's
 * scaleDownDelay). Restoring stable sizes the old colour back if it was scaled down, waits for it to be healthy,
 * moves all traffic back to it, puts the new colour's group back to its size before the release and removes the
 * tags. FINALIZE marks the release {@code stride:finalized}; the next release (even of the same artifact) first
 * removes the finished one's tags, so its rollback never undoes the release before it.
 *
 * <p>The read-back reports weights by version: {@code canary} is the new colour's share of the forward weights.
 */
public final class AlbBlueGreenDriver implements TrafficDriver<AwsAlbTarget> {

    private static final Logger LOG = Logger.getLogger(AlbBlueGreenDriver.class);

    /** Runs a task later, off the caller's thread (a Vert.x timer in the service; a hand-driven fake in tests). */
    @FunctionalInterface
    public interface Later {
        void after(Duration delay, Runnable task);
    }

    private final AwsClients clients;
    private final Duration scaleDownDelay;
    private final Later later;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public AlbBlueGreenDriver(
            AwsClients clients, Duration scaleDownDelay, Later later, Clock clock) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.scaleDownDelay = Objects.requireNonNull(scaleDownDelay, "scaleDownDelay");
        this.later = Objects.requireNonNull(later, "later");
        this.clock = clock;
    }

    @Override
    public Class<AwsAlbTarget> targetType() {
        return AwsAlbTarget.class;
    }

    @Override
    public String endpoint(AwsAlbTarget alb) {
        return AwsClients.endpoint(alb.region(), alb.roleArn());
    }

    @Override
    public void apply(AwsAlbTarget alb, TrafficAction action) throws PlatformException {
        synchronized (lock(alb)) {
            action.dispatch(
                    new TrafficAction.Handler() {
                        @Override
                        public void setWeight(TrafficAction.SetWeight set)
                                throws PlatformException {
                            shift(alb, set.release(), set.weight(), false);
                        }

                        @Override
                        public void activateColour(TrafficAction.ActivateColour activate)
                                throws PlatformException {
                            activateLocked(alb, activate);
                        }

                        @Override
                        public void restore(TrafficAction.Restore restore)
                                throws PlatformException {
                            restoreLocked(alb);
                        }

                        @Override
                        public void promote(TrafficAction.Promote promote)
                                throws PlatformException {
                            throw notFinalizing("promote-canary");
                        }

                        @Override
                        public void completeRollout(TrafficAction.CompleteRollout complete)
                                throws PlatformException {
                            throw notFinalizing("complete-rollout");
                        }

                        @Override
                        public void roll(TrafficAction.Roll roll) throws PlatformException {
                            throw new PlatformException(
                                    "aws-alb runs blue-green releases (TRAFFIC and FINALIZE phases), not"
                                            + " ROLLOUT; a rolling update of an ECS service needs an aws-ecs target",
                                    false);
                        }
                    });
        }
    }

    private static PlatformException notFinalizing(String action) {
        return new PlatformException(
                "aws-alb finalizes blue-green releases (activate-new-colour), not " + action,
                false);
    }

    // FINALIZE activate-new-colour: all traffic to the new colour, then the old one scaled down
    // (maybe later).
    private void activateLocked(AwsAlbTarget alb, TrafficAction.ActivateColour activate)
            throws PlatformException {
        AlbReleaseTags release = shift(alb, activate.release(), 100, true);
        boolean scaleDown =
                activate.scaleDownOldColour().orElse(false)
                        && release.stable().autoScalingGroup() != null;
        boolean delayed = scaleDown && !scaleDownDelay.isZero() && !scaleDownDelay.isNegative();
        Map<String, String> marks = new LinkedHashMap<>();
        if (!release.finalized()) {
            marks.put(AlbReleaseTags.FINALIZED, "true");
        }
        if (delayed && release.scaleDownAfter() == null) {
            marks.put(
                    AlbReleaseTags.SCALE_DOWN_AFTER,
                    Instant.now(clock).plus(scaleDownDelay).toString());
        }
        if (!marks.isEmpty()) {
            route(alb).addTags(marks);
        }
        if (delayed) {
            scaleDownLater(alb, release);
        } else if (scaleDown) {
            scaleDown(alb, release.release());
        }
    }

    @Override
    public LiveState read(AwsAlbTarget target) throws PlatformException {
        AlbRoute route = route(target);
        Map<String, Integer> weights = route.weights();
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        AlbReleaseTags release = AlbReleaseTags.fromTags(route.tags(AlbReleaseTags.PREFIX));
        int canary;
        Map<String, String> versions = Map.of();
        if (release != null) {
            canary = percent(weights.getOrDefault(release.next().targetGroupArn(), 0), total);
            versions = Map.of(LiveState.CANARY, release.release());
        } else {
            // No release in flight: the most weighted group is the live one, everything else counts
            // as canary.
            int most = weights.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            canary = total == 0 ? 0 : 100 - percent(most, total);
        }
        return new LiveState(
                Map.of(LiveState.STABLE, total == 0 ? 0 : 100 - canary, LiveState.CANARY, canary),
                versions);
    }

    private void restoreLocked(AwsAlbTarget alb) throws PlatformException {
        AlbRoute route = route(alb);
        AlbReleaseTags release = AlbReleaseTags.fromTags(route.tags(AlbReleaseTags.PREFIX));
        if (release == null) {
            return; // no release on this route: all traffic is where it was
        }
        ColourGroups groups = groups(alb);
        Colour stable = release.stable();
        Map<String, Integer> live = route.weights();
        boolean resized = false;
        if (stable.autoScalingGroup() != null
                && !stable.capacity().equals(groups.capacity(stable.autoScalingGroup()))) {
            groups.resize(stable.autoScalingGroup(), stable.capacity());
            resized = true;
        }
        if (resized || live.getOrDefault(stable.targetGroupArn(), 0) == 0) {
            groups.requireReady(stable.name(), stable.targetGroupArn(), stable.autoScalingGroup());
        }
        route.setWeights(weights(release, 0));
        Colour next = release.next();
        if (next.autoScalingGroup() != null) {
            groups.resize(next.autoScalingGroup(), next.capacity());
        }
        route.removeTags(AlbReleaseTags.KEYS);
    }

    /** Moves {@code weight} percent to the new colour once it is ready; returns the release. */
    private AlbReleaseTags shift(
            AwsAlbTarget alb, Release parameters, int weight, boolean finalizing)
            throws PlatformException {
        AlbRoute route = route(alb);
        ColourGroups groups = groups(alb);
        AlbReleaseTags release = begin(route, groups, parameters, finalizing);
        if (weight > 0) {
            Map<String, Integer> live = route.weights();
            if (!live.containsKey(release.next().targetGroupArn())) {
                // Listed at weight 0 first, so the load balancer starts health-checking the new
                // colour's targets.
                route.setWeights(weights(release, 0));
            }
            Colour next = release.next();
            if (next.autoScalingGroup() != null) {
                Capacity size =
                        release.stable().capacity() != null
                                ? release.stable().capacity()
                                : groups.capacity(next.autoScalingGroup());
                groups.resize(next.autoScalingGroup(), size);
            }
            groups.requireReady(next.name(), next.targetGroupArn(), next.autoScalingGroup());
        }
        route.setWeights(weights(release, weight));
        return release;
    }

    /**
     * The release these parameters describe: from the route's tags if it began already (and, unless this is its
     * FINALIZE again, was not finalized: the same artifact released once more is a new release), else begun now.
     * An earlier release's tags go first, before anything that can fail: a rollback of a release that failed to
     * begin must not undo the one before it.
     */
    private AlbReleaseTags begin(
            AlbRoute route, ColourGroups groups, Release parameters, boolean finalizing)
            throws PlatformException {
        String name = releaseName(parameters);
        Map<String, String> tags = route.tags(AlbReleaseTags.PREFIX);
        AlbReleaseTags tagged = AlbReleaseTags.fromTags(tags);
        if (tagged != null
                && tagged.release().equals(name)
                && (!tagged.finalized() || finalizing)) {
            return tagged;
        }
        if (!tags.isEmpty()) {
            route.removeTags(AlbReleaseTags.KEYS);
        }
        Map<String, String> blue = colour(parameters, "blue");
        Map<String, String> green = colour(parameters, "green");
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put(blue.get("targetGroup"), blue.get("healthCheckPath"));
        paths.put(green.get("targetGroup"), green.get("healthCheckPath"));
        if (paths.size() < 2) {
            throw new PlatformException(
                    "blue and green name the same target group " + blue.get("targetGroup"), false);
        }
        Map<String, TargetGroup> found = groups.targetGroups(paths);
        String blueArn = found.get(blue.get("targetGroup")).targetGroupArn();
        String greenArn = found.get(green.get("targetGroup")).targetGroupArn();
        Map<String, Integer> live = route.weights();
        int blueWeight = live.getOrDefault(blueArn, 0);
        int greenWeight = live.getOrDefault(greenArn, 0);
        if (blueWeight == greenWeight) {
            throw new PlatformException(
                    route.describe()
                            + (blueWeight == 0
                                    ? " forwards to neither the blue nor the green target group"
                                    : " weights blue and green equally: cannot tell which colour is live"),
                    false);
        }
        boolean blueLive = blueWeight > greenWeight;
        Colour stable =
                colour(
                        groups,
                        blueLive ? "blue" : "green",
                        blueLive ? blueArn : greenArn,
                        (blueLive ? blue : green).get("autoScalingGroup"));
        Colour next =
                colour(
                        groups,
                        blueLive ? "green" : "blue",
                        blueLive ? greenArn : blueArn,
                        (blueLive ? green : blue).get("autoScalingGroup"));
        AlbReleaseTags release = new AlbReleaseTags(name, stable, next, null, false);
        route.addTags(release.tags());
        LOG.infof(
                "Blue-green %s on %s: %s is live, releasing on %s",
                name, route.describe(), stable.describe(), next.describe());
        return release;
    }

    private void scaleDownLater(AwsAlbTarget alb, AlbReleaseTags release) {
        Colour old = release.stable();
        later.after(
                scaleDownDelay,
                () -> {
                    try {
                        scaleDown(alb, release.release());
                    } catch (PlatformException e) {
                        LOG.warnf(
                                "Scaling down the old colour %s of %s failed (it keeps running): %s",
                                old.autoScalingGroup(), release.release(), e.getMessage());
                    } catch (RuntimeException e) {
                        LOG.warnf(
                                "Scaling down the old colour of %s failed: %s",
                                release.release(), e.toString());
                    }
                });
    }

    /**
     * Scales the old colour to zero, if the release is still the route's and the old colour still gets no traffic
     * (a rollback in between removed the tags or moved traffic back: then nothing happens).
     */
    void scaleDown(AwsAlbTarget alb, String releaseName) throws PlatformException {
        synchronized (lock(alb)) {
            scaleDownLocked(alb, releaseName);
        }
    }

    private void scaleDownLocked(AwsAlbTarget alb, String releaseName) throws PlatformException {
        AlbRoute route = route(alb);
        AlbReleaseTags release = AlbReleaseTags.fromTags(route.tags(AlbReleaseTags.PREFIX));
        if (release == null
                || !release.release().equals(releaseName)
                || release.stable().autoScalingGroup() == null
                || route.weights().getOrDefault(release.stable().targetGroupArn(), 0) != 0) {
            return;
        }
        Colour old = release.stable();
        groups(alb).resize(old.autoScalingGroup(), new Capacity(0, 0, old.capacity().max()));
        route.removeTags(List.of(AlbReleaseTags.SCALE_DOWN_AFTER));
        LOG.infof(
                "Scaled down %s (%s) after releasing %s",
                old.describe(), old.autoScalingGroup(), releaseName);
    }

    private Colour colour(
            ColourGroups groups, String name, String targetGroupArn, String autoScalingGroup)
            throws PlatformException {
        Capacity capacity = autoScalingGroup == null ? null : groups.capacity(autoScalingGroup);
        return new Colour(name, targetGroupArn, autoScalingGroup, capacity);
    }

    private static Map<String, Integer> weights(AlbReleaseTags release, int newWeight) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put(release.stable().targetGroupArn(), 100 - newWeight);
        weights.put(release.next().targetGroupArn(), newWeight);
        return weights;
    }

    private static int percent(int weight, int total) {
        return total == 0 ? 0 : (int) Math.round(weight * 100.0 / total);
    }

    private static String releaseName(Release release) throws PlatformException {
        String name =
                release.artifactIfNamed()
                        .or(release::version)
                        .orElseThrow(
                                () ->
                                        new PlatformException(
                                                "the phase names no artifact or version for the release",
                                                false));
        return name.length() > 256 ? name.substring(name.length() - 256) : name;
    }

    private static Map<String, String> colour(Release release, String name)
            throws PlatformException {
        TrafficAction.Colour colour =
                release.colour(name)
                        .orElseThrow(
                                () ->
                                        new PlatformException(
                                                "a blue-green phase on aws-alb needs colours."
                                                        + name
                                                        + ".targetGroup (and optionally autoScalingGroup)",
                                                false));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("targetGroup", colour.targetGroup());
        colour.autoScalingGroup().ifPresent(asg -> values.put("autoScalingGroup", asg));
        colour.healthCheckPath().ifPresent(path -> values.put("healthCheckPath", path));
        return values;
    }

    // A delayed scale-down runs on its own thread: it and the worker's calls on one route take
    // turns, so a rollback
    // cannot interleave with it. (Across executor replicas the re-check of tags and weights is what
    // protects.)
    private Object lock(AwsAlbTarget alb) {
        String key =
                alb.ruleArn() != null && !alb.ruleArn().isBlank()
                        ? alb.ruleArn()
                        : String.valueOf(alb.listenerArn());
        return locks.computeIfAbsent(key, k -> new Object());
    }

    private AlbRoute route(AwsAlbTarget alb) throws PlatformException {
        return new AlbRoute(clients.forTarget(alb.region(), alb.roleArn()).elb(), alb);
    }

    private ColourGroups groups(AwsAlbTarget alb) throws PlatformException {
        AwsClients.Clients c = clients.forTarget(alb.region(), alb.roleArn());
        return new ColourGroups(c.elb(), c.autoScaling());
    }
}
