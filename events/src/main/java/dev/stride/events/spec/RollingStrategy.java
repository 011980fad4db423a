package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The runbook's rolling block: batches of instances replaced while health checks hold. */
public record RollingStrategy(
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("max_unavailable") int maxUnavailable,
        @JsonProperty("health_check") HealthCheck healthCheck)
        implements DeploymentStrategy {
    public static final String NAME = "rolling";

    @Override
    @JsonProperty("strategy")
    public String strategy() {
        return NAME;
    }

    public record HealthCheck(
            String path,
            String timeout,
            String interval,
            @JsonProperty("healthy_threshold") int healthyThreshold,
            @JsonProperty("unhealthy_threshold") int unhealthyThreshold) {}
}
