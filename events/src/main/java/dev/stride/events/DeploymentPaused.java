package dev.stride.events;

import dev.stride.events.spec.Environment;
import java.util.UUID;

/**
 * The planner paused a deployment: by hand (REST), on a breach whose action is {@code pause}, on a trigger
 * without data, or for a declared incident. Nothing moves until DeploymentResumed (or a rollback or abort): the
 * executor holds a platform rollout under way, the verifier suspends the deployment's analyses and the notifier
 * tells people. {@code phase} is the current phase's index; {@code pausedBy} the person or the service whose event
 * decided it ({@code verifier}, {@code incident-service}).
 */
public record DeploymentPaused(
        UUID deploymentId,
        int attempt,
        int phase,
        String application,
        Environment environment,
        String reason,
        String pausedBy)
        implements StrideEvent {}
