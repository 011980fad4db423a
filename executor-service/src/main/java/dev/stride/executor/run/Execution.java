package dev.stride.executor.run;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.Target;
import java.util.Map;
import java.util.UUID;

/**
 * One phase or rollback of an attempt, as the executor holds it while it works on it; {@code held}: a ROLLOUT of a
 * paused deployment, whose platform rollout is held until the deployment is resumed.
 */
public record Execution(
        long id,
        UUID deploymentId,
        int attempt,
        String step,
        PhaseType phaseType,
        Integer phaseIndex,
        Target target,
        Map<String, Object> parameters,
        int tries,
        boolean held) {

    /** An execution as asked, not held by a pause. */
    public Execution(
            long id,
            UUID deploymentId,
            int attempt,
            String step,
            PhaseType phaseType,
            Integer phaseIndex,
            Target target,
            Map<String, Object> parameters,
            int tries) {
        this(
                id,
                deploymentId,
                attempt,
                step,
                phaseType,
                phaseIndex,
                target,
                parameters,
                tries,
                false);
    }

    public static final String ROLLBACK = "rollback";

    public static String phaseStep(int index) {
        return "phase:" + index;
    }

    /** A rollback's database restore: a MIGRATION phase of stage {@code restore}, numbered after the plan's. */
    public boolean isDatabaseRestore() {
        return phaseType() == dev.stride.events.PhaseType.MIGRATION
                && parameters() != null
                && "restore".equals(parameters().get("stage"));
    }

    public boolean isRollback() {
        return ROLLBACK.equals(step);
    }
}
