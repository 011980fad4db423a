package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The runbook's blue-green block: two colours and traffic moved to the new one in steps. */
public record BlueGreenStrategy(
        Environments environments,
        @JsonProperty("traffic_shifting") TrafficShifting trafficShifting)
        implements DeploymentStrategy {
    public static final String NAME = "blue-green";

    @Override
    @JsonProperty("strategy")
    public String strategy() {
        return NAME;
    }

    /** Both colours. The block may be absent on platforms that name colours by convention (Kubernetes). */
    public record Environments(Colour blue, Colour green) {}

    public record Colour(
            @JsonProperty("target_group") String targetGroup,
            @JsonProperty("auto_scaling_group") String autoScalingGroup,
            @JsonProperty("health_check_path") String healthCheckPath) {}

    /** Weights {@code initialWeight}, +{@code increment} ... 100 on the new colour, each held {@code interval}. */
    public record TrafficShifting(
            @JsonProperty("initial_weight") int initialWeight,
            int increment,
            String interval,
            @JsonProperty("rollback_threshold") Integer rollbackThreshold) {}
}
