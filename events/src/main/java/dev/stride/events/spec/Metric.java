package dev.stride.events.spec;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The metrics the runbook judges deployments by. Each says which unit its thresholds are in and which way is
 * bad, so a bare trigger level ({@code error_rate 5%}) means "above 5%" and ({@code health_check_success_rate
 * 90%}) "below 90%".
 */
public enum Metric {
    ERROR_RATE("error_rate", Threshold.Unit.PERCENT, true),
    RESPONSE_TIME("response_time", Threshold.Unit.MILLISECONDS, true),
    RESPONSE_TIME_P95("response_time_p95", Threshold.Unit.MILLISECONDS, true),
    RESPONSE_TIME_P99("response_time_p99", Threshold.Unit.MILLISECONDS, true),
    HEALTH_CHECK_SUCCESS_RATE("health_check_success_rate", Threshold.Unit.PERCENT, false),
    /** Server errors per minute: what a blue-green {@code traffic_shifting.rollback_threshold} limits. */
    ERRORS_PER_MINUTE("errors_per_minute", Threshold.Unit.PER_MINUTE, true);

    private final String wireName;
    private final Threshold.Unit unit;
    private final boolean higherIsWorse;

    Metric(String wireName, Threshold.Unit unit, boolean higherIsWorse) {
        this.wireName = wireName;
        this.unit = unit;
        this.higherIsWorse = higherIsWorse;
    }

    public String wireName() {
        return wireName;
    }

    public Threshold.Unit unit() {
        return unit;
    }

    public boolean higherIsWorse() {
        return higherIsWorse;
    }

    public static Optional<Metric> of(String wireName) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(wireName)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(Metric::wireName).collect(Collectors.joining(", "));
    }
}
