package dev.stride.verifier.run;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad scheduler configuration stops the verifier at start, with a message naming the key. */
class SchedulerSettingsTest {

    private static final Duration S = Duration.ofSeconds(1);

    @Test
    void aTimeoutOfZeroOrLessIsRefusedByName() {
        assertThatThrownBy(
                        () ->
                                scheduler(
                                        Duration.ofMillis(100),
                                        64,
                                        Duration.ofSeconds(30),
                                        256,
                                        32,
                                        Duration.ZERO,
                                        S.multipliedBy(10)))
                .hasMessageContaining("stride.verifier.prometheus.timeout");
        assertThatThrownBy(
                        () ->
                                scheduler(
                                        Duration.ofMillis(100),
                                        64,
                                        Duration.ofSeconds(30),
                                        256,
                                        32,
                                        S.multipliedBy(5),
                                        Duration.ofSeconds(-1)))
                .hasMessageContaining("stride.verifier.checks.timeout");
        assertThatThrownBy(
                        () ->
                                scheduler(
                                        Duration.ZERO,
                                        64,
                                        Duration.ofSeconds(30),
                                        256,
                                        32,
                                        S.multipliedBy(5),
                                        S.multipliedBy(10)))
                .hasMessageContaining("stride.verifier.tick");
    }

    @Test
    void aNegativeOrZeroPoolIsRefusedByName() {
        assertThatThrownBy(
                        () ->
                                scheduler(
                                        Duration.ofMillis(100),
                                        64,
                                        Duration.ofSeconds(30),
                                        -1,
                                        32,
                                        S.multipliedBy(5),
                                        S.multipliedBy(10)))
                .hasMessageContaining("stride.verifier.max-in-flight");
        assertThatThrownBy(
                        () ->
                                scheduler(
                                        Duration.ofMillis(100),
                                        64,
                                        Duration.ofSeconds(30),
                                        256,
                                        0,
                                        S.multipliedBy(5),
                                        S.multipliedBy(10)))
                .hasMessageContaining("stride.verifier.endpoint-share");
        assertThatThrownBy(
                        () ->
                                scheduler(
                                        Duration.ofMillis(100),
                                        0,
                                        Duration.ofSeconds(30),
                                        256,
                                        32,
                                        S.multipliedBy(5),
                                        S.multipliedBy(10)))
                .hasMessageContaining("stride.verifier.batch-size");
    }

    @Test
    void aLeaseNoLongerThanATimeoutIsRefusedNamingBoth() {
        assertThatThrownBy(
                        () ->
                                scheduler(
                                        Duration.ofMillis(100),
                                        64,
                                        Duration.ofSeconds(5),
                                        256,
                                        32,
                                        S.multipliedBy(5),
                                        S.multipliedBy(4)))
                .hasMessageContaining("stride.verifier.lease")
                .hasMessageContaining("stride.verifier.prometheus.timeout");
    }

    private static AnalysisScheduler scheduler(
            Duration tick,
            int batch,
            Duration lease,
            int maxInFlight,
            int share,
            Duration queryTimeout,
            Duration checksTimeout) {
        return new AnalysisScheduler(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                tick,
                batch,
                lease,
                maxInFlight,
                share,
                queryTimeout,
                checksTimeout);
    }
}
