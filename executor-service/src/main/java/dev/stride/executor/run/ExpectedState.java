package dev.stride.executor.run;

/** What the platform must show once an execution is done, where the executor can tell: the canary's weight. */
final class ExpectedState {

    private ExpectedState() {
    }

    /**
     * Whether the platform already shows what the execution asks for, so the write can be skipped: the expected
     * canary weight and, where the platform reports versions, this release's artifact among them (a platform can
     * show canary 100% for an earlier release it promoted).
     */
    static boolean alreadyInPlace(Execution e, Integer expected, dev.stride.executor.traffic.LiveState live) {
        if (expected == null || !expected.equals(live.canaryWeight())) {
            return false;
        }
        Object artifact = e.isRollback() ? null : e.parameters().get("artifact");
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
