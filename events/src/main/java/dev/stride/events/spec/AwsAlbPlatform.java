package dev.stride.events.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.check.Formats;
import java.util.Set;

/** The rules of an {@link AwsAlbTarget}: a region and a listener, optionally one of its rules and a role, as ARNs. */
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
        checks.matching(
                target,
                "region",
                at,
                true,
                Formats.REGION,
                "must be an AWS region such as us-east-1");
        checks.matching(target, "listenerArn", at, true, Formats.ARN, ARN_RULE);
        checks.matching(target, "ruleArn", at, false, Formats.ARN, ARN_RULE);
        checks.matching(target, "roleArn", at, false, Formats.ARN, ARN_RULE);
    }
}
