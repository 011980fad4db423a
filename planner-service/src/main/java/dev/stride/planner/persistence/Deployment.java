package dev.stride.planner.persistence;

import dev.stride.events.DeploymentRequested;
import java.time.Instant;
import java.util.UUID;

/** A deployment as the planner stores it: its request, its state and when things happened. */
public record Deployment(UUID id, DeploymentRequested request, DeploymentStatus status, String origin,
        String requestFingerprint, Instant createdAt, Instant updatedAt) {
}
