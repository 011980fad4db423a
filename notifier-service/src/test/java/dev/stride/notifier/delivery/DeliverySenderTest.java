package dev.stride.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A run claims no more deliveries than it can send, at two request timeouts each, within half of stale-after. */
class DeliverySenderTest {

    @Test
    void aRunsDeliveriesFitInHalfOfStaleAfter() {
        assertThat(DeliverySender.batchFor(Duration.ofSeconds(60), Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(DeliverySender.batchFor(Duration.ofSeconds(60), Duration.ofSeconds(3))).isEqualTo(5);
        assertThat(DeliverySender.batchFor(Duration.ofMinutes(10), Duration.ofSeconds(3))).isEqualTo(10);
        assertThat(DeliverySender.batchFor(Duration.ofSeconds(1), Duration.ofSeconds(10))).isEqualTo(1);
    }
}
