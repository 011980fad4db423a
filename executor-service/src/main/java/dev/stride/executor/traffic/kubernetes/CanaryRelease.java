package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.Images.CONTAINER;
import static dev.stride.executor.traffic.kubernetes.Images.PREVIOUS_IMAGE;
import static dev.stride.executor.traffic.kubernetes.Images.STRATEGY;
import static dev.stride.executor.traffic.kubernetes.Images.annotations;
import static dev.stride.executor.traffic.kubernetes.Images.image;
import static dev.stride.executor.traffic.kubernetes.Images.trackedContainer;
import static dev.stride.executor.traffic.kubernetes.Images.withImage;
import static dev.stride.executor.traffic.kubernetes.NginxCanaryRouter.annotation;
import static dev.stride.executor.traffic.kubernetes.NginxCanaryRouter.copy;
import static dev.stride.executor.traffic.kubernetes.RolloutProgress.replicas;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A canary release on one Kubernetes Deployment (TRAFFIC phases, then promote-canary): a second Deployment
 * {@code <deployment>-canary} runs the stable's pod template with the new image. Its pods carry
 * {@code stride.dev/track: canary} and {@code stride.dev/canary-of: <deployment>}, which is also its whole selector.
 * With an ingress or HTTPRoute in the target, the router splits traffic and the canary's pods lose the labels the
 * main Service selects on, so only {@code <service>-canary} reaches them. Without one, the canary's pods keep every
 * stable label, the main Service selects both Deployments and the replica ratio is the split (Argo Rollouts' basic
 * canary): canary {@code ceil(total * w / 100)}, stable the rest, {@code total} being the stable's replicas when the
 * release began, kept in an annotation on the canary Deployment.
 *
 * <p>After promote-canary the stable Deployment runs the canary's image and takes all traffic, so the canary weight is
 * 100; restoring stable afterwards puts the stable's previous image back and the canary weight is 0 again.
 */
final class CanaryRelease {

    static final String TRACK = "stride.dev/track";
    static final String CANARY_OF = "stride.dev/canary-of";
    static final String TOTAL_REPLICAS = "stride.dev/total-replicas";
    static final String WEIGHT = "stride.dev/canary-weight";
    static final String PROMOTED = "stride.dev/promoted";

    private final Deployments deployments;
    private final SideServices services;
    private final RolloutProgress rollouts;
    private final Function<KubernetesTarget, TrafficRouter> routers;

    CanaryRelease(
            Deployments deployments,
            SideServices services,
            RolloutProgress rollouts,
            Function<KubernetesTarget, TrafficRouter> routers) {
        this.deployments = deployments;
        this.services = services;
        this.rollouts = rollouts;
        this.routers = routers;
    }

    /** The canary's share: 100 once promoted, else the router's weight or the replica ratio. */
    LiveState read(KubernetesTarget k8s, Deployment stable, String stableImage)
            throws PlatformException {
        Deployment canary = canary(k8s);
        if (canary == null) {
            return KubernetesTrafficDriver.byVersion(0, Map.of(LiveState.STABLE, stableImage));
        }
        String canaryImage = image(canary, trackedContainer(canary, null));
        Map<String, String> versions =
                Map.of(LiveState.STABLE, stableImage, LiveState.CANARY, canaryImage);
        if ("true".equals(annotation(canary, PROMOTED)) && stableImage.equals(canaryImage)) {
            return KubernetesTrafficDriver.byVersion(100, versions);
        }
        if (TrafficRouter.routed(k8s)) {
            return KubernetesTrafficDriver.byVersion(routers.apply(k8s).weight(k8s), versions);
        }
        return KubernetesTrafficDriver.byVersion(replicaShare(stable, canary), versions);
    }

    /** Takes the canary's traffic back, puts a promoted stable's previous image back and the canary at 0. */
    void restore(KubernetesTarget k8s, Deployment stable) throws PlatformException {
        Deployment canary = canary(k8s);
        if (canary == null) {
            return;
        }
        if (TrafficRouter.routed(k8s)) {
            routers.apply(k8s).withdraw(k8s);
        }
        String container = trackedContainer(stable, null);
        String previous = annotation(stable, PREVIOUS_IMAGE);
        boolean promoted = "true".equals(annotation(canary, PROMOTED));
        int total = total(stable, canary);
        deployments.editStable(
                k8s,
                d -> {
                    if (promoted && previous != null) {
                        withImage(d, container, previous);
                    }
                    if (!TrafficRouter.routed(k8s)) {
                        d.getSpec().setReplicas(total);
                    }
                    return d;
                });
        rollouts.await(k8s.namespace(), k8s.deployment());
        editCanary(
                k8s,
                d -> {
                    d.getSpec().setReplicas(0);
                    annotations(d).put(WEIGHT, "0");
                    annotations(d).remove(PROMOTED);
                    return d;
                });
    }

    /** TRAFFIC: sizes the canary Deployment for {@code weight}, waits for it, then moves the traffic. */
    void shift(KubernetesTarget target, int weight, String artifact) throws PlatformException {
        Deployment stable = deployments.stable(target);
        Deployment existing = canary(target);
        boolean routed = TrafficRouter.routed(target);
        String container = trackedContainer(stable, artifact);
        int total = total(stable, existing);
        int canaryReplicas = canaryReplicas(total, weight, routed);
        Set<String> hidden = routed ? services.mainSelectorKeys(target) : Set.of();

        deployments.editStable(
                target,
                d -> {
                    annotations(d).put(STRATEGY, "canary");
                    annotations(d).put(CONTAINER, container);
                    return d;
                });
        Map<String, String> selector = Map.of(TRACK, "canary", CANARY_OF, target.deployment());
        PodTemplateSpec template =
                new PodTemplateSpecBuilder(stable.getSpec().getTemplate()).build();
        Map<String, String> podLabels = copy(template.getMetadata().getLabels());
        podLabels.keySet().removeAll(hidden);
        podLabels.putAll(selector);
        template.getMetadata().setLabels(podLabels);
        withImage(template, container, artifact);

        Map<String, String> annotations =
                Map.of(
                        TOTAL_REPLICAS,
                        Integer.toString(total),
                        WEIGHT,
                        Integer.toString(weight),
                        CONTAINER,
                        container);
        String ns = target.namespace();
        String name = canaryName(target);
        if (existing == null) {
            Map<String, String> labels = copy(stable.getMetadata().getLabels());
            labels.putAll(selector);
            Deployment canary =
                    new DeploymentBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(ns)
                            .withLabels(labels)
                            .withAnnotations(annotations)
                            .endMetadata()
                            .withNewSpec()
                            .withReplicas(canaryReplicas)
                            .withNewSelector()
                            .withMatchLabels(selector)
                            .endSelector()
                            .withTemplate(template)
                            .endSpec()
                            .build();
            deployments.create(canary);
        } else {
            editCanary(
                    target,
                    d -> {
                        annotations(d).putAll(annotations);
                        annotations(d).remove(PROMOTED);
                        d.getSpec().setReplicas(canaryReplicas);
                        d.getSpec().setTemplate(template);
                        return d;
                    });
        }
        // The canary's pods must be up before they take traffic.
        rollouts.await(ns, name);
        if (routed) {
            services.ensure(target, canaryService(target), selector);
            routers.apply(target).route(target, canaryService(target), weight);
        } else {
            deployments.editStable(
                    target,
                    d -> {
                        d.getSpec().setReplicas(total - canaryReplicas);
                        return d;
                    });
        }
    }

    /**
     * The stable Deployment takes the canary's image (its previous one remembered) and all its replicas; once it
     * is rolled out, the canary's share and replicas go to 0. Traffic stays on the new version throughout.
     */
    void promote(KubernetesTarget target, Optional<String> artifact) throws PlatformException {
        Deployment stable = deployments.stable(target);
        Deployment canary = canary(target);
        if (canary == null) {
            throw new PlatformException(
                    "deployment "
                            + target.namespace()
                            + "/"
                            + canaryName(target)
                            + " not found: there is no canary to promote",
                    false);
        }
        String container = trackedContainer(stable, null);
        String image = image(canary, container);
        if (artifact.isPresent() && !artifact.get().equals(image)) {
            throw new PlatformException(
                    "the canary runs " + image + ", not " + artifact.get() + ": not promoting it",
                    false);
        }
        int total = total(stable, canary);
        String current = image(stable, container);
        editCanary(
                target,
                d -> {
                    annotations(d).put(PROMOTED, "true");
                    return d;
                });
        deployments.editStable(
                target,
                d -> {
                    if (!image.equals(current)) {
                        annotations(d).put(PREVIOUS_IMAGE, current);
                        withImage(d, container, image);
                    }
                    d.getSpec().setReplicas(total);
                    return d;
                });
        rollouts.await(target.namespace(), target.deployment());
        if (TrafficRouter.routed(target)) {
            routers.apply(target).withdraw(target);
        }
        editCanary(
                target,
                d -> {
                    d.getSpec().setReplicas(0);
                    annotations(d).put(WEIGHT, "0");
                    return d;
                });
    }

    // Replica ratio by spec.replicas (what was asked, not what is ready: a pod still starting
    // counts). When the
    // replicas are exactly those the recorded weight asks for, that weight is reported, since
    // ceil() makes the ratio
    // only approximate the weight (5% of 10 replicas is 1 canary, i.e. 10%).
    private static int replicaShare(Deployment stable, Deployment canary) {
        int c = replicas(canary);
        int s = replicas(stable);
        if (c + s == 0) {
            return 0;
        }
        Integer weight = number(annotation(canary, WEIGHT));
        Integer total = number(annotation(canary, TOTAL_REPLICAS));
        if (weight != null && total != null) {
            int expected = canaryReplicas(total, weight, false);
            if (c == expected && s == total - expected) {
                return weight;
            }
        }
        return (int) Math.round(100.0 * c / (c + s));
    }

    static int canaryReplicas(int total, int weight, boolean routed) {
        if (weight == 0) {
            return 0;
        }
        int byWeight = (int) Math.ceil(total * weight / 100.0);
        // Behind a router the canary needs a pod as soon as it takes any traffic, whatever the
        // stable's size.
        return routed ? Math.max(1, byWeight) : byWeight;
    }

    // The stable's size when the release began. A canary still at 0 replicas has taken nothing from
    // the stable yet,
    // so the stable's current size wins (it may have been scaled between releases).
    private static int total(Deployment stable, Deployment canary) {
        Integer recorded = canary == null ? null : number(annotation(canary, TOTAL_REPLICAS));
        if (recorded == null || replicas(canary) == 0) {
            return replicas(stable);
        }
        return recorded;
    }

    private Deployment canary(KubernetesTarget target) throws PlatformException {
        return deployments.get(target.namespace(), canaryName(target));
    }

    private void editCanary(KubernetesTarget target, UnaryOperator<Deployment> change)
            throws PlatformException {
        deployments.edit(target.namespace(), canaryName(target), change);
    }

    private static String canaryName(KubernetesTarget target) {
        return target.deployment() + "-canary";
    }

    static String canaryService(KubernetesTarget target) {
        return target.service() + "-canary";
    }

    private static Integer number(String text) {
        try {
            return text == null ? null : Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
