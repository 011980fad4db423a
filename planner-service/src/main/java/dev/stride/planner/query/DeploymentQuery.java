package dev.stride.planner.query;

import dev.stride.planner.machine.DeploymentStatus;
import java.util.Optional;

/** Filters and paging of the deployment list; {@code page} counts from 0. */
public record DeploymentQuery(
        Optional<String> application,
        Optional<String> environment,
        Optional<DeploymentStatus> status,
        int page,
        int size) {}
