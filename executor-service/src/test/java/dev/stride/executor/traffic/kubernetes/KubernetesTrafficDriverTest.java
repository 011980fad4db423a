package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.Rollouts.settle;
import static dev.stride.executor.traffic.kubernetes.KubernetesCluster.APP;
import static dev.stride.executor.traffic.kubernetes.KubernetesCluster.NEW_IMAGE;
import static dev.stride.executor.traffic.kubernetes.KubernetesCluster.REPLICAS;
import static dev.stride.executor.traffic.kubernetes.KubernetesCluster.STABLE_IMAGE;
import static dev.stride.executor.traffic.kubernetes.KubernetesCluster.canarySelector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.run.PhaseActions;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.RolloutInProgress;
import dev.stride.executor.traffic.TrafficAction;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the fabric8 mock API server (CRUD mode) phase by phase and asserts the objects it ends up holding. */
@EnableKubernetesMockClient(crud = true)
class KubernetesTrafficDriverTest {

    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    static KubernetesClient client;

    private KubernetesCluster cluster;
    private KubernetesTrafficDriver driver;
    private String ns;

    @BeforeEach
    void seed() {
        ns = "shop-" + NAMESPACES.incrementAndGet();
        cluster = new KubernetesCluster(client);
        cluster.seed(ns);
        driver = new KubernetesTrafficDriver(client, Duration.ofSeconds(2));
    }

    @AfterEach
    void stopController() {
        cluster.close();
    }

    @Test
    void aCanaryBehindNginxGoesFiveTwentyFiveAllThenIsPromotedAndRolledBack()
            throws PlatformException {
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, APP);
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, traffic(5))));
        Deployment canary = deployment("web-canary");
        assertThat(image(canary, APP)).isEqualTo(NEW_IMAGE);
        assertThat(image(canary, "log-shipper")).isEqualTo("registry.example/ops/shipper:3");
        assertThat(canary.getSpec().getReplicas()).isEqualTo(1);
        assertThat(canary.getSpec().getSelector().getMatchLabels()).isEqualTo(canarySelector());
        // The main Service selects on "app": the canary's pods must not carry it, or they would
        // share its traffic.
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(canarySelector())
                .containsEntry("tier", "front")
                .doesNotContainKey("app");
        assertThat(canary.getMetadata().getAnnotations())
                .containsEntry("stride.dev/total-replicas", "20");
        Service canaryService = client.services().inNamespace(ns).withName("web-canary").get();
        assertThat(canaryService.getSpec().getSelector()).isEqualTo(canarySelector());
        assertThat(canaryService.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(canaryService.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(80));
        assertThat(ingressWeight()).isEqualTo("5");
        Ingress canaryIngress = ingress("web-canary");
        assertThat(canaryIngress.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/canary", "true");
        assertThat(canaryIngress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(canaryIngress.getSpec().getRules())
                .singleElement()
                .satisfies(
                        rule -> {
                            assertThat(rule.getHost()).isEqualTo("shop.example");
                            assertThat(rule.getHttp().getPaths())
                                    .extracting(HTTPIngressPath::getPath)
                                    .containsExactly("/");
                            assertThat(
                                            rule.getHttp()
                                                    .getPaths()
                                                    .get(0)
                                                    .getBackend()
                                                    .getService()
                                                    .getName())
                                    .isEqualTo("web-canary");
                        });
        assertStable(STABLE_IMAGE, REPLICAS);
        assertThat(ingress(APP).getMetadata().getAnnotations()).isNullOrEmpty();
        LiveState live = driver.read(target);
        assertThat(live.weights()).isEqualTo(Map.of("stable", 95, "canary", 5));
        assertThat(live.versions()).isEqualTo(Map.of("stable", STABLE_IMAGE, "canary", NEW_IMAGE));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, traffic(25))));
        assertThat(deployment("web-canary").getSpec().getReplicas()).isEqualTo(5);
        assertThat(ingressWeight()).isEqualTo("25");
        assertStable(STABLE_IMAGE, REPLICAS);
        assertThat(driver.read(target).canaryWeight()).isEqualTo(25);

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, traffic(100))));
        assertThat(deployment("web-canary").getSpec().getReplicas()).isEqualTo(REPLICAS);
        assertThat(ingressWeight()).isEqualTo("100");
        assertThat(driver.read(target).canaryWeight()).isEqualTo(100);

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        Map.of(
                                                "action",
                                                "promote-canary",
                                                "artifact",
                                                NEW_IMAGE))));
        assertStable(NEW_IMAGE, REPLICAS);
        assertThat(deployment(APP).getMetadata().getAnnotations())
                .containsEntry("stride.dev/previous-image", STABLE_IMAGE);
        assertThat(deployment("web-canary").getSpec().getReplicas()).isZero();
        assertThat(ingressWeight()).isEqualTo("0");
        // All traffic is on the new version: the weight the worker expects after promote-canary.
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 0, "canary", 100));

        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertStable(STABLE_IMAGE, REPLICAS);
        assertThat(deployment("web-canary").getSpec().getReplicas()).isZero();
        assertThat(ingressWeight()).isEqualTo("0");
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));
    }

    @Test
    void rollingBackACanaryBehindNginxTakesItsTrafficAndPods() throws PlatformException {
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, APP);
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, traffic(25))));

        settle(() -> driver.apply(target, TrafficAction.RESTORE));

        assertThat(ingressWeight()).isEqualTo("0");
        assertThat(deployment("web-canary").getSpec().getReplicas()).isZero();
        assertStable(STABLE_IMAGE, REPLICAS);
        assertThat(deployment(APP).getMetadata().getAnnotations())
                .doesNotContainKey("stride.dev/previous-image");
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));
    }

    @Test
    void withoutARouterTheReplicaRatioSplitsTheTraffic() throws PlatformException {
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, null);

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, traffic(5))));
        Deployment canary = deployment("web-canary");
        assertThat(canary.getSpec().getReplicas()).isEqualTo(1);
        // Every stable label stays, so the main Service selects the canary's pods too.
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app", APP)
                .containsAllEntriesOf(canarySelector());
        assertThat(image(canary, APP)).isEqualTo(NEW_IMAGE);
        assertStable(STABLE_IMAGE, 19);
        assertThat(ingress("web-canary")).isNull();
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 95, "canary", 5));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, traffic(25))));
        assertThat(deployment("web-canary").getSpec().getReplicas()).isEqualTo(5);
        assertStable(STABLE_IMAGE, 15);
        assertThat(deployment("web-canary").getMetadata().getAnnotations())
                .containsEntry("stride.dev/total-replicas", "20");
        assertThat(driver.read(target).canaryWeight()).isEqualTo(25);

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, traffic(100))));
        assertThat(deployment("web-canary").getSpec().getReplicas()).isEqualTo(REPLICAS);
        assertStable(STABLE_IMAGE, 0);
        assertThat(driver.read(target).canaryWeight()).isEqualTo(100);

        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertStable(STABLE_IMAGE, REPLICAS);
        assertThat(deployment("web-canary").getSpec().getReplicas()).isZero();
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));
    }

    @Test
    void promotingAReplicaRatioCanaryHandsTheStableAllReplicasOnTheNewImage()
            throws PlatformException {
        KubernetesTarget target = new KubernetesTarget(ns, APP, null, null);
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, traffic(100))));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        Map.of("action", "promote-canary"))));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        Map.of("action", "promote-canary"))));

        assertStable(NEW_IMAGE, REPLICAS);
        assertThat(deployment("web-canary").getSpec().getReplicas()).isZero();
        assertThat(deployment(APP).getMetadata().getAnnotations())
                .containsEntry("stride.dev/previous-image", STABLE_IMAGE);
        assertThat(driver.read(target).canaryWeight()).isEqualTo(100);
    }

    @Test
    void aPausedRollingUpdateIsHeldOnTheDeploymentAndTheNextApplyLetsItGo()
            throws PlatformException {
        KubernetesTarget target = new KubernetesTarget(ns, APP, null, null);
        var roll =
                PhaseActions.parse(
                        target.platform(),
                        PhaseType.ROLLOUT,
                        Map.of("batchSize", 1, "maxUnavailable", 0, "artifact", NEW_IMAGE));
        // Nothing released by a rolling update yet: nothing to hold.
        driver.hold(target);
        assertThat(deployment(APP).getSpec().getPaused()).isNull();

        try {
            driver.apply(target, roll);
        } catch (dev.stride.executor.traffic.RolloutInProgress underWay) {
            // The controller has the new spec and replaces pods batch by batch.
        }
        driver.hold(target);
        driver.hold(target);
        Deployment held = deployment(APP);
        assertThat(held.getSpec().getPaused()).isTrue();
        assertThat(image(held, APP)).as("the release stays where it got").isEqualTo(NEW_IMAGE);

        settle(() -> driver.apply(target, roll));
        assertThat(deployment(APP).getSpec().getPaused()).isNull();
        assertThat(RolloutProgress.isComplete(deployment(APP))).isTrue();
    }

    @Test
    void aRollingUpdateSetsTheImageAndRollsBackToThePreviousOne() throws PlatformException {
        KubernetesTarget target = new KubernetesTarget(ns, APP, null, null);
        Map<String, Object> rollout =
                Map.of(
                        "batchSize",
                        2,
                        "maxUnavailable",
                        1,
                        "artifact",
                        NEW_IMAGE,
                        "version",
                        "2.0");

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(target.platform(), PhaseType.ROLLOUT, rollout)));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(target.platform(), PhaseType.ROLLOUT, rollout)));

        Deployment rolled = deployment(APP);
        assertThat(image(rolled, APP)).isEqualTo(NEW_IMAGE);
        assertThat(image(rolled, "log-shipper")).isEqualTo("registry.example/ops/shipper:3");
        assertThat(rolled.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(rolled.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal())
                .isEqualTo(2);
        assertThat(
                        rolled.getSpec()
                                .getStrategy()
                                .getRollingUpdate()
                                .getMaxUnavailable()
                                .getIntVal())
                .isEqualTo(1);
        // The repeated apply found the new image in place and kept the image from before the
        // release.
        assertThat(rolled.getMetadata().getAnnotations())
                .containsEntry("stride.dev/previous-image", STABLE_IMAGE);
        assertThat(RolloutProgress.isComplete(rolled)).isTrue();
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 0, "canary", 100));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        Map.of("action", "complete-rollout"))));
        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        settle(() -> driver.apply(target, TrafficAction.RESTORE));

        Deployment restored = deployment(APP);
        assertThat(image(restored, APP)).isEqualTo(STABLE_IMAGE);
        assertThat(restored.getSpec().getReplicas()).isEqualTo(REPLICAS);
        assertThat(RolloutProgress.isComplete(restored)).isTrue();
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));
        assertThat(client.apps().deployments().inNamespace(ns).withName("web-canary").get())
                .isNull();
    }

    @Test
    void aRollingHealthCheckBecomesTheReadinessProbeEachBatchMustPassAndRollbackRemovesIt()
            throws PlatformException {
        KubernetesTarget target = new KubernetesTarget(ns, APP, null, null);
        Map<String, Object> rollout = new java.util.LinkedHashMap<>();
        rollout.put("batchSize", 2);
        rollout.put("maxUnavailable", 1);
        rollout.put("artifact", NEW_IMAGE);
        rollout.put("version", "2.0");
        // The runbook's rolling health_check as the planner puts it in the ROLLOUT phase.
        rollout.put(
                "healthCheck",
                Map.of(
                        "path",
                        "/health",
                        "timeout",
                        "30s",
                        "interval",
                        "10s",
                        "healthyThreshold",
                        3,
                        "unhealthyThreshold",
                        2));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(target.platform(), PhaseType.ROLLOUT, rollout)));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(target.platform(), PhaseType.ROLLOUT, rollout)));

        Deployment rolled = deployment(APP);
        io.fabric8.kubernetes.api.model.Probe probe =
                rolled.getSpec().getTemplate().getSpec().getContainers().stream()
                        .filter(c -> c.getName().equals(APP))
                        .findFirst()
                        .orElseThrow()
                        .getReadinessProbe();
        assertThat(probe.getHttpGet().getPath()).isEqualTo("/health");
        assertThat(probe.getHttpGet().getPort().getIntVal())
                .as("the container's port")
                .isEqualTo(8080);
        assertThat(probe.getTimeoutSeconds()).isEqualTo(30);
        assertThat(probe.getPeriodSeconds()).isEqualTo(10);
        assertThat(probe.getSuccessThreshold()).isEqualTo(3);
        assertThat(probe.getFailureThreshold()).isEqualTo(2);
        assertThat(
                        rolled.getSpec().getTemplate().getSpec().getContainers().stream()
                                .filter(c -> c.getName().equals("log-shipper"))
                                .findFirst()
                                .orElseThrow()
                                .getReadinessProbe())
                .as("only the released container is probed")
                .isNull();
        assertThat(rolled.getMetadata().getAnnotations())
                .as("the repeat did not overwrite what was there before the release")
                .containsEntry("stride.dev/previous-readiness-probe", "none");

        settle(() -> driver.apply(target, TrafficAction.RESTORE));

        Deployment restored = deployment(APP);
        assertThat(image(restored, APP)).isEqualTo(STABLE_IMAGE);
        assertThat(
                        restored.getSpec().getTemplate().getSpec().getContainers().stream()
                                .filter(c -> c.getName().equals(APP))
                                .findFirst()
                                .orElseThrow()
                                .getReadinessProbe())
                .as("the previous version is checked as before the release: it had no probe")
                .isNull();
    }

    @Test
    void aRollingHealthCheckOnAContainerWithoutAPortFailsThePhaseAndChangesNothing() {
        KubernetesTarget target = new KubernetesTarget(ns, APP, null, null);
        // The test's controller writes the Deployment's status meanwhile: an edit that meets one
        // of its writes (409, the object was modified) is made again on the new version.
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptionsMatching(
                        e ->
                                e
                                                instanceof
                                                io.fabric8.kubernetes.client
                                                                .KubernetesClientException
                                                        k
                                        && k.getCode() == 409)
                .until(
                        () ->
                                client.apps()
                                                .deployments()
                                                .inNamespace(ns)
                                                .withName(APP)
                                                .edit(
                                                        d -> {
                                                            d.getSpec()
                                                                    .getTemplate()
                                                                    .getSpec()
                                                                    .getContainers()
                                                                    .get(0)
                                                                    .setPorts(null);
                                                            return d;
                                                        })
                                        != null);
        Map<String, Object> rollout = new java.util.LinkedHashMap<>();
        rollout.put("artifact", NEW_IMAGE);
        rollout.put(
                "healthCheck",
                Map.of(
                        "path",
                        "/health",
                        "timeout",
                        "2s",
                        "interval",
                        "5s",
                        "healthyThreshold",
                        1,
                        "unhealthyThreshold",
                        3));

        assertThatThrownBy(
                        () ->
                                driver.apply(
                                        target,
                                        PhaseActions.parse(
                                                target.platform(), PhaseType.ROLLOUT, rollout)))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("declares no port")
                .hasMessageContaining("/health");
        assertThat(image(deployment(APP), APP)).isEqualTo(STABLE_IMAGE);
    }

    @Test
    void aRolloutStillUnderWayIsReportedInProgressWithoutWaitingAndTheRepeatFindsItDone()
            throws PlatformException {
        KubernetesTarget target = new KubernetesTarget(ns, APP, null, null);
        cluster.holdBack(ns, APP);
        Map<String, Object> rollout =
                Map.of("batchSize", 1, "maxUnavailable", 0, "artifact", NEW_IMAGE);

        assertThatThrownBy(
                        () ->
                                driver.apply(
                                        target,
                                        PhaseActions.parse(
                                                target.platform(), PhaseType.ROLLOUT, rollout)))
                .isInstanceOfSatisfying(
                        RolloutInProgress.class,
                        e -> {
                            // The counts are the controller's last status, written before the new
                            // spec was seen.
                            assertThat(e.getMessage())
                                    .startsWith("deployment " + ns + "/web is rolling out: ")
                                    .contains(" of 20 replicas updated");
                            assertThat(e.deadline()).isEqualTo(Duration.ofSeconds(2));
                            assertThat(e.recheckAfter())
                                    .isEqualTo(KubernetesTrafficDriver.DEFAULT_RECHECK_INTERVAL);
                        });
        assertThat(image(deployment(APP), APP)).isEqualTo(NEW_IMAGE);
        assertThat(annotation(deployment(APP), "stride.dev/previous-image"))
                .isEqualTo(STABLE_IMAGE);

        cluster.release(ns, APP);
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(target.platform(), PhaseType.ROLLOUT, rollout)));
        assertThat(annotation(deployment(APP), "stride.dev/previous-image"))
                .as("the repeat keeps what the first call remembered")
                .isEqualTo(STABLE_IMAGE);
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 0, "canary", 100));
    }

    @Test
    void aCanaryWhosePodsAreNotUpTakesNoTraffic() {
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, APP);
        cluster.holdBack(ns, "web-canary");

        assertThatThrownBy(
                        () ->
                                driver.apply(
                                        target,
                                        PhaseActions.parse(
                                                target.platform(), PhaseType.TRAFFIC, traffic(5))))
                .isInstanceOf(RolloutInProgress.class)
                .hasMessageContaining("web-canary is rolling out");
        assertThat(ingress("web-canary")).isNull();
    }

    private static String annotation(Deployment d, String key) {
        return d.getMetadata().getAnnotations() == null
                ? null
                : d.getMetadata().getAnnotations().get(key);
    }

    @Test
    void repeatingACallLeavesTheSameState() throws PlatformException {
        KubernetesTarget target = new KubernetesTarget(ns, APP, APP, APP);
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, traffic(30))));
        Deployment first = deployment("web-canary");

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, traffic(30))));

        Deployment second = deployment("web-canary");
        assertThat(second.getSpec()).isEqualTo(first.getSpec());
        assertThat(second.getMetadata().getAnnotations())
                .isEqualTo(first.getMetadata().getAnnotations());
        assertThat(ingressWeight()).isEqualTo("30");
        assertThat(client.network().v1().ingresses().inNamespace(ns).list().getItems()).hasSize(2);
        assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).hasSize(2);
        assertThat(driver.read(target).canaryWeight()).isEqualTo(30);

        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(ingressWeight()).isEqualTo("0");
        assertThat(deployment("web-canary").getSpec().getReplicas()).isZero();
        assertStable(STABLE_IMAGE, REPLICAS);
    }

    @Test
    void aMissingDeploymentIsAPermanentFailure() {
        KubernetesTarget target = new KubernetesTarget(ns, "nope", null, null);

        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                traffic(5)))))
                .isInstanceOfSatisfying(
                        PlatformException.class,
                        e -> {
                            assertThat(e.isTransient()).isFalse();
                            assertThat(e.getMessage())
                                    .isEqualTo("deployment " + ns + "/nope not found");
                        });
        assertThatThrownBy(() -> driver.read(target)).isInstanceOf(PlatformException.class);
        assertThatThrownBy(() -> settle(() -> driver.apply(target, TrafficAction.RESTORE)))
                .isInstanceOf(PlatformException.class);
    }

    @Test
    void phasesWithoutAnArtifactOrWithABadWeightAreRefused() {
        KubernetesTarget target = new KubernetesTarget(ns, APP, null, null);

        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                Map.of("weight", 5)))))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("no artifact");
        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                Map.of(
                                                                        "weight",
                                                                        150,
                                                                        "artifact",
                                                                        "x")))))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("0..100");
        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.FINALIZE,
                                                                Map.of(
                                                                        "action",
                                                                        "promote-canary")))))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("no canary to promote");
        assertThat(client.apps().deployments().inNamespace(ns).withName("web-canary").get())
                .isNull();
    }

    @Test
    void anUnreachableApiServerIsTransientAndTheMessageHoldsNoToken() {
        String token = "test-only-" + java.util.UUID.randomUUID();
        Config config =
                new ConfigBuilder(Config.empty())
                        .withMasterUrl("https://127.0.0.1:1")
                        .withOauthToken(token)
                        .withRequestRetryBackoffLimit(0)
                        .withConnectionTimeout(500)
                        .build();
        try (KubernetesClient unreachable =
                new KubernetesClientBuilder().withConfig(config).build()) {
            KubernetesTrafficDriver offline =
                    new KubernetesTrafficDriver(unreachable, Duration.ofSeconds(1));

            assertThatThrownBy(() -> offline.read(new KubernetesTarget(ns, APP, null, null)))
                    .isInstanceOfSatisfying(
                            PlatformException.class,
                            e -> {
                                assertThat(e.isTransient()).isTrue();
                                assertThat(e.getMessage())
                                        .startsWith("reading deployment " + ns + "/web: ")
                                        .doesNotContain(token);
                            });
        }
    }

    private static Map<String, Object> traffic(int weight) {
        return Map.of("weight", weight, "artifact", NEW_IMAGE, "version", "2.0");
    }

    private void assertStable(String image, int replicas) {
        Deployment stable = deployment(APP);
        assertThat(image(stable, APP)).isEqualTo(image);
        assertThat(stable.getSpec().getReplicas()).isEqualTo(replicas);
        assertThat(stable.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of("app", APP));
    }

    private String ingressWeight() {
        return ingress("web-canary")
                .getMetadata()
                .getAnnotations()
                .get("nginx.ingress.kubernetes.io/canary-weight");
    }

    private Deployment deployment(String name) {
        return cluster.deployment(ns, name);
    }

    private Ingress ingress(String name) {
        return client.network().v1().ingresses().inNamespace(ns).withName(name).get();
    }

    private static String image(Deployment d, String container) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> container.equals(c.getName()))
                .map(Container::getImage)
                .findFirst()
                .orElseThrow();
    }
}
