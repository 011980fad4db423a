package dev.stride.events;

import java.util.UUID;

/**
 * Put the stable version back. {@code attempt} is the deployment attempt the rollback is for, so a late or
 * repeated request for an earlier attempt is ignored. Published by the planner, the incident service, on-call
 * through REST, or other systems.
 */
public record RollbackRequested(UUID deploymentId, int attempt, String reason, String requestedBy)
        implements StrideEvent {}
