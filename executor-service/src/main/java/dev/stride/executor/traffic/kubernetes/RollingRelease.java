package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.Images.CONTAINER;
import static dev.stride.executor.traffic.kubernetes.Images.PREVIOUS_IMAGE;
import static dev.stride.executor.traffic.kubernetes.Images.PREVIOUS_PROBE;
import static dev.stride.executor.traffic.kubernetes.Images.STRATEGY;
import static dev.stride.executor.traffic.kubernetes.Images.annotations;
import static dev.stride.executor.traffic.kubernetes.Images.image;
import static dev.stride.executor.traffic.kubernetes.Images.trackedContainer;
import static dev.stride.executor.traffic.kubernetes.Images.withImage;
import static dev.stride.executor.traffic.kubernetes.NginxCanaryRouter.annotation;
import static dev.stride.executor.traffic.kubernetes.RolloutProgress.replicas;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;

/**
 * A rolling update of the target's Deployment (ROLLOUT): the new image goes on the Deployment itself, with
 * {@code maxSurge = batchSize}, the request's health check as the container's readiness probe (so each batch's
 * new pods must pass it before the next batch), and the driver checks the rollout until it is done. The previous image is kept in an
 * annotation, so restoring stable puts it back, also after a restart.
 */
final class RollingRelease {

    private final Deployments deployments;
    private final RolloutProgress rollouts;

    RollingRelease(Deployments deployments, RolloutProgress rollouts) {
        this.deployments = deployments;
        this.rollouts = rollouts;
    }

    /** The Deployment was last released by a rolling update. */
    static boolean isRolling(Deployment stable) {
        return "rolling".equals(annotation(stable, STRATEGY));
    }

    /** ROLLOUT: the new image on the Deployment itself, replaced {@code batchSize} pods at a time. */
    void roll(
            KubernetesTarget target,
            String artifact,
            int batchSize,
            int maxUnavailable,
            TrafficAction.HealthCheck healthCheck)
            throws PlatformException {
        Deployment stable = deployments.stable(target);
        String container = trackedContainer(stable, artifact);
        String current = image(stable, container);
        Probe readiness = healthCheck == null ? null : readiness(stable, container, healthCheck);
        deployments.editStable(
                target,
                d -> {
                    annotations(d).put(STRATEGY, "rolling");
                    annotations(d).put(CONTAINER, container);
                    if (!artifact.equals(current)) {
                        // Only the first apply remembers: a repeated one finds the new image
                        // already set.
                        annotations(d).put(PREVIOUS_IMAGE, current);
                        withImage(d, container, artifact);
                        if (readiness != null) {
                            Probe before = Images.container(d, container).getReadinessProbe();
                            annotations(d)
                                    .put(
                                            PREVIOUS_PROBE,
                                            before == null ? "none" : Serialization.asJson(before));
                        }
                    }
                    if (readiness != null) {
                        // Each new pod must pass the request's health check before it counts as
                        // available, so the controller replaces the next batch only after it.
                        Images.container(d, container).setReadinessProbe(readiness);
                    }
                    // A held rollout (the deployment was paused) goes on when the ROLLOUT is
                    // applied again on resume.
                    d.getSpec().setPaused(null);
                    d.getSpec()
                            .setStrategy(
                                    new DeploymentStrategyBuilder()
                                            .withType("RollingUpdate")
                                            .withNewRollingUpdate()
                                            .withMaxSurge(new IntOrString(batchSize))
                                            .withMaxUnavailable(new IntOrString(maxUnavailable))
                                            .endRollingUpdate()
                                            .build());
                    return d;
                });
        rollouts.await(target.namespace(), target.deployment());
    }

    /**
     * The request's rolling health check as the container's readiness probe: an HTTP GET of its path on the
     * container's first port, every interval, within the timeout, ready after the healthy threshold and unready
     * after the unhealthy one. A container that declares no port cannot be probed: the phase fails and says so.
     */
    static Probe readiness(Deployment d, String container, TrafficAction.HealthCheck check)
            throws PlatformException {
        Container c = Images.container(d, container);
        ContainerPort port =
                c.getPorts() == null || c.getPorts().isEmpty() ? null : c.getPorts().get(0);
        if (port == null || port.getContainerPort() == null) {
            throw new PlatformException(
                    "container "
                            + c.getName()
                            + " declares no port, so the rolling health_check ("
                            + check.path()
                            + ") cannot probe it: declare its containerPort",
                    false);
        }
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(check.path())
                .withPort(new IntOrString(port.getContainerPort()))
                .endHttpGet()
                .withTimeoutSeconds(seconds(check.timeout()))
                .withPeriodSeconds(seconds(check.interval()))
                .withSuccessThreshold(check.healthyThreshold())
                .withFailureThreshold(check.unhealthyThreshold())
                .build();
    }

    /** Whole seconds, at least 1 (a probe's unit), rounded up. */
    private static int seconds(java.time.Duration duration) {
        long millis = duration.toMillis();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
    }

    /**
     * The deployment was paused: the controller stops replacing pods ({@code spec.paused}), the batches already
     * replaced stay. Only a Deployment last released by a rolling update is held; nothing else is under way.
     */
    void hold(KubernetesTarget target) throws PlatformException {
        Deployment stable = deployments.stable(target);
        if (!isRolling(stable) || Boolean.TRUE.equals(stable.getSpec().getPaused())) {
            return;
        }
        deployments.editStable(
                target,
                d -> {
                    d.getSpec().setPaused(true);
                    return d;
                });
    }

    /** FINALIZE complete-rollout: the rollout has finished. */
    void complete(KubernetesTarget target) throws PlatformException {
        rollouts.await(target.namespace(), target.deployment());
    }

    /** The new version's share as the Deployment shows it. */
    LiveState read(Deployment stable, String stableImage) {
        return KubernetesTrafficDriver.byVersion(
                rolledShare(stable), Map.of(LiveState.STABLE, stableImage));
    }

    /** Puts the remembered previous image back and checks the rollout. */
    void restore(KubernetesTarget k8s, Deployment stable) throws PlatformException {
        String previous = annotation(stable, PREVIOUS_IMAGE);
        String container = trackedContainer(stable, null);
        String previousProbe = annotation(stable, PREVIOUS_PROBE);
        if (previous != null && !previous.equals(image(stable, container))) {
            deployments.editStable(
                    k8s,
                    d -> {
                        withImage(d, container, previous);
                        if (previousProbe != null) {
                            // The previous version is checked as it was, not with the release's
                            // health check.
                            Images.container(d, container)
                                    .setReadinessProbe(
                                            "none".equals(previousProbe)
                                                    ? null
                                                    : Serialization.unmarshal(
                                                            previousProbe, Probe.class));
                            annotations(d).remove(PREVIOUS_PROBE);
                        }
                        return d;
                    });
        }
        rollouts.await(k8s.namespace(), k8s.deployment());
    }

    // Rolling: the new version's share is the updated replicas' share once the controller has seen
    // the new spec;
    // 0 while the Deployment runs its remembered previous image (never rolled, or rolled back).
    private static int rolledShare(Deployment d) {
        String previous = annotation(d, PREVIOUS_IMAGE);
        if (previous == null || previous.equals(image(d, trackedContainer(d, null)))) {
            return 0;
        }
        if (RolloutProgress.isComplete(d)) {
            return 100;
        }
        int wanted = replicas(d);
        Integer updated = d.getStatus() == null ? null : d.getStatus().getUpdatedReplicas();
        Long observed = d.getStatus() == null ? null : d.getStatus().getObservedGeneration();
        Long generation = d.getMetadata().getGeneration();
        if (wanted == 0
                || updated == null
                || observed == null
                || (generation != null && observed < generation)) {
            return 0;
        }
        return Math.min(100, (int) Math.round(100.0 * updated / wanted));
    }
}
