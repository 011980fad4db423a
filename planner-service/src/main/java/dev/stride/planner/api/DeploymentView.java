package dev.stride.planner.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.spec.DeploymentStrategy;
import dev.stride.events.spec.RollbackPolicy;
import dev.stride.events.spec.Target;
import dev.stride.planner.persistence.Deployment;
import java.time.Instant;
import java.util.UUID;

/** A deployment as the API shows it. {@code deployment} is the parsed strategy block. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentView(
        UUID id,
        String application,
        String environment,
        String version,
        String artifact,
        String status,
        String strategy,
        String requestedBy,
        String commitSha,
        Instant commitTime,
        Instant createdAt,
        Instant updatedAt,
        Target target,
        DeploymentStrategy deployment,
        RollbackPolicy rollback) {

    public static DeploymentView of(Deployment d) {
        DeploymentRequested r = d.request();
        return new DeploymentView(d.id(), r.application(), r.environment().wireName(), r.version(), r.artifact(),
                d.status().name(), r.deployment().strategy(), r.requestedBy(), r.commitSha(), r.commitTime(),
                d.createdAt(), d.updatedAt(), r.target(), r.deployment(), r.rollback());
    }
}
