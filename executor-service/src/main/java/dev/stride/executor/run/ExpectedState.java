package dev.stride.executor.run;

import dev.stride.events.PhaseType;

/** What the platform must show once an execution is done, where the executor can tell: the canary's weight. */
final class ExpectedState {

    private ExpectedState() {
    }

    /**
     * Whether the platform already shows what a TRAFFIC phase asks for, so the write can be skipped: the expected
     * canary weight and, where the platform reports versions, this release's artifact among them (a platform can
     * show canary 100% for an earlier release it promoted). FINALIZE and rollbacks are always applied: they change
     * more than the weight shows (a promotion moves the image to stable after a 100% step; a blue-green activation
     * switches the selector and scales the old colour down), and every driver call is safe to repeat.
     */
    static boolean alreadyInPlace(Execution e, Integer expected, dev.stride.executor.traffic.LiveState live) {
        if (e.isRollback() || e.phaseType() != PhaseType.TRAFFIC) {
            return false;
        }
        if (expected == null || !expected.equals(live.canaryWeight())) {
            return false;
        }
        Object artifact = e.parameters().get("artifact");
        return artifact == null || live.versions().isEmpty() || live.versions().containsValue(artifact.toString());
    }

    /** The canary weight in percent the platform must show; null when only the driver knows (a rolling update). */
    static Integer canaryWeight(Execution e) {
        if (e.isRollback()) {
            return 0;
        }
        return switch (e.phaseType()) {
            case TRAFFIC -> e.parameters().get("weight") instanceof Number weight ? weight.intValue() : null;
            case FINALIZE -> {
                Object action = e.parameters().get("action");
                yield "promote-canary".equals(action) || "activate-new-colour".equals(action) ? 100 : null;
            }
            default -> null;
        };
    }
}
