package dev.stride.notifier.channel;

import dev.stride.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Optional;

/**
 * One place people are told (a Slack webhook, a Statuspage page, a webhook receiver): sends one delivery. It emits
 * what happened (sent, or skipped with the reason) or fails with {@link DeliveryFailure}, which says whether trying
 * again can help and how long to wait. Called again for the same delivery only after a failure.
 *
 * <p>Besides sending, a channel says what it carries, how it is paced when its configuration names no pace, and
 * whether a test message may go to it, so that nothing outside the channel's own package asks which kind it is.
 * Channels are made by their package's {@link ChannelFactory}.
 */
public interface NotificationChannel {

    Uni<Sent> send(Delivery delivery);

    /**
     * Whether an event reaches this channel at all (no delivery-log row otherwise). {@code notice}: the message the
     * event makes, empty if it makes none (a webhook still carries the event itself).
     */
    boolean carries(Optional<Notice> notice);

    /** The {@code host:port} its calls go to, which channels on one host share (the bulkhead's endpoint). */
    String endpoint();

    /** Least time between two messages when {@code stride.notifier.channels.<name>.min-interval} is absent. */
    default Duration defaultMinInterval() {
        return Duration.ZERO;
    }

    /** Why a test message ({@code POST /api/v1/notifications/test}) must not go here; empty if it may. */
    default Optional<String> notTestedBecause() {
        return Optional.empty();
    }
}
