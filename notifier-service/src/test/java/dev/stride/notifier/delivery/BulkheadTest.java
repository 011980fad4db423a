package dev.stride.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Slots for deliveries in flight: an endpoint that does not answer holds only its share. */
class BulkheadTest {

    private final Bulkhead bulkhead = new Bulkhead(8, 3);

    @Test
    void oneEndpointGetsAtMostItsShareWhateverItAsksFor() {
        assertThat(bulkhead.take("dead.example:443", 10)).isEqualTo(3);
        assertThat(bulkhead.take("dead.example:443", 1)).isZero();
        assertThat(bulkhead.busy("dead.example:443")).isEqualTo(3);
    }

    @Test
    void twoDeadEndpointsLeaveSlotsForTheHealthyOne() {
        bulkhead.take("dead-a:80", 3);
        bulkhead.take("dead-b:80", 3);

        assertThat(bulkhead.take("hooks.slack.com:443", 3)).isEqualTo(2);
        assertThat(bulkhead.inUse()).isEqualTo(8);
    }

    @Test
    void slotsGivenBackCanBeTakenAgain() {
        bulkhead.take("dead-a:80", 3);
        bulkhead.take("dead-b:80", 3);
        bulkhead.take("hooks.slack.com:443", 2);

        bulkhead.give("dead-a:80", 2);

        assertThat(bulkhead.busy("dead-a:80")).isEqualTo(1);
        assertThat(bulkhead.take("hooks.slack.com:443", 3)).isEqualTo(1);
        assertThat(bulkhead.take("dead-a:80", 3)).isEqualTo(1);
        assertThat(bulkhead.inUse()).isEqualTo(8);
    }

    @Test
    void freeSlotsAreCountedWithoutBeingTaken() {
        bulkhead.take("dead-a:80", 3);
        bulkhead.take("dead-b:80", 3);

        assertThat(bulkhead.free("hooks.slack.com:443", 3)).isEqualTo(2);
        assertThat(bulkhead.free("dead-a:80", 3)).isZero();
        assertThat(bulkhead.inUse()).isEqualTo(6);
    }

    @Test
    void nothingWantedNothingTaken() {
        assertThat(bulkhead.take("a:80", 0)).isZero();
        assertThat(bulkhead.take("a:80", -1)).isZero();
        assertThat(bulkhead.inUse()).isZero();
    }
}
