package dev.stride.incident.paging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A run claims no more pages than it can send, at two pager timeouts each, within half its lease. */
class PageDispatcherTest {

    @Test
    void aRunsPagesFitInHalfTheLease() {
        assertThat(PageDispatcher.batchFor(Duration.ofSeconds(30), Duration.ofSeconds(5))).isEqualTo(1);
        assertThat(PageDispatcher.batchFor(Duration.ofSeconds(60), Duration.ofSeconds(5))).isEqualTo(3);
        assertThat(PageDispatcher.batchFor(Duration.ofMinutes(10), Duration.ofSeconds(5))).isEqualTo(20);
        assertThat(PageDispatcher.batchFor(Duration.ofSeconds(1), Duration.ofSeconds(5))).isEqualTo(1);
    }
}
