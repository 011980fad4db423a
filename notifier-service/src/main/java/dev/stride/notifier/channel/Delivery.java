package dev.stride.notifier.channel;

import dev.stride.notifier.notice.Notice;
import java.util.UUID;

/**
 * One event to one channel, as the delivery log holds it: the notice (absent for events that make no message, which
 * only webhooks receive) and the CloudEvent's JSON as it arrived. {@code attempt} counts from 1.
 */
public record Delivery(
        long id,
        UUID eventId,
        String eventType,
        UUID deploymentId,
        String channel,
        Notice notice,
        String event,
        int attempt) {}
