package dev.stride.events;

import java.time.Instant;
import java.util.UUID;

/** An incident was resolved, with the resolution note. */
public record IncidentResolved(
        UUID incidentId,
        UUID deploymentId,
        Severity severity,
        String resolution,
        Instant resolvedAt)
        implements StrideEvent {}
