package dev.stride.events.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.check.Formats;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of an {@link AwsAlbTarget}: a region and a listener, optionally one of its rules and a role, as ARNs;
 * blue-green only, with a target group per colour.
 */
final class AwsAlbPlatform implements Platform {

    private static final Set<String> FIELDS =
            Set.of("platform", "region", "listenerArn", "ruleArn", "roleArn");
    private static final String ARN_RULE = "must be an ARN (arn:aws:...)";

    @Override
    public String name() {
        return AwsAlbTarget.PLATFORM;
    }

    @Override
    public Class<AwsAlbTarget> targetType() {
        return AwsAlbTarget.class;
    }

    @Override
    public void checkTarget(FieldChecks checks, JsonNode target, String at) {
        checks.onlyKnownFields(target, at, FIELDS);
        Optional<String> region =
                checks.matching(
                        target,
                        "region",
                        at,
                        false,
                        Formats.REGION,
                        "must be an AWS region such as us-east-1");
        Optional<String> listener =
                checks.matching(target, "listenerArn", at, true, Formats.ARN, ARN_RULE);
        checks.matching(target, "ruleArn", at, false, Formats.ARN, ARN_RULE);
        Platforms.regionAgreesWithArn(
                checks, target, at, region, listener.flatMap(Formats::regionOf), "listenerArn");
        checks.matching(target, "roleArn", at, false, Formats.ARN, ARN_RULE);
    }

    /**
     * An ALB listener rule moves weight between two target groups: a blue-green release, with both colours' target
     * groups named (and different). A canary would end in a promotion the rule cannot make, a rolling update has
     * no instances to replace.
     */
    @Override
    public void checkWithDeployment(
            FieldChecks checks, JsonNode target, JsonNode deployment, String at) {
        String strategy = deployment.path("strategy").asText(null);
        if (CanaryStrategy.NAME.equals(strategy) || RollingStrategy.NAME.equals(strategy)) {
            checks.add(
                    "deployment.strategy",
                    "aws-alb runs blue-green releases only (weights between two target groups): use"
                            + " blue-green, a kubernetes target for a canary or an aws-ecs target for rolling");
            return;
        }
        if (!BlueGreenStrategy.NAME.equals(strategy)) {
            return;
        }
        JsonNode environments = deployment.path("environments");
        for (String colour : List.of("blue", "green")) {
            JsonNode group = environments.path(colour).path("target_group");
            if (!group.isTextual() || group.asText().isBlank()) {
                checks.add(
                        "deployment.environments." + colour + ".target_group",
                        "is required for a blue-green on aws-alb: the target group this colour runs in");
            }
        }
        JsonNode blue = environments.path("blue").path("target_group");
        if (blue.isTextual() && blue.equals(environments.path("green").path("target_group"))) {
            checks.add(
                    "deployment.environments.green.target_group",
                    "must differ from blue's: each colour runs in its own target group");
        }
    }
}
