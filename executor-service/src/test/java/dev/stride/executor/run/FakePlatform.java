package dev.stride.executor.run;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.Target;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficDriver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A platform in memory, for the executor's own logic: it holds a canary weight per target, counts writes, and
 * can be told to refuse calls or to "crash" the worker right after a write.
 */
public class FakePlatform implements TrafficDriver {

    final Map<Target, Integer> canary = new ConcurrentHashMap<>();
    final AtomicInteger writes = new AtomicInteger();
    volatile String refuseWith;
    volatile boolean crashAfterNextWrite;
    /** So many calls more fail as transient ("not ready yet"), then the platform answers again. */
    final AtomicInteger notReadyFor = new AtomicInteger();

    @Override
    public String platform() {
        return "haproxy";
    }

    @Override
    public void apply(Target target, PhaseType type, Map<String, Object> parameters) throws PlatformException {
        refuseIfTold();
        int weight = type == PhaseType.FINALIZE ? 100 : ((Number) parameters.get("weight")).intValue();
        write(target, weight);
    }

    @Override
    public LiveState read(Target target) throws PlatformException {
        refuseIfTold();
        int weight = canary.getOrDefault(target, 0);
        return new LiveState(Map.of(LiveState.STABLE, 100 - weight, LiveState.CANARY, weight), Map.of());
    }

    @Override
    public void restoreStable(Target target) throws PlatformException {
        refuseIfTold();
        write(target, 0);
    }

    private void write(Target target, int weight) {
        canary.put(target, weight);
        writes.incrementAndGet();
        if (crashAfterNextWrite) {
            crashAfterNextWrite = false;
            throw new IllegalStateException("the worker died after writing and before reading back");
        }
    }

    private void refuseIfTold() throws PlatformException {
        if (notReadyFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new PlatformException("targets not healthy yet", true);
        }
        if (refuseWith != null) {
            throw new PlatformException(refuseWith, false);
        }
    }
}
