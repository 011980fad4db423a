package dev.stride.notifier.delivery;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One row of the delivery log as the API shows it: channel by name (never its URL), status, attempts, the last
 * error and what was done, masked.
 */
public record DeliveryView(
        long id,
        UUID eventId,
        String eventType,
        String channel,
        String route,
        String kind,
        String status,
        int attempts,
        String lastError,
        String detail,
        OffsetDateTime createdAt,
        OffsetDateTime nextAttemptAt,
        OffsetDateTime finishedAt) {}
