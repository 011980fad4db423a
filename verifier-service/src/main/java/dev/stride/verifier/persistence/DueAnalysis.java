package dev.stride.verifier.persistence;

import dev.stride.events.PhaseType;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An analysis claimed for its next measurement (or, for CHECKS, its run).
 *
 * @param endpoint where its measurement goes, scheme://host:port ('' when not recorded): its bulkhead
 * @param rolledOutAt a ROLLOUT's: when the executor reported the rollout done (null while it rolls)
 */
public record DueAnalysis(
        AnalysisKey key,
        PhaseType type,
        JsonObject spec,
        String problem,
        Instant startedAt,
        int measured,
        Instant dueAt,
        String endpoint,
        Instant rolledOutAt) {

    /** The spec as this analysis is judged now: a ROLLOUT's end moves with the rollout (see AnalysisSpec#rolling). */
    public boolean rolling() {
        return type == PhaseType.ROLLOUT;
    }
}
