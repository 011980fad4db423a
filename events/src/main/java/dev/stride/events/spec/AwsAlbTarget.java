package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stride.events.check.Formats;
import java.util.Map;

/** An Application Load Balancer listener (or one of its rules) forwarding to the blue and green target groups. */
public record AwsAlbTarget(String region, String listenerArn, String ruleArn, String roleArn)
        implements Target {
    public static final String PLATFORM = "aws-alb";

    /** Without a region, the region the listener's (else the rule's) ARN names. */
    public AwsAlbTarget {
        if (region == null || region.isBlank()) {
            String fromRule = ruleArn;
            region =
                    Formats.regionOf(listenerArn)
                            .or(() -> Formats.regionOf(fromRule))
                            .orElse(region);
        }
    }

    @Override
    @JsonProperty("platform")
    public String platform() {
        return PLATFORM;
    }

    /** Its region, listener and rule (the role is a credential, not a name). */
    @Override
    public Map<String, String> templateVariables() {
        return TemplateVariables.of(
                "region", region, "listenerArn", listenerArn, "ruleArn", ruleArn);
    }
}
