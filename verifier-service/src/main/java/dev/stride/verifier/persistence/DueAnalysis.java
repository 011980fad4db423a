package dev.stride.verifier.persistence;

import dev.stride.events.PhaseType;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An analysis claimed for its next measurement (or, for CHECKS, its run).
 *
 * @param endpoint where its measurement goes, scheme://host:port ('' when not recorded): its bulkhead
 */
public record DueAnalysis(
        AnalysisKey key,
        PhaseType type,
        JsonObject spec,
        String problem,
        Instant startedAt,
        int measured,
        Instant dueAt,
        String endpoint) {}
