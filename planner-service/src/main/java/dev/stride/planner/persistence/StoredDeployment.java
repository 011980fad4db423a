package dev.stride.planner.persistence;

import dev.stride.planner.machine.DeploymentState;
import java.time.Instant;

/**
 * A stored deployment: its state, and what only the store knows (where it came from, the fingerprint of its
 * request, when its row last changed).
 */
public record StoredDeployment(
        DeploymentState state, String origin, String requestFingerprint, Instant updatedAt) {}
