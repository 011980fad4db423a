package dev.stride.events.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.check.Formats;
import java.util.List;
import java.util.Set;

/** The rules of an {@link AwsEcsTarget}: a region, a cluster and a service, optionally a container and a role. */
final class AwsEcsPlatform implements Platform {

    private static final Set<String> FIELDS =
            Set.of("platform", "region", "cluster", "service", "container", "roleArn");

    @Override
    public String name() {
        return AwsEcsTarget.PLATFORM;
    }

    @Override
    public Class<AwsEcsTarget> targetType() {
        return AwsEcsTarget.class;
    }

    @Override
    public void checkTarget(FieldChecks checks, JsonNode target, String at) {
        checks.onlyKnownFields(target, at, FIELDS);
        checks.matching(
                target,
                "region",
                at,
                true,
                Formats.REGION,
                "must be an AWS region such as us-east-1");
        for (String name : List.of("cluster", "service", "container")) {
            checks.matching(
                    target, name, at, !name.equals("container"), Formats.NAME, Formats.NAME_RULE);
        }
        checks.matching(target, "roleArn", at, false, Formats.ARN, "must be an ARN (arn:aws:...)");
    }

    /**
     * An ECS service rolls its tasks; it has no traffic weights without CodeDeploy, so only a rolling update runs
     * on it.
     */
    @Override
    public void checkWithDeployment(
            FieldChecks checks, JsonNode target, JsonNode deployment, String at) {
        String strategy = deployment.path("strategy").asText(null);
        if (CanaryStrategy.NAME.equals(strategy) || BlueGreenStrategy.NAME.equals(strategy)) {
            checks.add(
                    "deployment.strategy",
                    "aws-ecs runs rolling updates only (an ECS service has no traffic weights without"
                            + " CodeDeploy): use rolling, or an aws-alb target for blue-green");
        }
    }
}
