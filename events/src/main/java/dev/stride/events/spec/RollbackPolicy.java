package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The runbook's {@code rollback:} block (rollback-config.yaml). */
public record RollbackPolicy(
        List<Trigger> triggers, @JsonProperty("rollback_strategy") Strategy rollbackStrategy) {

    /** "{@code metric} beyond {@code threshold} for {@code duration}" leads to {@code action}. */
    public record Trigger(
            String name, String metric, String threshold, String duration, String action) {}

    public record Strategy(
            String method,
            String timeout,
            @JsonProperty("verification_delay") String verificationDelay) {}
}
