package dev.stride.executor.traffic.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The mock API server runs no controllers: this stands in for the Deployment controller, marking every Deployment
 * rolled out shortly after its spec changes, except those a test holds back. It also seeds the application.
 */
public final class KubernetesCluster implements AutoCloseable {

    public static final String APP = "web";
    static final String STABLE_IMAGE = "registry.example/shop/web:1.0";
    public static final String NEW_IMAGE = "registry.example/shop/web:2.0";
    static final int REPLICAS = 20;
    static final String COLOUR = "stride.dev/colour";

    private final KubernetesClient client;
    private final Set<String> heldBack = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService controller =
            Executors.newSingleThreadScheduledExecutor();

    public KubernetesCluster(KubernetesClient client) {
        this.client = client;
        controller.scheduleWithFixedDelay(this::rollOutAll, 10, 10, TimeUnit.MILLISECONDS);
    }

    /** The Deployment's rollout never finishes from now on, as with an image that cannot be pulled. */
    public void holdBack(String namespace, String name) {
        heldBack.add(namespace + "/" + name);
    }

    /** The Deployment's rollout goes on again (the image could be pulled after all). */
    void release(String namespace, String name) {
        heldBack.remove(namespace + "/" + name);
    }

    public void seed(String namespace) {
        client.apps()
                .deployments()
                .inNamespace(namespace)
                .resource(
                        new DeploymentBuilder()
                                .withNewMetadata()
                                .withName(APP)
                                .withNamespace(namespace)
                                .addToLabels("app", APP)
                                .endMetadata()
                                .withNewSpec()
                                .withReplicas(REPLICAS)
                                .withNewSelector()
                                .addToMatchLabels("app", APP)
                                .endSelector()
                                .withNewTemplate()
                                .withNewMetadata()
                                .addToLabels("app", APP)
                                .addToLabels("tier", "front")
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName(APP)
                                .withImage(STABLE_IMAGE)
                                .addNewPort()
                                .withContainerPort(8080)
                                .endPort()
                                .endContainer()
                                .addNewContainer()
                                .withName("log-shipper")
                                .withImage("registry.example/ops/shipper:3")
                                .endContainer()
                                .endSpec()
                                .endTemplate()
                                .endSpec()
                                .build())
                .create();
        client.services()
                .inNamespace(namespace)
                .resource(
                        new ServiceBuilder()
                                .withNewMetadata()
                                .withName(APP)
                                .withNamespace(namespace)
                                .endMetadata()
                                .withNewSpec()
                                .withType("LoadBalancer")
                                .addToSelector("app", APP)
                                .addNewPort()
                                .withName("http")
                                .withPort(80)
                                .withTargetPort(new IntOrString(8080))
                                .endPort()
                                .endSpec()
                                .build())
                .create();
        client.network()
                .v1()
                .ingresses()
                .inNamespace(namespace)
                .resource(
                        new IngressBuilder()
                                .withNewMetadata()
                                .withName(APP)
                                .withNamespace(namespace)
                                .endMetadata()
                                .withNewSpec()
                                .withIngressClassName("nginx")
                                .addNewRule()
                                .withHost("shop.example")
                                .withNewHttp()
                                .addNewPath()
                                .withPath("/")
                                .withPathType("Prefix")
                                .withNewBackend()
                                .withNewService()
                                .withName(APP)
                                .withNewPort()
                                .withNumber(80)
                                .endPort()
                                .endService()
                                .endBackend()
                                .endPath()
                                .addNewPath()
                                .withPath("/admin")
                                .withPathType("Prefix")
                                .withNewBackend()
                                .withNewService()
                                .withName("admin")
                                .withNewPort()
                                .withNumber(80)
                                .endPort()
                                .endService()
                                .endBackend()
                                .endPath()
                                .endHttp()
                                .endRule()
                                .endSpec()
                                .build())
                .create();
    }

    /**
     * The blue-green form of the application: Deployment {@code web-blue} (its pods and selector carry the colour)
     * serving behind Service {@code web} (selecting {@code app: web} only), the Ingress {@link #seed} makes too,
     * and an HTTPRoute {@code web}.
     */
    void seedBlueGreen(String namespace) {
        seed(namespace);
        client.apps().deployments().inNamespace(namespace).withName(APP).delete();
        client.apps()
                .deployments()
                .inNamespace(namespace)
                .resource(
                        new DeploymentBuilder()
                                .withNewMetadata()
                                .withName(APP + "-blue")
                                .withNamespace(namespace)
                                .addToLabels("app", APP)
                                .endMetadata()
                                .withNewSpec()
                                .withReplicas(REPLICAS)
                                .withNewSelector()
                                .addToMatchLabels("app", APP)
                                .addToMatchLabels(COLOUR, "blue")
                                .endSelector()
                                .withNewTemplate()
                                .withNewMetadata()
                                .addToLabels("app", APP)
                                .addToLabels(COLOUR, "blue")
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName(APP)
                                .withImage(STABLE_IMAGE)
                                .addNewPort()
                                .withContainerPort(8080)
                                .endPort()
                                .endContainer()
                                .endSpec()
                                .endTemplate()
                                .endSpec()
                                .build())
                .create();
    }

    /** An HTTPRoute {@code web} sending / to Service web and /admin to Service admin. */
    void seedRoute(String namespace) {
        client.resources(HTTPRoute.class)
                .inNamespace(namespace)
                .resource(
                        new HTTPRouteBuilder()
                                .withNewMetadata()
                                .withName(APP)
                                .withNamespace(namespace)
                                .endMetadata()
                                .withNewSpec()
                                .addNewParentRef()
                                .withName("shop-gateway")
                                .endParentRef()
                                .addNewRule()
                                .addNewMatch()
                                .withNewPath()
                                .withType("PathPrefix")
                                .withValue("/")
                                .endPath()
                                .endMatch()
                                .addNewBackendRef()
                                .withName(APP)
                                .withPort(80)
                                .endBackendRef()
                                .endRule()
                                .addNewRule()
                                .addNewMatch()
                                .withNewPath()
                                .withType("PathPrefix")
                                .withValue("/admin")
                                .endPath()
                                .endMatch()
                                .addNewBackendRef()
                                .withName("admin")
                                .withPort(80)
                                .withWeight(1)
                                .endBackendRef()
                                .endRule()
                                .endSpec()
                                .build())
                .create();
    }

    HTTPRoute route(String namespace) {
        return client.resources(HTTPRoute.class).inNamespace(namespace).withName(APP).get();
    }

    Deployment deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    private void rollOutAll() {
        try {
            for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
                String key = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
                if (!heldBack.contains(key) && !RolloutProgress.isComplete(d)) {
                    int replicas = RolloutProgress.replicas(d);
                    d.setStatus(
                            new DeploymentStatusBuilder()
                                    .withObservedGeneration(d.getMetadata().getGeneration())
                                    .withReplicas(replicas)
                                    .withUpdatedReplicas(replicas)
                                    .withReadyReplicas(replicas)
                                    .withAvailableReplicas(replicas)
                                    .build());
                    client.apps()
                            .deployments()
                            .inNamespace(d.getMetadata().getNamespace())
                            .resource(d)
                            .updateStatus();
                }
            }
        } catch (RuntimeException e) {
            // A conflict with the driver's own write: the next tick tries again, as a real
            // controller would.
        }
    }

    @Override
    public void close() {
        controller.shutdownNow();
    }

    static Map<String, String> canarySelector() {
        return Map.of("stride.dev/track", "canary", "stride.dev/canary-of", APP);
    }
}
