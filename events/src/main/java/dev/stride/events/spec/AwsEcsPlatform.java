package dev.stride.events.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.check.Formats;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of an {@link AwsEcsTarget}: a cluster (a name or an ARN) and a service, optionally a container and a
 * role, and a region unless the cluster's ARN names one.
 */
final class AwsEcsPlatform implements Platform {

    /** A cluster's short name or its ARN, as ECS takes either. */
    private static final Pattern CLUSTER =
            Pattern.compile(Formats.NAME.pattern() + "|" + Formats.ECS_CLUSTER_ARN.pattern());

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
        Optional<String> region =
                checks.matching(
                        target,
                        "region",
                        at,
                        false,
                        Formats.REGION,
                        "must be an AWS region such as us-east-1");
        Optional<String> cluster =
                checks.matching(
                        target,
                        "cluster",
                        at,
                        true,
                        CLUSTER,
                        "must be a cluster name (letters, digits, '.', '_' or '-') or a cluster ARN"
                                + " (arn:aws:ecs:<region>:<account>:cluster/<name>)");
        for (String name : List.of("service", "container")) {
            checks.matching(
                    target, name, at, !name.equals("container"), Formats.NAME, Formats.NAME_RULE);
        }
        Platforms.regionAgreesWithArn(
                checks, target, at, region, cluster.flatMap(Formats::regionOf), "cluster");
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
        if (RollingStrategy.NAME.equals(strategy) && deployment.hasNonNull("health_check")) {
            checks.add(
                    "deployment.health_check",
                    "aws-ecs does not run a rolling health_check: ECS checks new tasks with the"
                            + " service's own target group or container health checks; leave it out");
        }
    }
}
