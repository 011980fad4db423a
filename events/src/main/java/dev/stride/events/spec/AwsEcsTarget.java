package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stride.events.check.Formats;
import java.util.Map;

/** An ECS service whose task definition gets the new image (the runbook's ECS workflow). */
public record AwsEcsTarget(
        String region, String cluster, String service, String container, String roleArn)
        implements Target {
    public static final String PLATFORM = "aws-ecs";

    /** Without a region, the region the cluster's ARN names (when the cluster is given as an ARN). */
    public AwsEcsTarget {
        if (region == null || region.isBlank()) {
            region = Formats.regionOf(cluster).orElse(region);
        }
    }

    @Override
    @JsonProperty("platform")
    public String platform() {
        return PLATFORM;
    }

    /** Its region, cluster, service and container (the role is a credential, not a name). */
    @Override
    public Map<String, String> templateVariables() {
        return TemplateVariables.of(
                "region", region, "cluster", cluster, "service", service, "container", container);
    }
}
