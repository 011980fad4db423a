package dev.stride.notifier.channel;

import java.time.Duration;

/**
 * A delivery that did not go through. {@code retryable}: a later attempt may succeed (5xx, 408, 429, the network);
 * otherwise (other 4xx, a channel misconfigured) it is given up at once. {@code retryAfter}: how long the receiver
 * asked us to wait (Slack's 429 {@code Retry-After}), or null. The message must not carry a secret: channels say
 * what failed in their own words, and the sender masks whatever else slips in.
 */
public class DeliveryFailure extends RuntimeException {

    private final boolean retryable;
    private final transient Duration retryAfter;

    public DeliveryFailure(String message, boolean retryable, Duration retryAfter) {
        super(message, null, false, false);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public static DeliveryFailure permanent(String message) {
        return new DeliveryFailure(message, false, null);
    }

    public static DeliveryFailure transientFailure(String message) {
        return new DeliveryFailure(message, true, null);
    }

    public boolean retryable() {
        return retryable;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
