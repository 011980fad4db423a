package dev.stride.events;

import dev.stride.events.spec.Environment;
import java.time.Instant;
import java.util.UUID;

/**
 * An incident was opened for a deployment: by one of the incident service's rules, or declared by a person
 * ({@code declaredBy}, their caller name; null when a rule opened it). A declared incident names the deployment
 * active in its application and environment when it was declared, else the latest one there.
 */
public record IncidentOpened(
        UUID incidentId,
        UUID deploymentId,
        String application,
        Environment environment,
        Severity severity,
        String title,
        String cause,
        Instant openedAt,
        String declaredBy)
        implements StrideEvent {

    /** An incident a rule opened. */
    public IncidentOpened(
            UUID incidentId,
            UUID deploymentId,
            String application,
            Environment environment,
            Severity severity,
            String title,
            String cause,
            Instant openedAt) {
        this(
                incidentId,
                deploymentId,
                application,
                environment,
                severity,
                title,
                cause,
                openedAt,
                null);
    }
}
