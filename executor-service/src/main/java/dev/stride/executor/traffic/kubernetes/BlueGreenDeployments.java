package dev.stride.executor.traffic.kubernetes;

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
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Blue-green on Kubernetes: two Deployments {@code <deployment>-blue} and {@code <deployment>-green} whose pods carry
 * {@code stride.dev/colour}, and the target's Service, whose selector picks the colour that serves.
 *
 * <p>A release brings the idle colour up with the new image at the serving colour's size, then moves traffic: with a
 * router (NGINX ingress or Gateway API HTTPRoute), in weighted steps towards a preview Service
 * {@code <service>-<colour>}; without one, only the 100% step exists and it switches the selector. FINALIZE
 * ({@code activate-new-colour}) switches the Service's selector to the new colour, takes the router back to the main
 * Service and scales the old colour to 0 (its size kept in an annotation). Rolling back scales the old colour up
 * again, waits for it, switches the selector back and scales the new colour to 0.
 *
 * <p>The colour that served when the release began is kept in the Service's {@code stride.dev/stable-colour}
 * annotation, so every call can tell the stable colour from the new one, also after a restart; weights are reported
 * by version, the new colour's share being the canary's.
 */
final class BlueGreenDeployments {

    static final String COLOUR = "stride.dev/colour";
    static final String STABLE_COLOUR = "stride.dev/stable-colour";
    static final String SCALED_FROM = "stride.dev/scaled-down-from";
    static final String BLUE = "blue";
    static final String GREEN = "green";

    private final Deployments deployments;
    private final SideServices services;
    private final RolloutProgress rollouts;
    private final Function<KubernetesTarget, TrafficRouter> routers;

    BlueGreenDeployments(
            Deployments deployments,
            SideServices services,
            RolloutProgress rollouts,
            Function<KubernetesTarget, TrafficRouter> routers) {
        this.deployments = deployments;
        this.services = services;
        this.rollouts = rollouts;
        this.routers = routers;
    }

    /** The target is released in colours: there is no Deployment of its plain name, but a blue or a green one. */
    boolean isBlueGreen(KubernetesTarget target) throws PlatformException {
        String ns = target.namespace();
        return deployments.get(ns, target.deployment()) == null
                && (deployments.get(ns, name(target, BLUE)) != null
                        || deployments.get(ns, name(target, GREEN)) != null);
    }

    /** TRAFFIC: the new colour up with {@code artifact}, then {@code weight} percent of the traffic on it. */
    void shift(KubernetesTarget target, int weight, String artifact) throws PlatformException {
        String ns = target.namespace();
        String stable = stableColour(target, artifact);
        String fresh = other(stable);
        Deployment serving = existing(target, stable);
        String container = trackedContainer(serving, artifact);
        serving = labelled(target, serving, stable);
        // The main Service must see only the stable colour before the new one has pods. A Service
        // that selects a
        // colour already is left alone: it may select the new one, after a 100% step without a
        // router.
        if (selected(services.main(target)) == null) {
            select(target, stable);
        }

        int size = size(serving);
        PodTemplateSpec template =
                new PodTemplateSpecBuilder(serving.getSpec().getTemplate()).build();
        Map<String, String> podLabels = copy(template.getMetadata().getLabels());
        podLabels.put(COLOUR, fresh);
        template.getMetadata().setLabels(podLabels);
        withImage(template, container, artifact);
        Deployment existing = deployments.get(ns, name(target, fresh));
        if (existing == null) {
            Map<String, String> selector =
                    new HashMap<>(serving.getSpec().getSelector().getMatchLabels());
            selector.put(COLOUR, fresh);
            Map<String, String> labels = copy(serving.getMetadata().getLabels());
            labels.put(COLOUR, fresh);
            deployments.create(
                    new DeploymentBuilder()
                            .withNewMetadata()
                            .withName(name(target, fresh))
                            .withNamespace(ns)
                            .withLabels(labels)
                            .addToAnnotations(Images.CONTAINER, container)
                            .endMetadata()
                            .withNewSpec()
                            .withReplicas(size)
                            .withNewSelector()
                            .withMatchLabels(selector)
                            .endSelector()
                            .withTemplate(template)
                            .endSpec()
                            .build());
        } else {
            deployments.edit(
                    ns,
                    name(target, fresh),
                    d -> {
                        annotations(d).put(Images.CONTAINER, container);
                        annotations(d).remove(SCALED_FROM);
                        d.getSpec().setReplicas(size);
                        d.getSpec().setTemplate(template);
                        return d;
                    });
        }
        // The new colour's pods must be up before they take traffic.
        rollouts.await(ns, name(target, fresh));
        if (TrafficRouter.routed(target)) {
            services.ensure(target, preview(target, fresh), colourSelector(target, fresh));
            routers.apply(target).route(target, preview(target, fresh), weight);
        } else if (weight == 100) {
            select(target, fresh);
        } else {
            throw new PlatformException(
                    "a blue-green on kubernetes can send "
                            + weight
                            + "% to the new colour only "
                            + "through a router: name the target's ingress or httpRoute",
                    false);
        }
    }

    /** A blue-green release is finalized by activate-new-colour only. */
    static PlatformException unknownFinalize(String action) {
        return new PlatformException(
                "a blue-green on kubernetes does not know the finalize action '" + action + "'",
                false);
    }

    /**
     * FINALIZE ({@code activate-new-colour}): the Service selects the new colour, the router sends everything to the
     * Service, and the old colour is scaled to 0 when {@code scaleDown}.
     */
    void activate(KubernetesTarget target, boolean scaleDown, Optional<String> artifact)
            throws PlatformException {
        String ns = target.namespace();
        String stable = recordedStable(target);
        if (stable == null) {
            throw new PlatformException(
                    "service "
                            + ns
                            + "/"
                            + target.service()
                            + " shows no blue-green release to activate",
                    false);
        }
        String fresh = other(stable);
        Deployment next = existing(target, fresh);
        String image = image(next, trackedContainer(next, null));
        if (artifact.isPresent() && !artifact.get().equals(image)) {
            throw new PlatformException(
                    "the "
                            + fresh
                            + " colour runs "
                            + image
                            + ", not "
                            + artifact.get()
                            + ": not activating it",
                    false);
        }
        rollouts.await(ns, name(target, fresh));
        select(target, fresh);
        if (TrafficRouter.routed(target)) {
            routers.apply(target).withdraw(target);
        }
        if (scaleDown) {
            deployments.edit(
                    ns,
                    name(target, stable),
                    d -> {
                        int size = replicas(d);
                        if (size > 0) {
                            annotations(d).put(SCALED_FROM, Integer.toString(size));
                        }
                        d.getSpec().setReplicas(0);
                        return d;
                    });
        }
    }

    /** Stable serves everything again: the old colour back at its size, selected, and the new one at 0. */
    void restore(KubernetesTarget target) throws PlatformException {
        String stable = recordedStable(target);
        if (stable == null) {
            return;
        }
        String ns = target.namespace();
        String fresh = other(stable);
        Deployment old = existing(target, stable);
        if (replicas(old) == 0) {
            Integer size = number(annotation(old, SCALED_FROM));
            Deployment next = deployments.get(ns, name(target, fresh));
            int wanted = size != null ? size : next == null ? 1 : Math.max(1, replicas(next));
            deployments.edit(
                    ns,
                    name(target, stable),
                    d -> {
                        annotations(d).remove(SCALED_FROM);
                        d.getSpec().setReplicas(wanted);
                        return d;
                    });
        }
        rollouts.await(ns, name(target, stable));
        select(target, stable);
        if (TrafficRouter.routed(target)) {
            routers.apply(target).withdraw(target);
        }
        if (deployments.get(ns, name(target, fresh)) != null) {
            deployments.edit(
                    ns,
                    name(target, fresh),
                    d -> {
                        d.getSpec().setReplicas(0);
                        return d;
                    });
        }
    }

    /** Weights by version: the new colour's share is the canary's; 100 once the Service selects it. */
    LiveState read(KubernetesTarget target) throws PlatformException {
        String ns = target.namespace();
        Service main = services.main(target);
        String serving = selected(main);
        String stable = annotation(main, STABLE_COLOUR);
        if (stable == null) {
            String colour =
                    serving != null
                            ? serving
                            : deployments.get(ns, name(target, BLUE)) != null ? BLUE : GREEN;
            Deployment d = existing(target, colour);
            return state(0, Map.of(LiveState.STABLE, image(d, trackedContainer(d, null))));
        }
        String fresh = other(stable);
        Map<String, String> versions = new HashMap<>();
        Deployment old = deployments.get(ns, name(target, stable));
        if (old != null) {
            versions.put(LiveState.STABLE, image(old, trackedContainer(old, null)));
        }
        Deployment next = deployments.get(ns, name(target, fresh));
        if (next != null) {
            versions.put(LiveState.CANARY, image(next, trackedContainer(next, null)));
        }
        int weight;
        if (fresh.equals(serving)) {
            weight = 100;
        } else if (TrafficRouter.routed(target) && next != null && replicas(next) > 0) {
            weight = routers.apply(target).weight(target);
        } else {
            weight = 0;
        }
        return state(weight, versions);
    }

    // The colour that served when this release began. A release is the same one while the other
    // colour runs its
    // artifact; otherwise a new release begins from the colour the Service selects now (or the only
    // one there is).
    private String stableColour(KubernetesTarget target, String artifact) throws PlatformException {
        String ns = target.namespace();
        Service main = services.main(target);
        String recorded = annotation(main, STABLE_COLOUR);
        if (recorded != null) {
            Deployment next = deployments.get(ns, name(target, other(recorded)));
            if (next != null && artifact.equals(image(next, trackedContainer(next, artifact)))) {
                return recorded;
            }
        }
        String serving = selected(main);
        if (serving == null) {
            boolean blue = deployments.get(ns, name(target, BLUE)) != null;
            boolean green = deployments.get(ns, name(target, GREEN)) != null;
            if (blue && green) {
                throw new PlatformException(
                        "service "
                                + ns
                                + "/"
                                + target.service()
                                + " selects no colour and both "
                                + name(target, BLUE)
                                + " and "
                                + name(target, GREEN)
                                + " exist: add "
                                + COLOUR
                                + " to its selector to say which one serves",
                        false);
            }
            serving = blue ? BLUE : GREEN;
        }
        String stable = serving;
        services.editMain(
                target,
                s -> {
                    if (s.getMetadata().getAnnotations() == null) {
                        s.getMetadata().setAnnotations(new HashMap<>());
                    }
                    s.getMetadata().getAnnotations().put(STABLE_COLOUR, stable);
                    return s;
                });
        return stable;
    }

    private String recordedStable(KubernetesTarget target) throws PlatformException {
        return annotation(services.main(target), STABLE_COLOUR);
    }

    // The serving colour's pods must carry the colour label before the Service selects on it.
    // Adding it is a pod
    // template change, so the Deployment rolls once, the first time Stride releases it.
    private Deployment labelled(KubernetesTarget target, Deployment serving, String colour)
            throws PlatformException {
        Map<String, String> labels = serving.getSpec().getTemplate().getMetadata().getLabels();
        if (labels != null && colour.equals(labels.get(COLOUR))) {
            return serving;
        }
        String ns = target.namespace();
        deployments.edit(
                ns,
                name(target, colour),
                d -> {
                    Map<String, String> podLabels =
                            copy(d.getSpec().getTemplate().getMetadata().getLabels());
                    podLabels.put(COLOUR, colour);
                    d.getSpec().getTemplate().getMetadata().setLabels(podLabels);
                    return d;
                });
        return rollouts.await(ns, name(target, colour));
    }

    private void select(KubernetesTarget target, String colour) throws PlatformException {
        if (colour.equals(selected(services.main(target)))) {
            return;
        }
        services.editMain(
                target,
                s -> {
                    Map<String, String> selector = copy(s.getSpec().getSelector());
                    selector.put(COLOUR, colour);
                    s.getSpec().setSelector(selector);
                    return s;
                });
    }

    private Map<String, String> colourSelector(KubernetesTarget target, String colour)
            throws PlatformException {
        Map<String, String> selector = copy(services.main(target).getSpec().getSelector());
        selector.put(COLOUR, colour);
        return selector;
    }

    private Deployment existing(KubernetesTarget target, String colour) throws PlatformException {
        Deployment d = deployments.get(target.namespace(), name(target, colour));
        if (d == null) {
            throw new PlatformException(
                    "deployment " + target.namespace() + "/" + name(target, colour) + " not found",
                    false);
        }
        return d;
    }

    // The serving colour's size; one scaled down by an earlier release counts at the size it had.
    private static int size(Deployment serving) {
        int size = replicas(serving);
        Integer before = number(annotation(serving, SCALED_FROM));
        return size == 0 && before != null ? before : size;
    }

    private static String selected(Service service) {
        Map<String, String> selector = service.getSpec().getSelector();
        return selector == null ? null : selector.get(COLOUR);
    }

    static String name(KubernetesTarget target, String colour) {
        return target.deployment() + "-" + colour;
    }

    static String preview(KubernetesTarget target, String colour) {
        return target.service() + "-" + colour;
    }

    private static String other(String colour) {
        return BLUE.equals(colour) ? GREEN : BLUE;
    }

    private static LiveState state(int canary, Map<String, String> versions) {
        return new LiveState(
                Map.of(LiveState.STABLE, 100 - canary, LiveState.CANARY, canary), versions);
    }

    private static Integer number(String text) {
        try {
            return text == null ? null : Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
