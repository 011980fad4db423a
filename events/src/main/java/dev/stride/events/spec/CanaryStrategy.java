package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The runbook's canary block: phases of increasing traffic, each judged by its success criteria. */
public record CanaryStrategy(List<Phase> phases) implements DeploymentStrategy {
    public static final String NAME = "canary";

    @Override
    @JsonProperty("strategy")
    public String strategy() {
        return NAME;
    }

    /** {@code successCriteria} maps a metric ({@code error_rate}, {@code response_time}) to a limit ({@code "<1%"}). */
    public record Phase(
            String name,
            @JsonProperty("traffic_percentage") int trafficPercentage,
            String duration,
            @JsonProperty("success_criteria") Map<String, String> successCriteria) {}
}
