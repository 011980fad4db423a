package dev.stride.executor.run;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.Target;
import java.util.Map;
import java.util.UUID;

/** One phase or rollback of an attempt, as the executor holds it while it works on it. */
public record Execution(
        long id,
        UUID deploymentId,
        int attempt,
        String step,
        PhaseType phaseType,
        Integer phaseIndex,
        Target target,
        Map<String, Object> parameters,
        int tries) {

    public static final String ROLLBACK = "rollback";

    public static String phaseStep(int index) {
        return "phase:" + index;
    }

    public boolean isRollback() {
        return ROLLBACK.equals(step);
    }
}
