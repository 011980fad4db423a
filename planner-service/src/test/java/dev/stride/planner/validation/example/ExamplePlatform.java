package dev.stride.planner.validation.example;

import static dev.stride.events.check.FieldChecks.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.check.Formats;
import dev.stride.events.spec.Platform;
import dev.stride.events.spec.RollingStrategy;
import java.util.List;
import java.util.Set;

/**
 * The rules of an {@link ExampleTarget}: a pool and two different members, and no rolling deployment (the balancer
 * only moves weights). A test registers it: no main code knows it.
 */
public final class ExamplePlatform implements Platform {

    private static final Set<String> FIELDS =
            Set.of("platform", "pool", "stableMember", "canaryMember");

    @Override
    public String name() {
        return ExampleTarget.PLATFORM;
    }

    @Override
    public Class<ExampleTarget> targetType() {
        return ExampleTarget.class;
    }

    @Override
    public void checkTarget(FieldChecks checks, JsonNode target, String at) {
        checks.onlyKnownFields(target, at, FIELDS);
        for (String name : List.of("pool", "stableMember", "canaryMember")) {
            checks.matching(target, name, at, true, Formats.NAME, Formats.NAME_RULE);
        }
        if (target.hasNonNull("stableMember")
                && target.path("stableMember").equals(target.path("canaryMember"))) {
            checks.add(path(at, "canaryMember"), "must differ from stableMember");
        }
    }

    @Override
    public void checkWithDeployment(
            FieldChecks checks, JsonNode target, JsonNode deployment, String at) {
        if (RollingStrategy.NAME.equals(deployment.path("strategy").asText(null))) {
            checks.add(
                    "deployment.strategy",
                    "example-lb moves weights only: use canary or blue-green");
        }
    }
}
