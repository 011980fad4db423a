package dev.stride.executor.traffic.haproxy;

import static dev.stride.executor.traffic.haproxy.HaproxyUnderTest.BACKEND;
import static dev.stride.executor.traffic.haproxy.HaproxyUnderTest.CANARY;
import static dev.stride.executor.traffic.haproxy.HaproxyUnderTest.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.run.PhaseActions;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficDrivers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives a real HAProxy phase by phase and counts where real requests go. */
class HaproxyTrafficDriverTest {

    private static final int REQUESTS = 200;

    private static HaproxyUnderTest haproxy;
    private static HaproxyTarget target;

    private final HaproxyTrafficDriver driver = new HaproxyTrafficDriver();

    @BeforeAll
    static void startHaproxy() throws IOException {
        haproxy = HaproxyUnderTest.start();
        target = new HaproxyTarget(haproxy.socket(), null, BACKEND, STABLE, CANARY);
    }

    @AfterAll
    static void stopHaproxy() {
        if (haproxy != null) {
            haproxy.close();
        }
    }

    @BeforeEach
    void stableTakesAll() throws PlatformException {
        driver.apply(target, TrafficAction.RESTORE);
    }

    @Test
    void aCanaryGoesFivePercentThenTwentyFiveThenAllThenIsPromoted() throws PlatformException {
        assertThat(haproxy.send(REQUESTS)).containsEntry(CANARY, 0).containsEntry(STABLE, REQUESTS);

        driver.apply(
                target,
                PhaseActions.parse(
                        target.platform(),
                        PhaseType.TRAFFIC,
                        Map.of("weight", 5, "duration", "10m")));
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 95, "canary", 5));
        assertThat(haproxy.send(REQUESTS).get(CANARY)).isBetween(3, 20);

        driver.apply(
                target,
                PhaseActions.parse(target.platform(), PhaseType.TRAFFIC, Map.of("weight", 25)));
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 75, "canary", 25));
        assertThat(haproxy.send(REQUESTS).get(CANARY)).isBetween(35, 65);

        driver.apply(
                target,
                PhaseActions.parse(target.platform(), PhaseType.TRAFFIC, Map.of("weight", 100)));
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 0, "canary", 100));
        assertThat(haproxy.send(REQUESTS)).containsEntry(CANARY, REQUESTS).containsEntry(STABLE, 0);

        driver.apply(
                target,
                PhaseActions.parse(
                        target.platform(), PhaseType.FINALIZE, Map.of("action", "promote-canary")));
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 0, "canary", 100));
        assertThat(haproxy.send(REQUESTS)).containsEntry(CANARY, REQUESTS);
        assertThat(absoluteWeights()).containsExactly(0, 100);
        assertThat(haproxy.draining(STABLE)).isTrue();
        assertThat(haproxy.draining(CANARY)).isFalse();
    }

    @Test
    void restoringStableTakesAllTrafficBackFromTheCanary() throws PlatformException {
        driver.apply(
                target,
                PhaseActions.parse(target.platform(), PhaseType.TRAFFIC, Map.of("weight", 25)));
        assertThat(haproxy.send(REQUESTS).get(CANARY)).isBetween(35, 65);

        driver.apply(target, TrafficAction.RESTORE);

        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));
        assertThat(haproxy.send(REQUESTS)).containsEntry(CANARY, 0).containsEntry(STABLE, REQUESTS);
        assertThat(absoluteWeights()).containsExactly(100, 0);
        assertThat(haproxy.draining(CANARY)).isTrue();
        assertThat(haproxy.draining(STABLE)).isFalse();
    }

    @Test
    void restoringStableAfterFinalizeGoesBackToo() throws PlatformException {
        driver.apply(
                target,
                PhaseActions.parse(
                        target.platform(),
                        PhaseType.FINALIZE,
                        Map.of("action", "activate-new-colour")));
        assertThat(haproxy.send(REQUESTS)).containsEntry(CANARY, REQUESTS);

        driver.apply(target, TrafficAction.RESTORE);

        assertThat(haproxy.send(REQUESTS)).containsEntry(STABLE, REQUESTS);
    }

    @Test
    void repeatingACallLeavesTheSameState() throws PlatformException {
        driver.apply(
                target,
                PhaseActions.parse(target.platform(), PhaseType.TRAFFIC, Map.of("weight", 30)));
        driver.apply(
                target,
                PhaseActions.parse(target.platform(), PhaseType.TRAFFIC, Map.of("weight", 30)));
        assertThat(absoluteWeights()).containsExactly(70, 30);
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 70, "canary", 30));
        assertThat(haproxy.send(REQUESTS).get(CANARY)).isBetween(45, 75);

        driver.apply(target, TrafficAction.RESTORE);
        driver.apply(target, TrafficAction.RESTORE);
        assertThat(absoluteWeights()).containsExactly(100, 0);
        assertThat(haproxy.send(REQUESTS)).containsEntry(CANARY, 0);
    }

    @Test
    void aWeightFromJsonMayArriveAsALongADoubleOrAString() throws PlatformException {
        driver.apply(
                target,
                PhaseActions.parse(target.platform(), PhaseType.TRAFFIC, Map.of("weight", 10L)));
        assertThat(driver.read(target).canaryWeight()).isEqualTo(10);
        driver.apply(
                target,
                PhaseActions.parse(target.platform(), PhaseType.TRAFFIC, Map.of("weight", 20.0)));
        assertThat(driver.read(target).canaryWeight()).isEqualTo(20);
        driver.apply(
                target,
                PhaseActions.parse(target.platform(), PhaseType.TRAFFIC, Map.of("weight", "40")));
        assertThat(driver.read(target).canaryWeight()).isEqualTo(40);
    }

    @Test
    void readReportsWhatHaproxyShowsNotWhatWasLastWritten() throws PlatformException {
        HaproxyRuntimeApi api = haproxy.api();
        api.setWeight(BACKEND, STABLE, 3);
        api.setWeight(BACKEND, CANARY, 1);
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 75, "canary", 25));

        api.setWeight(BACKEND, STABLE, 0);
        api.setWeight(BACKEND, CANARY, 0);
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 0, "canary", 0));
    }

    @Test
    void theTcpRuntimeApiDrivesTheSameBackend() throws PlatformException {
        HaproxyTarget overTcp = new HaproxyTarget(null, haproxy.address(), BACKEND, STABLE, CANARY);

        driver.apply(
                overTcp,
                PhaseActions.parse(overTcp.platform(), PhaseType.TRAFFIC, Map.of("weight", 25)));

        assertThat(driver.read(overTcp).weights()).isEqualTo(Map.of("stable", 75, "canary", 25));
        assertThat(driver.read(target)).isEqualTo(driver.read(overTcp));
        assertThat(haproxy.send(REQUESTS).get(CANARY)).isBetween(35, 65);
    }

    @Test
    void anUnknownServerIsAPlatformError() throws PlatformException {
        HaproxyTarget typo =
                new HaproxyTarget(haproxy.socket(), null, BACKEND, STABLE, "canary-typo");

        assertThatThrownBy(
                        () ->
                                driver.apply(
                                        typo,
                                        PhaseActions.parse(
                                                typo.platform(),
                                                PhaseType.TRAFFIC,
                                                Map.of("weight", 25))))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("No such server")
                .satisfies(e -> assertThat(((PlatformException) e).isTransient()).isFalse());
        assertThatThrownBy(() -> driver.read(typo)).hasMessageContaining("No such server");
        assertThat(absoluteWeights()).containsExactly(100, 0);
    }

    @Test
    void aMissingSocketIsATransientPlatformError(@TempDir Path dir) {
        HaproxyTarget gone =
                new HaproxyTarget(
                        dir.resolve("admin.sock").toString(), null, BACKEND, STABLE, CANARY);

        assertThatThrownBy(() -> driver.apply(gone, TrafficAction.RESTORE))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("socket not found")
                .hasMessageNotContaining(dir.toString())
                .satisfies(e -> assertThat(((PlatformException) e).isTransient()).isTrue());
    }

    @Test
    void haproxyHasNoRolloutAndNoRolloutToComplete() {
        assertThatThrownBy(
                        () ->
                                driver.apply(
                                        target,
                                        PhaseActions.parse(
                                                target.platform(),
                                                PhaseType.ROLLOUT,
                                                Map.of("batchSize", 2))))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("haproxy has no rollout")
                .satisfies(e -> assertThat(((PlatformException) e).isTransient()).isFalse());
        assertThatThrownBy(
                        () ->
                                driver.apply(
                                        target,
                                        PhaseActions.parse(
                                                target.platform(),
                                                PhaseType.FINALIZE,
                                                Map.of("action", "complete-rollout"))))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("cannot complete a rollout");
    }

    @Test
    void badParametersAndTargetsAreRefusedWithoutTouchingHaproxy() throws PlatformException {
        for (Object weight : new Object[] {null, -1, 101, 12.5, "ten", "1e2"}) {
            Map<String, Object> parameters = new HashMap<>();
            parameters.put("weight", weight);
            assertThatThrownBy(
                            () ->
                                    driver.apply(
                                            target,
                                            PhaseActions.parse(
                                                    target.platform(),
                                                    PhaseType.TRAFFIC,
                                                    parameters)))
                    .as("weight %s", weight)
                    .isInstanceOf(PlatformException.class)
                    .hasMessageContaining("weight of 0..100");
        }
        assertThatThrownBy(
                        () ->
                                driver.apply(
                                        target,
                                        PhaseActions.parse(
                                                target.platform(),
                                                PhaseType.FINALIZE,
                                                Map.of("action", "celebrate"))))
                .isInstanceOf(PlatformException.class);
        assertThatThrownBy(
                        () ->
                                driver.apply(
                                        target,
                                        PhaseActions.parse(
                                                target.platform(), PhaseType.CHECKS, Map.of())))
                .isInstanceOf(PlatformException.class);
        assertThatThrownBy(
                        () -> driver.read(new HaproxyTarget(null, null, BACKEND, STABLE, CANARY)))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("socket or an address");
        assertThatThrownBy(
                        () ->
                                driver.apply(
                                        new HaproxyTarget(
                                                haproxy.socket(),
                                                null,
                                                BACKEND,
                                                STABLE,
                                                "canary;shutdown frontend web"),
                                        TrafficAction.RESTORE))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("canaryServer");
        // A kubernetes target never reaches this driver: drivers are typed and found by their
        // target's type.
        TrafficDrivers drivers = new TrafficDrivers(List.of(driver));
        assertThat(drivers.forTarget(new KubernetesTarget("default", "app", null, null))).isEmpty();
        assertThat(drivers.forTarget(target)).isPresent();
        assertThat(absoluteWeights()).containsExactly(100, 0);
        assertThat(driver.targetType()).isEqualTo(HaproxyTarget.class);
    }

    /** stable, canary as HAProxy holds them. */
    private static int[] absoluteWeights() throws PlatformException {
        HaproxyRuntimeApi api = haproxy.api();
        return new int[] {api.getWeight(BACKEND, STABLE), api.getWeight(BACKEND, CANARY)};
    }
}
