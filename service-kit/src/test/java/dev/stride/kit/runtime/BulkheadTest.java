package dev.stride.kit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Slots for calls in flight (the notifier's deliveries, the executor's executions, the verifier's measurements): an
 * endpoint that does not answer holds only its share, and a reserve is kept for priority work.
 */
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

    @Test
    void aRoundAsksForTheFreeSlotsAtMostTheBatch() {
        assertThat(bulkhead.round(64).limit()).isEqualTo(8);
        assertThat(bulkhead.round(5).limit()).isEqualTo(5);
        bulkhead.take("a:80", 3);
        bulkhead.take("b:80", 3);
        assertThat(bulkhead.round(64).limit()).isEqualTo(2);
        bulkhead.take("c:80", 2);
        assertThat(bulkhead.round(64).limit()).isZero();
    }

    @Test
    void aRoundLeavesFullEndpointsOutAndSaysTheRoomOfTheOthers() {
        bulkhead.take("dead:80", 3);
        bulkhead.take("slow:80", 1);

        Bulkhead.Round round = bulkhead.round(64);

        assertThat(round.full()).containsExactly("dead:80");
        assertThat(round.partly()).isEqualTo(Map.of("slow:80", 2));
        assertThat(round.perEndpoint()).isEqualTo(3);
        assertThat(round.priorityOnly()).isFalse();
    }

    @Test
    void theReserveIsKeptForPriorityWork() {
        Bulkhead withReserve = new Bulkhead(4, 4, 2);
        withReserve.take("a:80", 1);
        assertThat(withReserve.round(64).priorityOnly()).isFalse();
        withReserve.take("a:80", 1);

        Bulkhead.Round round = withReserve.round(64);

        assertThat(round.priorityOnly()).isTrue();
        assertThat(round.limit()).isEqualTo(2);
        withReserve.take("a:80", 2);
        assertThat(withReserve.round(64).limit()).isZero();
    }

    @Test
    void givingBackSaysWhetherALimitOpened() {
        Bulkhead small = new Bulkhead(3, 2);
        small.take("a:80", 1);
        assertThat(small.give("a:80", 1)).isFalse();

        small.take("a:80", 2);
        assertThat(small.give("a:80", 1)).as("a:80 was at its share").isTrue();
        assertThat(small.give("a:80", 1)).isFalse();

        small.take("a:80", 1);
        small.take("b:80", 2);
        assertThat(small.give("a:80", 1)).as("all slots were taken").isTrue();
        assertThat(small.give("b:80", 0)).isFalse();
        assertThat(small.inUse()).isEqualTo(2);
    }

    @Test
    void slotsGivenBackLeaveNoTrace() {
        bulkhead.take("a:80", 2);
        bulkhead.give("a:80", 2);

        assertThat(bulkhead.busy("a:80")).isZero();
        assertThat(bulkhead.round(64).partly()).isEmpty();
        assertThat(bulkhead.round(64).full()).isEqualTo(List.of());
        assertThat(bulkhead.free()).isEqualTo(8);
    }

    @Test
    void limitsThatLetNothingThroughAreRefused() {
        assertThatThrownBy(() -> new Bulkhead(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bulkhead(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bulkhead(2, 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bulkhead(2, 1, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
