package dev.stride.executor.traffic.haproxy;

import dev.stride.events.spec.HaproxyTarget;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficDriver;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Splits one HAProxy backend between its stable and its canary server through the runtime API. The weights set are
 * absolute HAProxy weights equal to the percentages (canary {@code w}, stable {@code 100 - w}); a server at weight 0
 * is also drained, a server above 0 set ready. Every call writes the full target state, so repeating one is
 * harmless.
 */
public final class HaproxyTrafficDriver implements TrafficDriver<HaproxyTarget> {

    private final Duration connectTimeout;
    private final Duration readTimeout;

    public HaproxyTrafficDriver() {
        this(HaproxyRuntimeApi.DEFAULT_CONNECT_TIMEOUT, HaproxyRuntimeApi.DEFAULT_READ_TIMEOUT);
    }

    public HaproxyTrafficDriver(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
    }

    @Override
    public Class<HaproxyTarget> targetType() {
        return HaproxyTarget.class;
    }

    @Override
    public void apply(HaproxyTarget target, TrafficAction action) throws PlatformException {
        action.dispatch(
                new TrafficAction.Handler() {
                    @Override
                    public void setWeight(TrafficAction.SetWeight set) throws PlatformException {
                        split(target, set.weight());
                    }

                    @Override
                    public void promote(TrafficAction.Promote promote) throws PlatformException {
                        split(target, 100);
                    }

                    @Override
                    public void activateColour(TrafficAction.ActivateColour activate)
                            throws PlatformException {
                        split(target, 100);
                    }

                    @Override
                    public void restore(TrafficAction.Restore restore) throws PlatformException {
                        split(target, 0);
                    }

                    @Override
                    public void roll(TrafficAction.Roll roll) throws PlatformException {
                        throw new PlatformException(
                                "haproxy has no rollout: it only splits traffic between a stable and a canary server",
                                false);
                    }

                    @Override
                    public void completeRollout(TrafficAction.CompleteRollout complete)
                            throws PlatformException {
                        throw new PlatformException(
                                "haproxy cannot complete a rollout: it has no rollout, only a traffic split",
                                false);
                    }
                });
    }

    @Override
    public String endpoint(HaproxyTarget target) {
        return "haproxy " + (present(target.socket()) ? target.socket() : target.address());
    }

    @Override
    public LiveState read(HaproxyTarget haproxy) throws PlatformException {
        HaproxyRuntimeApi api = api(haproxy);
        int stable = api.getWeight(haproxy.backend(), haproxy.stableServer());
        int canary = api.getWeight(haproxy.backend(), haproxy.canaryServer());
        // "get weight" does not say whether a server is drained or in maintenance. This driver
        // drains a server only
        // at weight 0, so the two agree unless someone changed a server's state by hand.
        int total = stable + canary;
        // Percentages of what the two servers share; stable takes the remainder so the two always
        // add up to 100.
        int canaryPercent = total == 0 ? 0 : (int) Math.round(100.0 * canary / total);
        int stablePercent = total == 0 ? 0 : 100 - canaryPercent;
        return new LiveState(
                Map.of(LiveState.STABLE, stablePercent, LiveState.CANARY, canaryPercent), Map.of());
    }

    /**
     * Gives the canary {@code canaryWeight} percent and the stable server the rest. The server whose weight goes up
     * is written first, so the backend never has both servers at 0 in between; and when the weights added up to 100
     * before (as this driver leaves them), the canary's share in between lies between the old one and the new one.
     */
    private void split(HaproxyTarget target, int canaryWeight) throws PlatformException {
        HaproxyRuntimeApi api = api(target);
        String backend = target.backend();
        String stable = target.stableServer();
        String canary = target.canaryServer();
        int stableWeight = 100 - canaryWeight;
        boolean canaryRises = canaryWeight >= api.getWeight(backend, canary);
        if (canaryRises) {
            set(api, backend, canary, canaryWeight);
            set(api, backend, stable, stableWeight);
        } else {
            set(api, backend, stable, stableWeight);
            set(api, backend, canary, canaryWeight);
        }
    }

    // Weight and state together: a server at 0 is drained so its persistent sessions go too; above
    // 0 it must be
    // ready, or its weight carries nothing. Raised servers get their weight before "ready", so a
    // server that was
    // drained at weight 0 does not take traffic at an old weight for a moment.
    private static void set(HaproxyRuntimeApi api, String backend, String server, int weight)
            throws PlatformException {
        api.setWeight(backend, server, weight);
        api.setState(backend, server, weight == 0 ? "drain" : "ready");
    }

    // A target that names no endpoint or unusable names is a configuration error: not transient,
    // never retried.
    private HaproxyRuntimeApi api(HaproxyTarget target) throws PlatformException {
        try {
            requireName(target.backend(), "backend");
            requireName(target.stableServer(), "stableServer");
            requireName(target.canaryServer(), "canaryServer");
            if (present(target.socket())) {
                return HaproxyRuntimeApi.unixSocket(
                        Path.of(target.socket()), connectTimeout, readTimeout);
            }
            if (present(target.address())) {
                return HaproxyRuntimeApi.tcp(target.address(), connectTimeout, readTimeout);
            }
            throw new IllegalArgumentException("the haproxy target needs a socket or an address");
        } catch (InvalidPathException e) {
            throw new PlatformException(
                    "the haproxy target's socket is not a valid path", false, e);
        } catch (IllegalArgumentException e) {
            throw new PlatformException(e.getMessage(), false, e);
        }
    }

    private static void requireName(String name, String field) {
        if (!present(name) || !HaproxyRuntimeApi.isName(name)) {
            throw new IllegalArgumentException(
                    "the haproxy target's "
                            + field
                            + " must be an HAProxy name (letters, digits, _ . : -)");
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
