package dev.stride.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff =
            new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), new Random(7));

    @Test
    void doublesPerAttemptWithinHalfAndAllOfTheStep() {
        for (int attempt = 1; attempt <= 7; attempt++) {
            long step = 2000L << (attempt - 1);
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.after(attempt).toMillis()).isBetween(step / 2, step);
            }
        }
    }

    @Test
    void isCappedAndNeverOverflows() {
        for (int attempt : new int[] {9, 20, 64, Integer.MAX_VALUE}) {
            assertThat(backoff.after(attempt).toMillis()).isBetween(150_000L, 300_000L);
        }
    }

    @Test
    void jitterSpreadsRetries() {
        Set<Long> waits = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            waits.add(backoff.after(3).toMillis());
        }
        assertThat(waits).hasSizeGreaterThan(10);
    }
}
