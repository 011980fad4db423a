package dev.stride.notifier.delivery;

import dev.stride.kit.runtime.PeriodicJob;
import dev.stride.notifier.channel.Channels;
import dev.stride.notifier.channel.Delivery;
import dev.stride.notifier.channel.DeliveryFailure;
import dev.stride.notifier.channel.Secrets;
import dev.stride.notifier.channel.Sent;
import dev.stride.notifier.routing.NotifierConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.jboss.logging.Logger;

/**
 * Sends the delivery log's pending rows, one {@link PeriodicJob} per channel (Vert.x timers, no thread each), so a
 * channel that is slow, rate-limited or down holds up only itself. Each channel keeps its pace (Slack: about one
 * message a second per webhook) and, after a 429, pauses as long as Retry-After says (at most {@code backoff-max}
 * or a minute, whichever is longer):
 * nothing is claimed while a channel waits, so a claimed row is sent at once. A claim is renewed just before its
 * send, and every outcome is written only while the claim is still the row's current one, so a sender that was
 * too slow (its row taken up again as stale) never overwrites the other's outcome and never sends it a second time.
 * A failure is retried with exponential backoff and jitter until {@code max-attempts}; one that cannot succeed (4xx)
 * fails at once. Errors are masked before they are logged or stored.
 */
@ApplicationScoped
public class DeliverySender {

    private static final Logger LOG = Logger.getLogger(DeliverySender.class);
    private static final int BATCH = 10;
    private static final Duration RETRY_AFTER_FLOOR = Duration.ofMinutes(1);

    private final DeliveryStore store;
    private final Channels channels;
    private final Secrets secrets;
    private final NotifierConfig.Delivery settings;
    private final Backoff backoff;
    private final Map<String, ChannelSender> senders = new LinkedHashMap<>();

    public DeliverySender(DeliveryStore store, Channels channels, NotifierConfig config, Vertx vertx) {
        this.store = store;
        this.channels = channels;
        this.secrets = channels.secrets();
        this.settings = config.delivery();
        this.backoff = new Backoff(settings.backoffInitial(), settings.backoffMax(), new Random());
        if (settings.staleAfter().compareTo(settings.requestTimeout().multipliedBy(3)) < 0) {
            // A send (connect, then answer: up to two request timeouts) must end well before its row counts as stale.
            throw new IllegalStateException("stride.notifier.delivery.stale-after (" + settings.staleAfter()
                    + ") must be at least three times stride.notifier.delivery.request-timeout ("
                    + settings.requestTimeout() + ")");
        }
        channels.names().forEach(name -> senders.put(name, new ChannelSender(channels.get(name).orElseThrow(), vertx)));
    }

    void start(@Observes StartupEvent event) {
        senders.values().forEach(s -> s.job.start());
    }

    void stop(@Observes ShutdownEvent event) {
        senders.values().forEach(s -> s.job.stop());
    }

    /** Deliveries were just recorded for these channels: start on them now rather than at the next tick. */
    public void wake(Collection<String> channelNames) {
        channelNames.forEach(name -> {
            ChannelSender sender = senders.get(name);
            if (sender != null) {
                sender.job.runNow();
            }
        });
    }

    /**
     * How many deliveries one run claims: as many as can be sent, each within two request timeouts (connecting,
     * then the answer), in half of {@code stale-after}; the rest of a run's rows are renewed before each send anyway.
     */
    static int batchFor(Duration staleAfter, Duration requestTimeout) {
        long fits = staleAfter.toMillis() / 2 / Math.max(1, requestTimeout.multipliedBy(2).toMillis());
        return (int) Math.max(1, Math.min(BATCH, fits));
    }

    /** One channel's sender; its pace lives here (per replica: N replicas may send N messages per interval). */
    private final class ChannelSender {
        private final Channels.Configured channel;
        private final PeriodicJob job;
        private volatile Instant notBefore = Instant.EPOCH;

        ChannelSender(Channels.Configured channel, Vertx vertx) {
            this.channel = channel;
            // A paced channel takes one delivery at a time, so none waits SENDING for its turn.
            int batch = channel.minInterval().isZero() ? batchFor(settings.staleAfter(), settings.requestTimeout())
                    : 1;
            // Nothing is claimed while the channel's pace or a Retry-After says to wait: a claimed row never waits.
            this.job = new PeriodicJob("Delivering to " + channel.name(), vertx, settings.pollInterval(),
                    Duration.ofMinutes(10), () -> Instant.now().isBefore(notBefore) ? Uni.createFrom().item(false)
                            : store.claim(channel.name(), batch, settings.staleAfter())
                            .flatMap(claimed -> Multi.createFrom().iterable(claimed)
                                    .onItem().transformToUniAndConcatenate(this::deliver)
                                    .collect().asList()
                                    .map(done -> claimed.size() == batch)));
        }

        private Uni<Void> deliver(Delivery delivery) {
            Uni<Void> outcome;
            if (Instant.now().isBefore(notBefore)) {
                // A Retry-After came in while this row waited in the batch: give it back untried.
                outcome = store.release(delivery.id(), delivery.attempt(), notBefore);
            } else {
                outcome = store.renew(delivery.id(), delivery.attempt()).flatMap(ours -> !ours
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom().deferred(() -> channel.channel().send(delivery))
                                .onItemOrFailure().transformToUni((sent, failure) -> failure == null
                                        ? done(delivery, sent)
                                        : failed(delivery, failure)));
            }
            // The store being unreachable leaves the row SENDING; it is taken up again when stale.
            return outcome.onFailure().invoke(e -> LOG.warnf("Delivery %d to %s: could not record the outcome: %s",
                            delivery.id(), channel.name(), secrets.mask(e.toString())))
                    .onFailure().recoverWithItem((Void) null);
        }

        private Uni<Void> done(Delivery delivery, Sent sent) {
            if (sent.skipped()) {
                return store.skipped(delivery.id(), delivery.attempt(), secrets.mask(sent.detail()));
            }
            notBefore = Instant.now().plus(channel.minInterval());
            return store.sent(delivery.id(), delivery.attempt(), secrets.mask(sent.detail()));
        }

        private Uni<Void> failed(Delivery delivery, Throwable failure) {
            notBefore = Instant.now().plus(channel.minInterval());
            DeliveryFailure f = failure instanceof DeliveryFailure known ? known
                    : DeliveryFailure.transientFailure(channel.name() + ": " + failure);
            String error = secrets.mask(f.getMessage());
            // A Retry-After pauses the channel (nothing claimed meanwhile), at most backoff-max or a minute.
            Duration longest = settings.backoffMax().compareTo(RETRY_AFTER_FLOOR) > 0 ? settings.backoffMax()
                    : RETRY_AFTER_FLOOR;
            Duration retryAfter = f.retryAfter() == null ? null
                    : f.retryAfter().compareTo(longest) > 0 ? longest : f.retryAfter();
            if (retryAfter != null) {
                Instant asked = Instant.now().plus(retryAfter);
                notBefore = asked.isAfter(notBefore) ? asked : notBefore;
            }
            if (!f.retryable() || delivery.attempt() >= settings.maxAttempts()) {
                LOG.warnf("Delivery %d (%s) to %s failed after %d attempt(s), giving up: %s", delivery.id(),
                        delivery.eventType(), channel.name(), delivery.attempt(), error);
                return store.failed(delivery.id(), delivery.attempt(), error);
            }
            Duration delay = backoff.after(delivery.attempt());
            if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
                delay = retryAfter;
            }
            LOG.infof("Delivery %d (%s) to %s failed (attempt %d), retrying in %d ms: %s", delivery.id(),
                    delivery.eventType(), channel.name(), delivery.attempt(), delay.toMillis(), error);
            return store.retryAt(delivery.id(), delivery.attempt(), error, Instant.now().plus(delay));
        }
    }
}
