package dev.stride.planner.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.spec.Platform;
import dev.stride.events.spec.Platforms;
import java.util.Optional;

/**
 * The request's {@code target} block: a platform the registry knows, then that platform's own rules, and the rules
 * it has across the target and the deployment block. Knows no platform itself.
 */
final class TargetRules {

    private static final String AT = "target";

    private final Platforms platforms;

    TargetRules(Platforms platforms) {
        this.platforms = platforms;
    }

    void target(FieldChecks checks, JsonNode target) {
        Optional<String> name = checks.oneOf(target, "platform", AT, true, platforms.names());
        name.flatMap(platforms::find)
                .ifPresent(platform -> platform.checkTarget(checks, target, AT));
    }

    /** {@code target} and {@code deployment} as the request has them: missing nodes or anything else. */
    void withDeployment(FieldChecks checks, JsonNode target, JsonNode deployment) {
        Optional<Platform> platform = platforms.find(target.path("platform").asText(null));
        platform.ifPresent(p -> p.checkWithDeployment(checks, target, deployment, AT));
    }
}
