package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.Rollouts.settle;
import static dev.stride.executor.traffic.kubernetes.KubernetesCluster.APP;
import static dev.stride.executor.traffic.kubernetes.KubernetesCluster.COLOUR;
import static dev.stride.executor.traffic.kubernetes.KubernetesCluster.NEW_IMAGE;
import static dev.stride.executor.traffic.kubernetes.KubernetesCluster.REPLICAS;
import static dev.stride.executor.traffic.kubernetes.KubernetesCluster.STABLE_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.run.PhaseActions;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Blue-green with two colour Deployments and a selector switch, the Gateway API router, and the runbook's
 * maintenance-mode annotation, against the fabric8 mock API server (CRUD mode): the objects it ends up holding,
 * phase by phase and after rollback.
 */
@EnableKubernetesMockClient(crud = true)
class BlueGreenAndGatewayTest {

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final String THIRD_IMAGE = "registry.example/shop/web:3.0";

    static KubernetesClient client;

    private KubernetesCluster cluster;
    private KubernetesTrafficDriver driver;
    private String ns;

    @BeforeEach
    void seed() {
        ns = "colours-" + NAMESPACES.incrementAndGet();
        cluster = new KubernetesCluster(client);
        driver = new KubernetesTrafficDriver(client, Duration.ofSeconds(2));
    }

    @AfterEach
    void stopController() {
        cluster.close();
    }

    @Test
    void aBlueGreenBehindNginxStepsActivatesTheNewColourAndRollsBack() throws PlatformException {
        cluster.seedBlueGreen(ns);
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, APP);
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.TRAFFIC,
                                        blueGreen(10, NEW_IMAGE))));
        Deployment green = deployment("web-green");
        assertThat(image(green)).isEqualTo(NEW_IMAGE);
        assertThat(green.getSpec().getReplicas()).isEqualTo(REPLICAS);
        assertThat(green.getSpec().getSelector().getMatchLabels())
                .isEqualTo(Map.of("app", APP, COLOUR, "green"));
        assertThat(green.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry(COLOUR, "green");
        // The main Service now selects the blue colour only; the preview Service the green one.
        assertThat(service(APP).getSpec().getSelector())
                .isEqualTo(Map.of("app", APP, COLOUR, "blue"));
        assertThat(service("web-green").getSpec().getSelector())
                .isEqualTo(Map.of("app", APP, COLOUR, "green"));
        assertThat(canaryIngressWeight()).isEqualTo("10");
        assertThat(
                        ingress("web-canary")
                                .getSpec()
                                .getRules()
                                .get(0)
                                .getHttp()
                                .getPaths()
                                .get(0)
                                .getBackend()
                                .getService()
                                .getName())
                .isEqualTo("web-green");
        assertThat(image(deployment("web-blue"))).isEqualTo(STABLE_IMAGE);
        LiveState live = driver.read(target);
        assertThat(live.weights()).isEqualTo(Map.of("stable", 90, "canary", 10));
        assertThat(live.versions()).isEqualTo(Map.of("stable", STABLE_IMAGE, "canary", NEW_IMAGE));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.TRAFFIC,
                                        blueGreen(100, NEW_IMAGE))));
        assertThat(canaryIngressWeight()).isEqualTo("100");
        assertThat(service(APP).getSpec().getSelector()).containsEntry(COLOUR, "blue");
        assertThat(driver.read(target).canaryWeight()).isEqualTo(100);

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        activate(NEW_IMAGE))));
        assertThat(service(APP).getSpec().getSelector())
                .isEqualTo(Map.of("app", APP, COLOUR, "green"));
        assertThat(canaryIngressWeight()).isEqualTo("0");
        Deployment blue = deployment("web-blue");
        assertThat(blue.getSpec().getReplicas()).isZero();
        assertThat(blue.getMetadata().getAnnotations())
                .containsEntry("stride.dev/scaled-down-from", "20");
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 0, "canary", 100));

        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(deployment("web-blue").getSpec().getReplicas()).isEqualTo(REPLICAS);
        assertThat(service(APP).getSpec().getSelector()).containsEntry(COLOUR, "blue");
        assertThat(deployment("web-green").getSpec().getReplicas()).isZero();
        assertThat(canaryIngressWeight()).isEqualTo("0");
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));
    }

    @Test
    void theNextReleaseGoesFromTheActivatedColourBackToTheOther() throws PlatformException {
        cluster.seedBlueGreen(ns);
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, APP);
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.TRAFFIC,
                                        blueGreen(100, NEW_IMAGE))));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        activate(NEW_IMAGE))));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.TRAFFIC,
                                        blueGreen(50, THIRD_IMAGE))));

        Deployment blue = deployment("web-blue");
        assertThat(image(blue)).isEqualTo(THIRD_IMAGE);
        // Blue was scaled down by the last release; it comes back at the serving colour's size.
        assertThat(blue.getSpec().getReplicas()).isEqualTo(REPLICAS);
        assertThat(service(APP).getSpec().getSelector()).containsEntry(COLOUR, "green");
        assertThat(service(APP).getMetadata().getAnnotations())
                .containsEntry("stride.dev/stable-colour", "green");
        assertThat(canaryIngressWeight()).isEqualTo("50");
        LiveState live = driver.read(target);
        assertThat(live.weights()).isEqualTo(Map.of("stable", 50, "canary", 50));
        assertThat(live.versions()).isEqualTo(Map.of("stable", NEW_IMAGE, "canary", THIRD_IMAGE));

        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(service(APP).getSpec().getSelector()).containsEntry(COLOUR, "green");
        assertThat(deployment("web-green").getSpec().getReplicas()).isEqualTo(REPLICAS);
        assertThat(deployment("web-blue").getSpec().getReplicas()).isZero();
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));
    }

    @Test
    void withoutARouterOnlyTheFullStepSwitchesTheSelector() throws PlatformException {
        cluster.seedBlueGreen(ns);
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, null);

        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                blueGreen(30, NEW_IMAGE)))))
                .isInstanceOfSatisfying(
                        PlatformException.class,
                        e -> {
                            assertThat(e.isTransient()).isFalse();
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "a blue-green on kubernetes can send 30% to the new colour "
                                                    + "only through a router: name the target's ingress or httpRoute");
                        });
        assertThat(service(APP).getSpec().getSelector()).containsEntry(COLOUR, "blue");

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.TRAFFIC,
                                        blueGreen(100, NEW_IMAGE))));
        assertThat(service(APP).getSpec().getSelector()).containsEntry(COLOUR, "green");
        assertThat(driver.read(target).canaryWeight()).isEqualTo(100);
        // Repeating the step, then finalizing, changes nothing but the old colour's size.
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.TRAFFIC,
                                        blueGreen(100, NEW_IMAGE))));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        activate(NEW_IMAGE))));
        assertThat(service(APP).getSpec().getSelector()).containsEntry(COLOUR, "green");
        assertThat(deployment("web-blue").getSpec().getReplicas()).isZero();
        assertThat(deployment("web-green").getSpec().getReplicas()).isEqualTo(REPLICAS);

        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(service(APP).getSpec().getSelector()).containsEntry(COLOUR, "blue");
        assertThat(deployment("web-blue").getSpec().getReplicas()).isEqualTo(REPLICAS);
    }

    @Test
    void aCanaryThroughAGatewayApiRouteSetsTheBackendWeights() throws PlatformException {
        cluster.seed(ns);
        cluster.seedRoute(ns);
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, null, APP, null);

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, canary(5))));
        assertThat(refs(0))
                .containsExactly(Tuple.tuple("web", 80, 95), Tuple.tuple("web-canary", 80, 5));
        // The rule for another Service is left as it was.
        assertThat(refs(1)).containsExactly(Tuple.tuple("admin", 80, 1));
        assertThat(service("web-canary").getSpec().getSelector())
                .isEqualTo(Map.of("stride.dev/track", "canary", "stride.dev/canary-of", APP));
        assertThat(client.network().v1().ingresses().inNamespace(ns).withName("web-canary").get())
                .isNull();
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 95, "canary", 5));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, canary(25))));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, canary(25))));
        assertThat(refs(0))
                .containsExactly(Tuple.tuple("web", 80, 75), Tuple.tuple("web-canary", 80, 25));

        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(refs(0))
                .containsExactly(Tuple.tuple("web", 80, 100), Tuple.tuple("web-canary", 80, 0));
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));
        assertThat(deployment("web-canary").getSpec().getReplicas()).isZero();
    }

    @Test
    void aRouteWithoutAPathToTheServiceIsRefused() {
        cluster.seed(ns);
        cluster.seedRoute(ns);
        KubernetesTarget target = new KubernetesTarget(ns, APP, "shop", null, APP, null);
        client.services()
                .inNamespace(ns)
                .resource(
                        new io.fabric8.kubernetes.api.model.ServiceBuilder()
                                .withNewMetadata()
                                .withName("shop")
                                .endMetadata()
                                .withNewSpec()
                                .addToSelector("app", APP)
                                .addNewPort()
                                .withPort(80)
                                .endPort()
                                .endSpec()
                                .build())
                .create();

        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                canary(5)))))
                .isInstanceOf(PlatformException.class)
                .hasMessage("httproute " + ns + "/web has no backendRef to service shop");
    }

    @Test
    void aRollbackBeforeADatabaseRestoreKeepsMaintenanceOnUntilTheRestoreTakesItOff()
            throws PlatformException {
        cluster.seed(ns);
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, APP, null, true);
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.ROLLOUT,
                                        Map.of(
                                                "batchSize",
                                                5,
                                                "maxUnavailable",
                                                0,
                                                "artifact",
                                                NEW_IMAGE))));
        assertThat(maintenance()).isEqualTo("true");

        settle(() -> driver.apply(target, TrafficAction.RESTORE_KEEPING_MAINTENANCE));
        assertThat(maintenance()).isEqualTo("true");
        assertThat(driver.read(target).versions()).containsEntry("stable", STABLE_IMAGE);

        driver.maintenance(target, false);
        assertThat(maintenance()).isEqualTo("false");
        driver.maintenance(target, true);
        assertThat(maintenance()).isEqualTo("true");

        KubernetesTarget without = new KubernetesTarget(ns, APP, APP, APP);
        assertThatThrownBy(() -> driver.maintenance(without, true))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("has no maintenanceMode");
    }

    @Test
    void maintenanceModeIsOnWhileTheReleaseRunsAndOffWhenItEnds() throws PlatformException {
        cluster.seed(ns);
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, APP, null, true);
        Map<String, Object> rolling =
                Map.of("batchSize", 5, "maxUnavailable", 0, "artifact", NEW_IMAGE);

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(target.platform(), PhaseType.ROLLOUT, rolling)));
        assertThat(maintenance()).isEqualTo("true");
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        Map.of(
                                                "action",
                                                "complete-rollout",
                                                "artifact",
                                                NEW_IMAGE))));
        assertThat(maintenance()).isEqualTo("false");

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.ROLLOUT,
                                        Map.of(
                                                "batchSize",
                                                5,
                                                "maxUnavailable",
                                                0,
                                                "artifact",
                                                THIRD_IMAGE))));
        assertThat(maintenance()).isEqualTo("true");
        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(maintenance()).isEqualTo("false");

        KubernetesTarget without = new KubernetesTarget(ns + "-plain", APP, APP, APP);
        cluster.seed(without.namespace());
        settle(
                () ->
                        driver.apply(
                                without,
                                PhaseActions.parse(
                                        without.platform(), PhaseType.ROLLOUT, rolling)));
        assertThat(
                        client.network()
                                .v1()
                                .ingresses()
                                .inNamespace(without.namespace())
                                .withName(APP)
                                .get()
                                .getMetadata()
                                .getAnnotations())
                .isNullOrEmpty();
    }

    private List<Tuple> refs(int rule) {
        HTTPRouteRule r = cluster.route(ns).getSpec().getRules().get(rule);
        return r.getBackendRefs().stream()
                .map(
                        (HTTPBackendRef ref) ->
                                Tuple.tuple(ref.getName(), ref.getPort(), ref.getWeight()))
                .toList();
    }

    private static Map<String, Object> blueGreen(int weight, String artifact) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("weight", weight);
        parameters.put("artifact", artifact);
        parameters.put("strategy", "blue-green");
        return parameters;
    }

    private static Map<String, Object> canary(int weight) {
        return Map.of("weight", weight, "artifact", NEW_IMAGE, "strategy", "canary");
    }

    private static Map<String, Object> activate(String artifact) {
        return Map.of(
                "action",
                "activate-new-colour",
                "scaleDownOldColour",
                true,
                "artifact",
                artifact,
                "strategy",
                "blue-green");
    }

    private String maintenance() {
        return ingress(APP)
                .getMetadata()
                .getAnnotations()
                .get("nginx.ingress.kubernetes.io/maintenance");
    }

    private String canaryIngressWeight() {
        return ingress("web-canary")
                .getMetadata()
                .getAnnotations()
                .get("nginx.ingress.kubernetes.io/canary-weight");
    }

    private Deployment deployment(String name) {
        return cluster.deployment(ns, name);
    }

    private Service service(String name) {
        return client.services().inNamespace(ns).withName(name).get();
    }

    private Ingress ingress(String name) {
        return client.network().v1().ingresses().inNamespace(ns).withName(name).get();
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
}
