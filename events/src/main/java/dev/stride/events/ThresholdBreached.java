package dev.stride.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stride.events.spec.Environment;
import java.util.UUID;

/**
 * A rollback trigger fired or success criteria failed during a phase. {@code observedValue} is absent when
 * the kind is {@code no_data} or {@code provider_error}. {@code action} is the trigger's action. {@code application}
 * and {@code environment} (optional, set by the verifier) let consumers such as the incident service classify the
 * breach without another lookup.
 */
public record ThresholdBreached(
        UUID deploymentId,
        int attempt,
        int phase,
        String metric,
        Double observedValue,
        String threshold,
        String window,
        Kind kind,
        Action action,
        String application,
        Environment environment)
        implements StrideEvent {

    /** A breach without the deployment's application and environment (optional fields; producers should set them). */
    public ThresholdBreached(
            UUID deploymentId,
            int attempt,
            int phase,
            String metric,
            Double observedValue,
            String threshold,
            String window,
            Kind kind,
            Action action) {
        this(
                deploymentId,
                attempt,
                phase,
                metric,
                observedValue,
                threshold,
                window,
                kind,
                action,
                null,
                null);
    }

    public enum Kind {
        @JsonProperty("trigger")
        TRIGGER,
        @JsonProperty("criteria")
        CRITERIA,
        @JsonProperty("no_data")
        NO_DATA,
        @JsonProperty("provider_error")
        PROVIDER_ERROR
    }

    public enum Action {
        @JsonProperty("automatic_rollback")
        AUTOMATIC_ROLLBACK,
        @JsonProperty("pause")
        PAUSE,
        @JsonProperty("alert")
        ALERT
    }
}
