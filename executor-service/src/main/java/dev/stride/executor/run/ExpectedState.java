package dev.stride.executor.run;

/** What the platform must show once an execution is done, where the executor can tell: the canary's weight. */
final class ExpectedState {

    private ExpectedState() {
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
