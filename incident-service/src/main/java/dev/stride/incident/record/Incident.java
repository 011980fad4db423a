package dev.stride.incident.record;

import dev.stride.events.Severity;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An incident of one deployment: its classification (severity, rule, cause), its state, the post-incident review
 * fields and, when read whole, its timeline (null in listings).
 */
public record Incident(
        UUID id,
        UUID deploymentId,
        Integer attempt,
        String application,
        String environment,
        Severity severity,
        IncidentStatus status,
        String title,
        String cause,
        String rule,
        String dedupKey,
        Instant openedAt,
        Instant acknowledgedAt,
        String acknowledgedBy,
        Instant resolvedAt,
        String resolvedBy,
        String resolution,
        String rootCause,
        List<String> actionItems,
        boolean paged,
        List<TimelineEntry> timeline) {

    /** An incident as it opens: OPEN, not acknowledged, resolved, reviewed or paged, without a timeline yet. */
    public static Incident opening(
            UUID id,
            UUID deploymentId,
            Integer attempt,
            String application,
            String environment,
            Severity severity,
            String title,
            String cause,
            String rule,
            String dedupKey,
            Instant openedAt) {
        return new Incident(
                id,
                deploymentId,
                attempt,
                application,
                environment,
                severity,
                IncidentStatus.OPEN,
                title,
                cause,
                rule,
                dedupKey,
                openedAt,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of(),
                false,
                null);
    }

    public Incident withTimeline(List<TimelineEntry> entries) {
        return new Incident(
                id,
                deploymentId,
                attempt,
                application,
                environment,
                severity,
                status,
                title,
                cause,
                rule,
                dedupKey,
                openedAt,
                acknowledgedAt,
                acknowledgedBy,
                resolvedAt,
                resolvedBy,
                resolution,
                rootCause,
                actionItems,
                paged,
                entries);
    }

    /** deployment + cause: what makes repeated signals attach to one incident. */
    public static String dedupKey(UUID deploymentId, String cause) {
        return deploymentId + "/" + cause;
    }
}
