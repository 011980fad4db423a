package dev.stride.executor.traffic.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.PhaseType;
import dev.stride.executor.run.FakePlatform;
import dev.stride.executor.run.PhaseActions;
import dev.stride.executor.traffic.BoundDriver;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficDrivers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adding a platform needs nothing outside its own package: a driver registered with {@link TrafficDrivers} is found
 * for its target and driven through the executor's entry points (PhaseActions reads the phase, the bound driver
 * applies it), beside the other platforms (here a fake HAProxy) and with no change to the registry, the worker or the
 * parser.
 */
class ExampleTrafficDriverTest {

    private final ExampleTrafficDriver example = new ExampleTrafficDriver();
    private final TrafficDrivers drivers = new TrafficDrivers(List.of(example, new FakePlatform()));
    private final ExampleTarget target = new ExampleTarget("shop", "stable", "canary");

    // What the worker does per execution: read the phase once, call the driver bound to the target.
    private void run(PhaseType type, Map<String, Object> parameters) throws PlatformException {
        BoundDriver<?> driver = drivers.forTarget(target).orElseThrow();
        driver.apply(PhaseActions.parse(target.platform(), type, parameters));
    }

    @Test
    void aRegisteredDriverIsFoundForItsTargetAndTakesTheTypedActions() throws PlatformException {
        assertThat(drivers.targetTypes())
                .containsExactlyInAnyOrder("ExampleTarget", "HaproxyTarget");
        assertThat(drivers.endpoint(target)).isEqualTo("example shop");

        run(PhaseType.TRAFFIC, Map.of("weight", "30"));
        assertThat(drivers.forTarget(target).orElseThrow().read().canaryWeight()).isEqualTo(30);

        run(PhaseType.FINALIZE, Map.of("action", "promote-canary"));
        assertThat(example.canaryByPool).containsEntry("shop", 100);

        drivers.forTarget(target).orElseThrow().apply(TrafficAction.RESTORE);
        assertThat(drivers.forTarget(target).orElseThrow().read().canaryWeight()).isZero();
    }

    @Test
    void whatThePlatformCannotDoAndMalformedPhasesAreRefusedNotRetried() {
        assertThatThrownBy(() -> run(PhaseType.ROLLOUT, Map.of("artifact", "registry/shop:2")))
                .isInstanceOfSatisfying(
                        PlatformException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessage("example has no rollout, only a traffic split");
        assertThatThrownBy(() -> run(PhaseType.TRAFFIC, Map.of("weight", 101)))
                .isInstanceOfSatisfying(
                        PlatformException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("weight of 0..100");
        assertThatThrownBy(() -> run(PhaseType.FINALIZE, Map.of("action", "celebrate")))
                .hasMessage("example-lb does not know the finalize action 'celebrate'");
        assertThat(example.canaryByPool).isEmpty();
    }

    @Test
    void twoDriversForOneTargetTypeAreRefusedAtStart() {
        assertThatThrownBy(() -> new TrafficDrivers(List.of(example, new ExampleTrafficDriver())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two traffic drivers for ExampleTarget");
    }
}
