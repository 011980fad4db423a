package dev.stride.events;

import dev.stride.events.spec.Environment;
import java.util.UUID;

/**
 * A paused deployment goes on: the executor lets a held platform rollout continue and the verifier resumes the
 * deployment's analyses where they stopped (the time paused does not count toward a phase's hold). Published by
 * the planner on the same topic as DeploymentPaused, so each consumer sees the two in order.
 */
public record DeploymentResumed(
        UUID deploymentId,
        int attempt,
        int phase,
        String application,
        Environment environment,
        String resumedBy)
        implements StrideEvent {}
