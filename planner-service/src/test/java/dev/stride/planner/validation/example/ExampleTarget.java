package dev.stride.planner.validation.example;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stride.events.spec.Target;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A made-up load balancer that splits a pool between a stable and a canary member: the record a new platform adds,
 * as CONTRIBUTING's checklist says, here only in the tests.
 */
public record ExampleTarget(String pool, String stableMember, String canaryMember)
        implements Target {
    public static final String PLATFORM = "example-lb";

    @Override
    @JsonProperty("platform")
    public String platform() {
        return PLATFORM;
    }

    /** Its pool and members, as metric templates name them. */
    @Override
    public Map<String, String> templateVariables() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("pool", pool);
        values.put("stableMember", stableMember);
        values.put("canaryMember", canaryMember);
        values.values().removeIf(value -> value == null);
        return values;
    }
}
