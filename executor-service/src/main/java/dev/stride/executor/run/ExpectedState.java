package dev.stride.executor.run;

import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficAction.ActivateColour;
import dev.stride.executor.traffic.TrafficAction.Promote;
import dev.stride.executor.traffic.TrafficAction.Restore;
import dev.stride.executor.traffic.TrafficAction.SetWeight;

/** What the platform must show once an execution is done, where the executor can tell: the canary's weight. */
final class ExpectedState {

    private ExpectedState() {}

    /**
     * Whether the platform already shows what a TRAFFIC phase asks for, so the write can be skipped: the expected
     * canary weight and, where the platform reports versions, this release's artifact among them (a platform can
     * show canary 100% for an earlier release it promoted). FINALIZE and rollbacks are always applied: they change
     * more than the weight shows (a promotion moves the image to stable after a 100% step; a blue-green activation
     * switches the selector and scales the old colour down), and every driver call is safe to repeat.
     */
    static boolean alreadyInPlace(TrafficAction action, Integer expected, LiveState live) {
        if (!(action instanceof SetWeight set)) {
            return false;
        }
        if (expected == null || !expected.equals(live.canaryWeight())) {
            return false;
        }
        return set.release()
                .artifactIfNamed()
                .map(
                        artifact ->
                                live.versions().isEmpty()
                                        || live.versions().containsValue(artifact))
                .orElse(true);
    }

    /**
     * The canary weight in percent the platform must show; null when only the driver knows (a rolling update) or
     * the phase could not be read ({@code action} null).
     */
    static Integer canaryWeight(TrafficAction action) {
        if (action instanceof Restore) {
            return 0;
        }
        if (action instanceof SetWeight set) {
            return set.weight();
        }
        return action instanceof Promote || action instanceof ActivateColour ? 100 : null;
    }
}
