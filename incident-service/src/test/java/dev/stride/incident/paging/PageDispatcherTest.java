package dev.stride.incident.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Paging settings that cannot work stop the start with a message that names the key. */
class PageDispatcherTest {

    private static final Duration S1 = Duration.ofSeconds(1);

    @Test
    void theDefaultsPassAndASendMayTakeTwiceConnectPlusAnswer() {
        assertThat(
                        PageDispatcher.checked(
                                S1,
                                Duration.ofSeconds(30),
                                S1,
                                Duration.ofMinutes(5),
                                20,
                                4,
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(2)))
                .isEqualTo(Duration.ofSeconds(14));
    }

    @Test
    void aPagerTimeoutOfZeroNamesItsKey() {
        assertThatThrownBy(
                        () ->
                                PageDispatcher.checked(
                                        S1,
                                        Duration.ofSeconds(30),
                                        S1,
                                        Duration.ofMinutes(5),
                                        20,
                                        4,
                                        Duration.ZERO,
                                        Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("stride.incident.pagerduty.timeout must be more than 0, was PT0S");
    }

    @Test
    void aConnectTimeoutOfZeroNamesItsKey() {
        assertThatThrownBy(
                        () ->
                                PageDispatcher.checked(
                                        S1,
                                        Duration.ofSeconds(30),
                                        S1,
                                        Duration.ofMinutes(5),
                                        20,
                                        4,
                                        Duration.ofSeconds(5),
                                        Duration.ZERO))
                .hasMessage(
                        "stride.incident.pagerduty.connect-timeout must be more than 0, was PT0S");
    }

    @Test
    void aNegativeConcurrencyNamesItsKey() {
        assertThatThrownBy(
                        () ->
                                PageDispatcher.checked(
                                        S1,
                                        Duration.ofSeconds(30),
                                        S1,
                                        Duration.ofMinutes(5),
                                        20,
                                        -1,
                                        Duration.ofSeconds(5),
                                        Duration.ofSeconds(2)))
                .hasMessage("stride.incident.pages.concurrency must be at least 1, was -1");
    }

    @Test
    void aPollIntervalOfZeroNamesItsKey() {
        assertThatThrownBy(
                        () ->
                                PageDispatcher.checked(
                                        Duration.ZERO,
                                        Duration.ofSeconds(30),
                                        S1,
                                        Duration.ofMinutes(5),
                                        20,
                                        4,
                                        Duration.ofSeconds(5),
                                        Duration.ofSeconds(2)))
                .hasMessage("stride.incident.pages.poll-interval must be more than 0, was PT0S");
    }

    @Test
    void aLeaseShorterThanThreeSendsNamesTheKeys() {
        assertThatThrownBy(
                        () ->
                                PageDispatcher.checked(
                                        S1,
                                        Duration.ofSeconds(20),
                                        S1,
                                        Duration.ofMinutes(5),
                                        20,
                                        4,
                                        Duration.ofSeconds(5),
                                        Duration.ofSeconds(2)))
                .hasMessage(
                        "stride.incident.pages.lease (PT20S) must be at least three times "
                                + "stride.incident.pagerduty.connect-timeout + stride.incident.pagerduty.timeout (PT7S)");
    }
}
