package dev.stride.executor.traffic.example;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stride.events.spec.Target;
import java.util.Map;

/**
 * A made-up load balancer that splits a pool between a stable and a canary member: the target record a new platform
 * adds to the events module (CONTRIBUTING's checklist), here only in the tests, so the example driver has a target
 * type of its own.
 */
record ExampleTarget(String pool, String stableMember, String canaryMember) implements Target {
    static final String PLATFORM = "example-lb";

    @Override
    @JsonProperty("platform")
    public String platform() {
        return PLATFORM;
    }

    @Override
    public Map<String, String> templateVariables() {
        return Map.of("pool", pool);
    }
}
