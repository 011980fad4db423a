package dev.stride.notifier.config;

import java.time.Duration;

/**
 * Checks {@code stride.notifier.delivery.*} before anything is built from it, so a value that cannot work stops the
 * start with a message naming its key: a timeout of 0 would be no deadline at all (or a library's own exception
 * naming no key), a concurrency below 1 would send nothing.
 */
public final class DeliverySettings {

    private static final String PREFIX = "stride.notifier.delivery.";

    private DeliverySettings() {}

    /** {@code delivery} if every value can work; else an {@link IllegalStateException} that names the key. */
    public static NotifierConfig.Delivery checked(NotifierConfig.Delivery delivery) {
        positive("poll-interval", delivery.pollInterval());
        positive("backoff-initial", delivery.backoffInitial());
        positive("backoff-max", delivery.backoffMax());
        positive("stale-after", delivery.staleAfter());
        positive("request-timeout", delivery.requestTimeout());
        positive("connect-timeout", delivery.connectTimeout());
        if (delivery.slackMinInterval().isNegative()) {
            throw new IllegalStateException(
                    PREFIX
                            + "slack-min-interval must not be negative, was "
                            + delivery.slackMinInterval());
        }
        atLeastOne("max-attempts", delivery.maxAttempts());
        atLeastOne("concurrency", delivery.concurrency());
        atLeastOne("per-endpoint", delivery.perEndpoint());
        // A send (connect, then the answer; a status-page update may take a lookup and a create)
        // must end well
        // before its row counts as stale and another sender takes it up.
        Duration send = sendLimit(delivery);
        if (delivery.staleAfter().compareTo(send) < 0) {
            throw new IllegalStateException(
                    PREFIX
                            + "stale-after ("
                            + delivery.staleAfter()
                            + ") must be at least "
                            + "three times "
                            + PREFIX
                            + "connect-timeout + "
                            + PREFIX
                            + "request-timeout ("
                            + send
                            + ")");
        }
        return delivery;
    }

    /** The longest one delivery may take, all its HTTP calls included, before it is abandoned as timed out. */
    public static Duration sendLimit(NotifierConfig.Delivery delivery) {
        return delivery.connectTimeout().plus(delivery.requestTimeout()).multipliedBy(3);
    }

    private static void positive(String key, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalStateException(PREFIX + key + " must be more than 0, was " + value);
        }
    }

    private static void atLeastOne(String key, int value) {
        if (value < 1) {
            throw new IllegalStateException(PREFIX + key + " must be at least 1, was " + value);
        }
    }
}
