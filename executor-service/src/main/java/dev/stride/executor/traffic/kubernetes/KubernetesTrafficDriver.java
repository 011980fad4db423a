package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.Images.image;
import static dev.stride.executor.traffic.kubernetes.Images.trackedContainer;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficDriver;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Releases a new image on one Kubernetes Deployment: as a canary ({@link CanaryRelease}), as a rolling update
 * ({@link RollingRelease}) or in blue and green Deployments ({@link BlueGreenDeployments}), with the runbook's
 * maintenance mode around it ({@link MaintenanceMode}). This class picks which, per call: a target whose Deployment
 * exists only in colours, or a phase of a blue-green strategy, is blue-green; otherwise the Deployment's annotations
 * say whether it was rolled. Weights are reported by version: {@code canary} is the share of traffic on the
 * release's new version. Every call re-reads the objects and writes the full state it wants, so repeating one is
 * harmless; everything a restarted executor needs is kept in annotations on the objects themselves.
 */
public final class KubernetesTrafficDriver implements TrafficDriver<KubernetesTarget> {

    public static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofMinutes(10);
    public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final Deployments deployments;
    private final NginxCanaryRouter nginx;
    private final GatewayRouteRouter gateway;
    private final MaintenanceMode maintenance;
    private final CanaryRelease canary;
    private final RollingRelease rolling;
    private final BlueGreenDeployments blueGreen;

    public KubernetesTrafficDriver(KubernetesClient client) {
        this(client, DEFAULT_PROGRESS_DEADLINE);
    }

    public KubernetesTrafficDriver(KubernetesClient client, Duration progressDeadline) {
        this(client, progressDeadline, DEFAULT_RECHECK_INTERVAL);
    }

    /**
     * A Deployment's rollout is checked again every {@code recheckInterval} (a durable re-check by the executor, not
     * a wait) until {@code progressDeadline} after the phase was asked for.
     */
    public KubernetesTrafficDriver(
            KubernetesClient client, Duration progressDeadline, Duration recheckInterval) {
        this.client = Objects.requireNonNull(client, "client");
        RolloutProgress rollouts = new RolloutProgress(client, progressDeadline, recheckInterval);
        SideServices services = new SideServices(client);
        this.deployments = new Deployments(client);
        this.nginx = new NginxCanaryRouter(client);
        this.gateway = new GatewayRouteRouter(client);
        this.maintenance = new MaintenanceMode(client);
        this.canary = new CanaryRelease(deployments, services, rollouts, this::router);
        this.rolling = new RollingRelease(deployments, rollouts);
        this.blueGreen = new BlueGreenDeployments(deployments, services, rollouts, this::router);
    }

    @Override
    public Class<KubernetesTarget> targetType() {
        return KubernetesTarget.class;
    }

    @Override
    public String endpoint(KubernetesTarget target) {
        return "kubernetes " + apiServer(client);
    }

    /** The API server's address without any user information a kubeconfig URL may carry. */
    static String apiServer(KubernetesClient client) {
        java.net.URL url = client.getMasterUrl();
        if (url == null) {
            return "(no API server configured)";
        }
        return url.getProtocol()
                + "://"
                + url.getHost()
                + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    @Override
    public void apply(KubernetesTarget target, TrafficAction action) throws PlatformException {
        KubernetesTarget k8s = kubernetes(target);
        action.dispatch(
                new TrafficAction.Handler() {
                    @Override
                    public void setWeight(TrafficAction.SetWeight set) throws PlatformException {
                        maintenance.set(k8s, true);
                        String artifact = set.release().artifact();
                        if (set.release().blueGreen() || blueGreen.isBlueGreen(k8s)) {
                            blueGreen.shift(k8s, set.weight(), artifact);
                        } else {
                            canary.shift(k8s, set.weight(), artifact);
                        }
                    }

                    @Override
                    public void roll(TrafficAction.Roll roll) throws PlatformException {
                        maintenance.set(k8s, true);
                        rolling.roll(
                                k8s,
                                roll.release().artifact(),
                                roll.batchSize(),
                                roll.maxUnavailable(),
                                roll.healthCheck());
                    }

                    @Override
                    public void promote(TrafficAction.Promote promote) throws PlatformException {
                        if (promote.release().blueGreen() || blueGreen.isBlueGreen(k8s)) {
                            throw BlueGreenDeployments.unknownFinalize("promote-canary");
                        }
                        canary.promote(k8s, promote.release().artifactIfNamed());
                        maintenance.set(k8s, false);
                    }

                    @Override
                    public void activateColour(TrafficAction.ActivateColour activate)
                            throws PlatformException {
                        blueGreen.activate(
                                k8s,
                                activate.scaleDownOldColour().orElse(true),
                                activate.release().artifactIfNamed());
                        maintenance.set(k8s, false);
                    }

                    @Override
                    public void completeRollout(TrafficAction.CompleteRollout complete)
                            throws PlatformException {
                        if (complete.release().blueGreen() || blueGreen.isBlueGreen(k8s)) {
                            throw BlueGreenDeployments.unknownFinalize("complete-rollout");
                        }
                        rolling.complete(k8s);
                        maintenance.set(k8s, false);
                    }

                    @Override
                    public void restore(TrafficAction.Restore restore) throws PlatformException {
                        restoreStable(k8s);
                        if (!restore.keepMaintenance()) {
                            maintenance.set(k8s, false);
                        }
                    }
                });
    }

    @Override
    public void maintenance(KubernetesTarget target, boolean on) throws PlatformException {
        KubernetesTarget k8s = kubernetes(target);
        if (!k8s.inMaintenanceMode()) {
            throw new PlatformException(
                    "target "
                            + k8s.namespace()
                            + "/"
                            + k8s.deployment()
                            + " has no maintenanceMode, which a database restore needs",
                    false);
        }
        maintenance.set(k8s, on);
    }

    @Override
    public void hold(KubernetesTarget target) throws PlatformException {
        rolling.hold(kubernetes(target));
    }

    @Override
    public LiveState read(KubernetesTarget target) throws PlatformException {
        KubernetesTarget k8s = kubernetes(target);
        if (blueGreen.isBlueGreen(k8s)) {
            return blueGreen.read(k8s);
        }
        Deployment stable = deployments.stable(k8s);
        String stableImage = image(stable, trackedContainer(stable, null));
        if (RollingRelease.isRolling(stable)) {
            return rolling.read(stable, stableImage);
        }
        return canary.read(k8s, stable, stableImage);
    }

    private void restoreStable(KubernetesTarget k8s) throws PlatformException {
        if (blueGreen.isBlueGreen(k8s)) {
            blueGreen.restore(k8s);
            return;
        }
        Deployment stable = deployments.stable(k8s);
        if (RollingRelease.isRolling(stable)) {
            rolling.restore(k8s, stable);
        } else {
            canary.restore(k8s, stable);
        }
    }

    /** The weights by version: {@code canary} percent on the new version, the rest on the stable one. */
    static LiveState byVersion(int canary, Map<String, String> versions) {
        return new LiveState(
                Map.of(LiveState.STABLE, 100 - canary, LiveState.CANARY, canary), versions);
    }

    private TrafficRouter router(KubernetesTarget target) {
        return blank(target.httpRoute()) ? nginx : gateway;
    }

    private static KubernetesTarget kubernetes(KubernetesTarget k8s) throws PlatformException {
        if (blank(k8s.namespace()) || blank(k8s.deployment())) {
            throw new PlatformException(
                    "the kubernetes target needs a namespace and a deployment", false);
        }
        if (TrafficRouter.routed(k8s) && blank(k8s.service())) {
            throw new PlatformException(
                    "a kubernetes target with an ingress or httpRoute needs its service too",
                    false);
        }
        if (!blank(k8s.ingress()) && !blank(k8s.httpRoute())) {
            throw new PlatformException(
                    "a kubernetes target names either an ingress or an httpRoute, not both", false);
        }
        return k8s;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
