package dev.stride.executor.run;

import dev.stride.events.spec.HaproxyTarget;
import dev.stride.events.spec.Target;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficDriver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A platform in memory, for the executor's own logic: it holds a canary weight per target, counts writes, and
 * can be told to refuse calls or to "crash" the worker right after a write.
 */
public class FakePlatform implements TrafficDriver<HaproxyTarget> {

    final Map<Target, Integer> canary = new ConcurrentHashMap<>();
    final AtomicInteger writes = new AtomicInteger();
    volatile String refuseWith;
    volatile boolean crashAfterNextWrite;

    /** While set, a ROLLOUT is still rolling out (RolloutInProgress, patience {@link #ROLLOUT_PATIENCE}). */
    volatile boolean rolling;

    static final java.time.Duration ROLLOUT_PATIENCE = java.time.Duration.ofSeconds(4);

    /** How often the executor held a rollout (a paused deployment). */
    final AtomicInteger holds = new AtomicInteger();

    /** So many calls more fail as transient ("not ready yet"), then the platform answers again. */
    final AtomicInteger notReadyFor = new AtomicInteger();

    @Override
    public Class<HaproxyTarget> targetType() {
        return HaproxyTarget.class;
    }

    @Override
    public void apply(HaproxyTarget target, TrafficAction action) throws PlatformException {
        refuseIfTold();
        // A rollback restores stable; a TRAFFIC phase sets its weight; anything else (a FINALIZE)
        // takes all traffic.
        int weight =
                action instanceof TrafficAction.Restore
                        ? 0
                        : action instanceof TrafficAction.SetWeight set ? set.weight() : 100;
        write(target, weight);
        if (action instanceof TrafficAction.Roll && rolling) {
            throw new dev.stride.executor.traffic.RolloutInProgress(
                    "rolling out", java.time.Duration.ofMillis(200), ROLLOUT_PATIENCE);
        }
    }

    @Override
    public void hold(HaproxyTarget target) {
        holds.incrementAndGet();
    }

    @Override
    public LiveState read(HaproxyTarget target) throws PlatformException {
        refuseIfTold();
        int weight = canary.getOrDefault(target, 0);
        return new LiveState(
                Map.of(LiveState.STABLE, 100 - weight, LiveState.CANARY, weight), Map.of());
    }

    private void write(Target target, int weight) {
        canary.put(target, weight);
        writes.incrementAndGet();
        if (crashAfterNextWrite) {
            crashAfterNextWrite = false;
            throw new IllegalStateException(
                    "the worker died after writing and before reading back");
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
