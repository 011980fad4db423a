package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** One of the runbook's three {@code deployment:} blocks, told apart by {@code strategy}. */
@JsonPropertyOrder({"strategy"})
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "strategy")
@JsonSubTypes({
    @JsonSubTypes.Type(value = BlueGreenStrategy.class, name = BlueGreenStrategy.NAME),
    @JsonSubTypes.Type(value = CanaryStrategy.class, name = CanaryStrategy.NAME),
    @JsonSubTypes.Type(value = RollingStrategy.class, name = RollingStrategy.NAME)
})
public sealed interface DeploymentStrategy
        permits BlueGreenStrategy, CanaryStrategy, RollingStrategy {

    /** {@code blue-green}, {@code canary} or {@code rolling}. */
    String strategy();
}
