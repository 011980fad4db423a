package dev.stride.notifier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Delivery settings that cannot work stop the start with a message that names the key. */
class DeliverySettingsTest {

    record Settings(
            Duration pollInterval,
            int maxAttempts,
            Duration backoffInitial,
            Duration backoffMax,
            Duration staleAfter,
            Duration requestTimeout,
            Duration connectTimeout,
            int concurrency,
            int perEndpoint,
            Duration slackMinInterval)
            implements NotifierConfig.Delivery {

        static Settings defaults() {
            return new Settings(
                    Duration.ofMillis(500),
                    8,
                    Duration.ofSeconds(2),
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(5),
                    16,
                    4,
                    Duration.ofSeconds(1));
        }
    }

    @Test
    void theDefaultsPass() {
        Settings defaults = Settings.defaults();
        assertThat(DeliverySettings.checked(defaults)).isSameAs(defaults);
        assertThat(DeliverySettings.sendLimit(defaults)).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void aRequestTimeoutOfZeroNamesItsKey() {
        Settings d = Settings.defaults();
        assertThatThrownBy(
                        () ->
                                DeliverySettings.checked(
                                        new Settings(
                                                d.pollInterval(),
                                                d.maxAttempts(),
                                                d.backoffInitial(),
                                                d.backoffMax(),
                                                d.staleAfter(),
                                                Duration.ZERO,
                                                d.connectTimeout(),
                                                d.concurrency(),
                                                d.perEndpoint(),
                                                d.slackMinInterval())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "stride.notifier.delivery.request-timeout must be more than 0, was PT0S");
    }

    @Test
    void aConnectTimeoutOfZeroNamesItsKey() {
        Settings d = Settings.defaults();
        assertThatThrownBy(
                        () ->
                                DeliverySettings.checked(
                                        new Settings(
                                                d.pollInterval(),
                                                d.maxAttempts(),
                                                d.backoffInitial(),
                                                d.backoffMax(),
                                                d.staleAfter(),
                                                d.requestTimeout(),
                                                Duration.ZERO,
                                                d.concurrency(),
                                                d.perEndpoint(),
                                                d.slackMinInterval())))
                .hasMessage(
                        "stride.notifier.delivery.connect-timeout must be more than 0, was PT0S");
    }

    @Test
    void aNegativeConcurrencyNamesItsKey() {
        Settings d = Settings.defaults();
        assertThatThrownBy(
                        () ->
                                DeliverySettings.checked(
                                        new Settings(
                                                d.pollInterval(),
                                                d.maxAttempts(),
                                                d.backoffInitial(),
                                                d.backoffMax(),
                                                d.staleAfter(),
                                                d.requestTimeout(),
                                                d.connectTimeout(),
                                                -2,
                                                d.perEndpoint(),
                                                d.slackMinInterval())))
                .hasMessage("stride.notifier.delivery.concurrency must be at least 1, was -2");
    }

    @Test
    void aPerEndpointShareOfZeroNamesItsKey() {
        Settings d = Settings.defaults();
        assertThatThrownBy(
                        () ->
                                DeliverySettings.checked(
                                        new Settings(
                                                d.pollInterval(),
                                                d.maxAttempts(),
                                                d.backoffInitial(),
                                                d.backoffMax(),
                                                d.staleAfter(),
                                                d.requestTimeout(),
                                                d.connectTimeout(),
                                                d.concurrency(),
                                                0,
                                                d.slackMinInterval())))
                .hasMessage("stride.notifier.delivery.per-endpoint must be at least 1, was 0");
    }

    @Test
    void aStaleAfterShorterThanASendNamesTheKeys() {
        Settings d = Settings.defaults();
        assertThatThrownBy(
                        () ->
                                DeliverySettings.checked(
                                        new Settings(
                                                d.pollInterval(),
                                                d.maxAttempts(),
                                                d.backoffInitial(),
                                                d.backoffMax(),
                                                Duration.ofSeconds(30),
                                                d.requestTimeout(),
                                                d.connectTimeout(),
                                                d.concurrency(),
                                                d.perEndpoint(),
                                                d.slackMinInterval())))
                .hasMessageStartingWith(
                        "stride.notifier.delivery.stale-after (PT30S) must be at least three times "
                                + "stride.notifier.delivery.connect-timeout + stride.notifier.delivery.request-timeout");
    }
}
