package dev.stride.events.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;

/**
 * A traffic platform as requests name it in {@code target.platform}: its {@link Target} record and the rules its
 * target block must follow. Each platform keeps its rules here, beside its record, and is found through
 * {@link Platforms}, so that the planner checks a request without knowing which platforms exist. The names a metric
 * template may use for a target come from the record itself ({@link Target#templateVariables()}).
 */
public interface Platform {

    /** The value of {@code target.platform}, e.g. {@code kubernetes}: the Jackson type name of the record. */
    String name();

    /** The record a target block of this platform is read into. */
    Class<? extends Target> targetType();

    /**
     * Checks a target block of this platform (an object whose {@code platform} is {@link #name()}): its allowed
     * fields, their formats and the rules between them. {@code at} is the block's path ({@code target}).
     */
    void checkTarget(FieldChecks checks, JsonNode target, String at);

    /**
     * Checks the rules that span the target block and the request's {@code deployment} block, e.g. what a strategy
     * needs from this platform. Called once both blocks are checked on their own; either may be a missing node or
     * not an object. None by default.
     */
    default void checkWithDeployment(
            FieldChecks checks, JsonNode target, JsonNode deployment, String at) {}
}
