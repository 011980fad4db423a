package dev.stride.events;

import dev.stride.events.spec.DatabaseMigration;
import dev.stride.events.spec.DeploymentChecks;
import dev.stride.events.spec.DeploymentStrategy;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.RollbackPolicy;
import dev.stride.events.spec.Target;
import java.time.Instant;
import java.util.UUID;

/**
 * A deployment asked for, by CI through the planner's REST API or by any other system on the topic.
 * {@code deployment} and {@code rollback} are the runbook's blocks; {@code rollback} may be absent, and so may
 * {@code checks} (the pre- and post-deployment checks; the planner fills in per-environment defaults), and so may
 * {@code database} (the release's schema migrations, planned as MIGRATION phases).
 */
public record DeploymentRequested(
        UUID deploymentId,
        String application,
        Environment environment,
        String version,
        String artifact,
        String commitSha,
        Instant commitTime,
        String requestedBy,
        Target target,
        DeploymentStrategy deployment,
        RollbackPolicy rollback,
        DeploymentChecks checks,
        DatabaseMigration database)
        implements StrideEvent {

    /** A request without a {@code database} block. */
    public DeploymentRequested(
            UUID deploymentId,
            String application,
            Environment environment,
            String version,
            String artifact,
            String commitSha,
            Instant commitTime,
            String requestedBy,
            Target target,
            DeploymentStrategy deployment,
            RollbackPolicy rollback,
            DeploymentChecks checks) {
        this(
                deploymentId,
                application,
                environment,
                version,
                artifact,
                commitSha,
                commitTime,
                requestedBy,
                target,
                deployment,
                rollback,
                checks,
                null);
    }
}
