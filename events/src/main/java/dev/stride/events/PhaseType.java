package dev.stride.events;

/** What a phase of a plan does. */
public enum PhaseType {
    /** Pre- or post-deployment validation (verifier). */
    CHECKS,
    /** Set a traffic weight and hold it under analysis. */
    TRAFFIC,
    /** Replace one batch of instances (rolling). */
    ROLLOUT,
    /** Database migration, backup first. */
    MIGRATION,
    /** Promote the new version and retire the old one. */
    FINALIZE
}
