package dev.stride.executor.traffic.kubernetes;

import dev.stride.executor.traffic.PhaseParameters;

import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.call;
import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.run;
import static dev.stride.executor.traffic.kubernetes.NginxCanaryRouter.annotation;
import static dev.stride.executor.traffic.kubernetes.NginxCanaryRouter.copy;
import static dev.stride.executor.traffic.kubernetes.RolloutProgress.replicas;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.events.spec.Target;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficDriver;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Releases a new image on one Kubernetes Deployment, as a canary or as a rolling update.
 *
 * <p>Canary (TRAFFIC phases): a second Deployment {@code <deployment>-canary} runs the stable's pod template with the
 * new image. Its pods carry {@code stride.dev/track: canary} and {@code stride.dev/canary-of: <deployment>}, which is
 * also its whole selector. With an ingress in the target, the NGINX canary Ingress splits traffic and the canary's
 * pods lose the labels the main Service selects on, so only {@code <service>-canary} reaches them. Without one,
 * the canary's pods keep every stable label, the main Service selects both Deployments and the replica ratio is the
 * split (Argo Rollouts' basic canary): canary {@code ceil(total * w / 100)}, stable the rest, {@code total} being the
 * stable's replicas when the release began, kept in an annotation on the canary Deployment.
 *
 * <p>Weights are reported by version: {@code canary} is the share of traffic on the release's new version. After
 * promote-canary the stable Deployment runs the canary's image and takes all traffic, so the canary weight is 100;
 * restoring stable afterwards puts the stable's previous image back and the canary weight is 0 again.
 *
 * <p>Rolling (ROLLOUT): the new image goes on the Deployment itself, with {@code maxSurge = batchSize}; the driver
 * waits for the rollout. Every call re-reads the objects and writes the full state it wants, so repeating one is
 * harmless; everything a restarted executor needs is kept in annotations on the objects themselves.
 */
public final class KubernetesTrafficDriver implements TrafficDriver {

    static final String TRACK = "stride.dev/track";
    static final String CANARY_OF = "stride.dev/canary-of";
    static final String STRATEGY = "stride.dev/strategy";
    static final String CONTAINER = "stride.dev/container";
    static final String PREVIOUS_IMAGE = "stride.dev/previous-image";
    static final String TOTAL_REPLICAS = "stride.dev/total-replicas";
    static final String WEIGHT = "stride.dev/canary-weight";
    static final String PROMOTED = "stride.dev/promoted";
    static final String MAINTENANCE = "nginx.ingress.kubernetes.io/maintenance";

    public static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofMinutes(10);
    public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final RolloutProgress rollouts;
    private final Deployments deployments;
    private final SideServices services;
    private final NginxCanaryRouter nginx;
    private final GatewayRouteRouter gateway;
    private final BlueGreenRelease blueGreen;

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
    public KubernetesTrafficDriver(KubernetesClient client, Duration progressDeadline, Duration recheckInterval) {
        this.client = Objects.requireNonNull(client, "client");
        this.rollouts = new RolloutProgress(client, progressDeadline, recheckInterval);
        this.deployments = new Deployments(client);
        this.services = new SideServices(client);
        this.nginx = new NginxCanaryRouter(client);
        this.gateway = new GatewayRouteRouter(client);
        this.blueGreen = new BlueGreenRelease(deployments, services, rollouts, this::router);
    }

    @Override
    public String platform() {
        return KubernetesTarget.PLATFORM;
    }

    @Override
    public String endpoint(Target target) {
        return "kubernetes " + apiServer(client);
    }

    /** The API server's address without any user information a kubeconfig URL may carry. */
    static String apiServer(KubernetesClient client) {
        java.net.URL url = client.getMasterUrl();
        if (url == null) {
            return "(no API server configured)";
        }
        return url.getProtocol() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    @Override
    public void apply(Target target, PhaseType type, Map<String, Object> parameters) throws PlatformException {
        KubernetesTarget k8s = kubernetes(target);
        Map<String, Object> given = parameters == null ? Map.of() : parameters;
        boolean colours = "blue-green".equals(given.get("strategy"))
                || "activate-new-colour".equals(given.get("action")) || blueGreen.isBlueGreen(k8s);
        switch (type) {
            case TRAFFIC -> {
                maintenance(k8s, true);
                int weight = PhaseParameters.weight(given.get("weight"));
                if (colours) {
                    blueGreen.shift(k8s, weight, PhaseParameters.artifact(given));
                } else {
                    shift(k8s, weight, PhaseParameters.artifact(given));
                }
            }
            case ROLLOUT -> {
                maintenance(k8s, true);
                roll(k8s, PhaseParameters.artifact(given),
                        PhaseParameters.count(given.get("batchSize"), "batchSize", 1),
                        PhaseParameters.count(given.get("maxUnavailable"), "maxUnavailable", 0));
            }
            case FINALIZE -> {
                if (colours) {
                    blueGreen.activate(k8s, given.get("action"), !Boolean.FALSE.equals(given.get("scaleDownOldColour")),
                            given.get("artifact"));
                } else {
                    finalize(k8s, given.get("action"), given.get("artifact"));
                }
                maintenance(k8s, false);
            }
            default -> throw new PlatformException("kubernetes does not apply " + type + " phases", false);
        }
    }

    /**
     * The runbook's maintenance-mode step, when the target asks for it: the NGINX {@code maintenance} annotation on
     * the target's ingress, "true" while the release runs and "false" once it is finalized or rolled back.
     */
    private void maintenance(KubernetesTarget target, boolean on) throws PlatformException {
        if (!target.inMaintenanceMode()) {
            return;
        }
        String ns = target.namespace();
        String value = Boolean.toString(on);
        run("writing ingress " + ns + "/" + target.ingress(), () -> {
            var resource = client.network().v1().ingresses().inNamespace(ns).withName(target.ingress());
            Ingress ingress = resource.get();
            if (ingress == null) {
                throw new KubernetesClientException("ingress " + ns + "/" + target.ingress() + " not found", 404,
                        null);
            }
            if (!value.equals(annotation(ingress, MAINTENANCE))) {
                resource.edit(i -> new IngressBuilder(i).editMetadata().addToAnnotations(MAINTENANCE, value)
                        .endMetadata().build());
            }
        });
    }

    @Override
    public LiveState read(Target target) throws PlatformException {
        KubernetesTarget k8s = kubernetes(target);
        if (blueGreen.isBlueGreen(k8s)) {
            return blueGreen.read(k8s);
        }
        Deployment stable = stable(k8s);
        String stableImage = image(stable, trackedContainer(stable, null));
        if ("rolling".equals(annotation(stable, STRATEGY))) {
            int newShare = rolledShare(stable);
            return state(newShare, Map.of(LiveState.STABLE, stableImage));
        }
        Deployment canary = canary(k8s);
        if (canary == null) {
            return state(0, Map.of(LiveState.STABLE, stableImage));
        }
        String canaryImage = image(canary, trackedContainer(canary, null));
        Map<String, String> versions = Map.of(LiveState.STABLE, stableImage, LiveState.CANARY, canaryImage);
        if ("true".equals(annotation(canary, PROMOTED)) && stableImage.equals(canaryImage)) {
            return state(100, versions);
        }
        if (routed(k8s)) {
            return state(router(k8s).weight(k8s), versions);
        }
        return state(replicaShare(stable, canary), versions);
    }

    @Override
    public void restoreStable(Target target) throws PlatformException {
        KubernetesTarget k8s = kubernetes(target);
        restore(k8s);
        maintenance(k8s, false);
    }

    private void restore(KubernetesTarget k8s) throws PlatformException {
        if (blueGreen.isBlueGreen(k8s)) {
            blueGreen.restore(k8s);
            return;
        }
        Deployment stable = stable(k8s);
        if ("rolling".equals(annotation(stable, STRATEGY))) {
            String previous = annotation(stable, PREVIOUS_IMAGE);
            String container = trackedContainer(stable, null);
            if (previous != null && !previous.equals(image(stable, container))) {
                editStable(k8s, d -> withImage(d, container, previous));
            }
            rollouts.await(k8s.namespace(), k8s.deployment());
            return;
        }
        Deployment canary = canary(k8s);
        if (canary == null) {
            return;
        }
        if (routed(k8s)) {
            router(k8s).withdraw(k8s);
        }
        String container = trackedContainer(stable, null);
        String previous = annotation(stable, PREVIOUS_IMAGE);
        boolean promoted = "true".equals(annotation(canary, PROMOTED));
        int total = total(stable, canary);
        editStable(k8s, d -> {
            if (promoted && previous != null) {
                withImage(d, container, previous);
            }
            if (!routed(k8s)) {
                d.getSpec().setReplicas(total);
            }
            return d;
        });
        rollouts.await(k8s.namespace(), k8s.deployment());
        editCanary(k8s, d -> {
            d.getSpec().setReplicas(0);
            annotations(d).put(WEIGHT, "0");
            annotations(d).remove(PROMOTED);
            return d;
        });
    }

    /** TRAFFIC: sizes the canary Deployment for {@code weight}, waits for it, then moves the traffic. */
    private void shift(KubernetesTarget target, int weight, String artifact) throws PlatformException {
        Deployment stable = stable(target);
        Deployment existing = canary(target);
        boolean routed = routed(target);
        String container = trackedContainer(stable, artifact);
        int total = total(stable, existing);
        int canaryReplicas = canaryReplicas(total, weight, routed);
        Set<String> hidden = routed ? services.mainSelectorKeys(target) : Set.of();

        editStable(target, d -> {
            annotations(d).put(STRATEGY, "canary");
            annotations(d).put(CONTAINER, container);
            return d;
        });
        Map<String, String> selector = Map.of(TRACK, "canary", CANARY_OF, target.deployment());
        PodTemplateSpec template = new PodTemplateSpecBuilder(stable.getSpec().getTemplate()).build();
        Map<String, String> podLabels = copy(template.getMetadata().getLabels());
        podLabels.keySet().removeAll(hidden);
        podLabels.putAll(selector);
        template.getMetadata().setLabels(podLabels);
        containerNamed(template.getSpec().getContainers(), container).setImage(artifact);

        Map<String, String> annotations = Map.of(TOTAL_REPLICAS, Integer.toString(total),
                WEIGHT, Integer.toString(weight), CONTAINER, container);
        String ns = target.namespace();
        String name = canaryName(target);
        if (existing == null) {
            Map<String, String> labels = copy(stable.getMetadata().getLabels());
            labels.putAll(selector);
            Deployment canary = new DeploymentBuilder()
                    .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels)
                    .withAnnotations(annotations).endMetadata()
                    .withNewSpec().withReplicas(canaryReplicas).withNewSelector().withMatchLabels(selector)
                    .endSelector().withTemplate(template).endSpec()
                    .build();
            deployments.create(canary);
        } else {
            editCanary(target, d -> {
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
            router(target).route(target, canaryService(target), weight);
        } else {
            editStable(target, d -> {
                d.getSpec().setReplicas(total - canaryReplicas);
                return d;
            });
        }
    }

    /** FINALIZE. */
    private void finalize(KubernetesTarget target, Object action, Object artifact) throws PlatformException {
        if ("complete-rollout".equals(action)) {
            rollouts.await(target.namespace(), target.deployment());
        } else if ("promote-canary".equals(action)) {
            promote(target, artifact);
        } else {
            throw new PlatformException("kubernetes does not know the finalize action '" + action + "'", false);
        }
    }

    /**
     * The stable Deployment takes the canary's image (its previous one remembered) and all its replicas; once it
     * is rolled out, the canary's share and replicas go to 0. Traffic stays on the new version throughout.
     */
    private void promote(KubernetesTarget target, Object artifact) throws PlatformException {
        Deployment stable = stable(target);
        Deployment canary = canary(target);
        if (canary == null) {
            throw new PlatformException("deployment " + target.namespace() + "/" + canaryName(target)
                    + " not found: there is no canary to promote", false);
        }
        String container = trackedContainer(stable, null);
        String image = image(canary, container);
        if (artifact instanceof String wanted && !wanted.isBlank() && !wanted.equals(image)) {
            throw new PlatformException("the canary runs " + image + ", not " + wanted + ": not promoting it", false);
        }
        int total = total(stable, canary);
        String current = image(stable, container);
        editCanary(target, d -> {
            annotations(d).put(PROMOTED, "true");
            return d;
        });
        editStable(target, d -> {
            if (!image.equals(current)) {
                annotations(d).put(PREVIOUS_IMAGE, current);
                withImage(d, container, image);
            }
            d.getSpec().setReplicas(total);
            return d;
        });
        rollouts.await(target.namespace(), target.deployment());
        if (routed(target)) {
            router(target).withdraw(target);
        }
        editCanary(target, d -> {
            d.getSpec().setReplicas(0);
            annotations(d).put(WEIGHT, "0");
            return d;
        });
    }

    /** ROLLOUT: the new image on the Deployment itself, replaced {@code batchSize} pods at a time. */
    private void roll(KubernetesTarget target, String artifact, int batchSize, int maxUnavailable)
            throws PlatformException {
        Deployment stable = stable(target);
        String container = trackedContainer(stable, artifact);
        String current = image(stable, container);
        editStable(target, d -> {
            annotations(d).put(STRATEGY, "rolling");
            annotations(d).put(CONTAINER, container);
            if (!artifact.equals(current)) {
                // Only the first apply remembers: a repeated one finds the new image already set.
                annotations(d).put(PREVIOUS_IMAGE, current);
                withImage(d, container, artifact);
            }
            d.getSpec().setStrategy(new DeploymentStrategyBuilder()
                    .withType("RollingUpdate").withNewRollingUpdate()
                    .withMaxSurge(new IntOrString(batchSize)).withMaxUnavailable(new IntOrString(maxUnavailable))
                    .endRollingUpdate().build());
            return d;
        });
        rollouts.await(target.namespace(), target.deployment());
    }

    // Rolling: the new version's share is the updated replicas' share once the controller has seen the new spec;
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
        if (wanted == 0 || updated == null || observed == null || (generation != null && observed < generation)) {
            return 0;
        }
        return Math.min(100, (int) Math.round(100.0 * updated / wanted));
    }

    // Replica ratio by spec.replicas (what was asked, not what is ready: a pod still starting counts). When the
    // replicas are exactly those the recorded weight asks for, that weight is reported, since ceil() makes the ratio
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
        // Behind a router the canary needs a pod as soon as it takes any traffic, whatever the stable's size.
        return routed ? Math.max(1, byWeight) : byWeight;
    }

    // The stable's size when the release began. A canary still at 0 replicas has taken nothing from the stable yet,
    // so the stable's current size wins (it may have been scaled between releases).
    private static int total(Deployment stable, Deployment canary) {
        Integer recorded = canary == null ? null : number(annotation(canary, TOTAL_REPLICAS));
        if (recorded == null || replicas(canary) == 0) {
            return replicas(stable);
        }
        return recorded;
    }

    private static LiveState state(int canary, Map<String, String> versions) {
        return new LiveState(Map.of(LiveState.STABLE, 100 - canary, LiveState.CANARY, canary), versions);
    }

    private Deployment stable(KubernetesTarget target) throws PlatformException {
        Deployment stable = deployment(target.namespace(), target.deployment());
        if (stable == null) {
            throw new PlatformException("deployment " + target.namespace() + "/" + target.deployment()
                    + " not found", false);
        }
        return stable;
    }

    private Deployment canary(KubernetesTarget target) throws PlatformException {
        return deployment(target.namespace(), canaryName(target));
    }

    private Deployment deployment(String ns, String name) throws PlatformException {
        return deployments.get(ns, name);
    }

    private void editStable(KubernetesTarget target, UnaryOperator<Deployment> change) throws PlatformException {
        edit(target.namespace(), target.deployment(), change);
    }

    private void editCanary(KubernetesTarget target, UnaryOperator<Deployment> change) throws PlatformException {
        edit(target.namespace(), canaryName(target), change);
    }

    private void edit(String ns, String name, UnaryOperator<Deployment> change) throws PlatformException {
        deployments.edit(ns, name, change);
    }

    private static String canaryName(KubernetesTarget target) {
        return target.deployment() + "-canary";
    }

    private static boolean routed(KubernetesTarget target) {
        return TrafficRouter.routed(target);
    }

    private TrafficRouter router(KubernetesTarget target) {
        return blank(target.httpRoute()) ? nginx : gateway;
    }

    static String canaryService(KubernetesTarget target) {
        return target.service() + "-canary";
    }

    static Map<String, String> annotations(Deployment d) {
        if (d.getMetadata().getAnnotations() == null) {
            d.getMetadata().setAnnotations(new HashMap<>());
        }
        return d.getMetadata().getAnnotations();
    }

    /**
     * The container whose image is released: the one named in the Deployment's annotation once chosen; otherwise
     * the only one; with several, the one whose image repository is the artifact's, else the first (sidecars are
     * usually listed after the application).
     */
    static String trackedContainer(Deployment d, String artifact) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        String chosen = annotation(d, CONTAINER);
        if (chosen != null && containers.stream().anyMatch(c -> chosen.equals(c.getName()))) {
            return chosen;
        }
        if (artifact != null) {
            for (Container c : containers) {
                if (c.getImage() != null && repository(c.getImage()).equals(repository(artifact))) {
                    return c.getName();
                }
            }
        }
        return containers.get(0).getName();
    }

    private static String repository(String image) {
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }

    static String image(Deployment d, String container) {
        return containerNamed(d.getSpec().getTemplate().getSpec().getContainers(), container).getImage();
    }

    static Deployment withImage(Deployment d, String container, String image) {
        withImage(d.getSpec().getTemplate(), container, image);
        return d;
    }

    static void withImage(PodTemplateSpec template, String container, String image) {
        containerNamed(template.getSpec().getContainers(), container).setImage(image);
    }

    private static Container containerNamed(List<Container> containers, String name) {
        return containers.stream().filter(c -> name.equals(c.getName())).findFirst().orElse(containers.get(0));
    }

    private static Integer number(String text) {
        try {
            return text == null ? null : Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static KubernetesTarget kubernetes(Target target) throws PlatformException {
        if (target instanceof KubernetesTarget k8s) {
            if (blank(k8s.namespace()) || blank(k8s.deployment())) {
                throw new PlatformException("the kubernetes target needs a namespace and a deployment", false);
            }
            if (routed(k8s) && blank(k8s.service())) {
                throw new PlatformException("a kubernetes target with an ingress or httpRoute needs its service too",
                        false);
            }
            if (!blank(k8s.ingress()) && !blank(k8s.httpRoute())) {
                throw new PlatformException("a kubernetes target names either an ingress or an httpRoute, not both",
                        false);
            }
            return k8s;
        }
        throw new IllegalArgumentException("not a kubernetes target: " + (target == null ? "null" : target.platform()));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
