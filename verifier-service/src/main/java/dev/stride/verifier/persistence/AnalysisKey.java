package dev.stride.verifier.persistence;

import java.util.UUID;

/** One phase of one attempt of a deployment. */
public record AnalysisKey(UUID deploymentId, int attempt, int phase) {}
