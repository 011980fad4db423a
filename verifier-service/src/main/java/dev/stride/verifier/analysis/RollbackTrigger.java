package dev.stride.verifier.analysis;

import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Metric;
import dev.stride.events.spec.Threshold;
import java.time.Duration;

/**
 * A rollback trigger of the runbook ({@code error_rate 5% for 5m -> automatic_rollback}). A bare level means "over"
 * for a metric where higher is worse and "under" for one where lower is worse ({@code health_check_success_rate});
 * a level written with a comparison ({@code ">5%"}) says itself when the trigger is over. Equal is never over.
 */
public record RollbackTrigger(
        String name,
        String metric,
        String threshold,
        Duration duration,
        ThresholdBreached.Action action) {

    /** Whether one measured value is over the trigger's level. NaN never is (it is "no data", judged apart). */
    public boolean breachedBy(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        Threshold level = Threshold.parse(threshold);
        Threshold.Comparison over = level.comparison();
        if (over == null) {
            over =
                    higherIsWorse(metric)
                            ? Threshold.Comparison.GREATER_THAN
                            : Threshold.Comparison.LESS_THAN;
        }
        return Limits.compare(value, over, level.value());
    }

    /** How many consecutive measurements over the level, {@code interval} apart, make the trigger fire. */
    public int measurementsToFire(Duration interval) {
        if (duration == null || duration.isZero() || duration.isNegative()) {
            return 1;
        }
        long needed = (duration.toMillis() + interval.toMillis() - 1) / interval.toMillis();
        return (int) Math.max(1, Math.min(needed, Integer.MAX_VALUE));
    }

    static boolean higherIsWorse(String metric) {
        return Metric.of(metric).map(Metric::higherIsWorse).orElse(true);
    }
}
