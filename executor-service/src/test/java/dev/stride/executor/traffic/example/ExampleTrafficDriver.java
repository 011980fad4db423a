package dev.stride.executor.traffic.example;

import dev.stride.events.spec.HaproxyTarget;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficDriver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A whole platform driver in one class, as a template for adding one: typed by its target record, taking every
 * {@link TrafficAction} through the exhaustive {@link TrafficAction.Handler}, refusing (not transient) what its
 * platform cannot do, and reading its state back. Its "platform" is a map of canary weights by backend.
 *
 * <p>A real platform brings its own {@code Target} record in the events module; {@code Target} is still sealed there,
 * so this example serves {@link HaproxyTarget}, and a test registers it in place of the HAProxy driver.
 */
final class ExampleTrafficDriver implements TrafficDriver<HaproxyTarget> {

    final Map<String, Integer> canaryByBackend = new ConcurrentHashMap<>();

    @Override
    public Class<HaproxyTarget> targetType() {
        return HaproxyTarget.class;
    }

    @Override
    public void apply(HaproxyTarget target, TrafficAction action) throws PlatformException {
        action.dispatch(new TrafficAction.Handler() {
            @Override
            public void setWeight(TrafficAction.SetWeight set) {
                canaryByBackend.put(target.backend(), set.weight());
            }

            @Override
            public void promote(TrafficAction.Promote promote) {
                canaryByBackend.put(target.backend(), 100);
            }

            @Override
            public void activateColour(TrafficAction.ActivateColour activate) throws PlatformException {
                throw new PlatformException("example has no colours", false);
            }

            @Override
            public void roll(TrafficAction.Roll roll) throws PlatformException {
                throw new PlatformException("example has no rollout, only a traffic split", false);
            }

            @Override
            public void completeRollout(TrafficAction.CompleteRollout complete) throws PlatformException {
                throw new PlatformException("example has no rollout, only a traffic split", false);
            }

            @Override
            public void restore(TrafficAction.Restore restore) {
                canaryByBackend.put(target.backend(), 0);
            }
        });
    }

    @Override
    public LiveState read(HaproxyTarget target) {
        int canary = canaryByBackend.getOrDefault(target.backend(), 0);
        return new LiveState(Map.of(LiveState.STABLE, 100 - canary, LiveState.CANARY, canary), Map.of());
    }

    @Override
    public String endpoint(HaproxyTarget target) {
        return "example " + target.backend();
    }
}
