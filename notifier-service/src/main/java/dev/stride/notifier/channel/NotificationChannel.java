package dev.stride.notifier.channel;

import io.smallrye.mutiny.Uni;

/**
 * One place people are told (a Slack webhook, a Statuspage page, a webhook receiver): sends one delivery. It emits
 * what happened (sent, or skipped with the reason) or fails with {@link DeliveryFailure}, which says whether trying
 * again can help and how long to wait. Called again for the same delivery only after a failure.
 */
public interface NotificationChannel {

    Uni<Sent> send(Delivery delivery);
}
