package dev.stride.executor.traffic.example;

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
 * <p>Its target, {@link ExampleTarget}, is a test-only record too: a real platform brings its record to the events
 * module. A test registers the driver beside the real ones, with no change anywhere else.
 */
final class ExampleTrafficDriver implements TrafficDriver<ExampleTarget> {

    final Map<String, Integer> canaryByPool = new ConcurrentHashMap<>();

    @Override
    public Class<ExampleTarget> targetType() {
        return ExampleTarget.class;
    }

    @Override
    public void apply(ExampleTarget target, TrafficAction action) throws PlatformException {
        action.dispatch(
                new TrafficAction.Handler() {
                    @Override
                    public void setWeight(TrafficAction.SetWeight set) {
                        canaryByPool.put(target.pool(), set.weight());
                    }

                    @Override
                    public void promote(TrafficAction.Promote promote) {
                        canaryByPool.put(target.pool(), 100);
                    }

                    @Override
                    public void activateColour(TrafficAction.ActivateColour activate)
                            throws PlatformException {
                        throw new PlatformException("example has no colours", false);
                    }

                    @Override
                    public void roll(TrafficAction.Roll roll) throws PlatformException {
                        throw new PlatformException(
                                "example has no rollout, only a traffic split", false);
                    }

                    @Override
                    public void completeRollout(TrafficAction.CompleteRollout complete)
                            throws PlatformException {
                        throw new PlatformException(
                                "example has no rollout, only a traffic split", false);
                    }

                    @Override
                    public void restore(TrafficAction.Restore restore) {
                        canaryByPool.put(target.pool(), 0);
                    }
                });
    }

    @Override
    public LiveState read(ExampleTarget target) {
        int canary = canaryByPool.getOrDefault(target.pool(), 0);
        return new LiveState(
                Map.of(LiveState.STABLE, 100 - canary, LiveState.CANARY, canary), Map.of());
    }

    @Override
    public String endpoint(ExampleTarget target) {
        return "example " + target.pool();
    }
}
