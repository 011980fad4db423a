package dev.stride.events;

import dev.stride.events.spec.Environment;
import java.time.Instant;
import java.util.UUID;

/** An incident was opened for a deployment. */
public record IncidentOpened(
        UUID incidentId,
        UUID deploymentId,
        String application,
        Environment environment,
        Severity severity,
        String title,
        String cause,
        Instant openedAt)
        implements StrideEvent {}
