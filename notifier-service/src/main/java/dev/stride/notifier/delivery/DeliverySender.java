package dev.stride.notifier.delivery;

import dev.stride.kit.runtime.Bulkhead;
import dev.stride.kit.runtime.PeriodicJob;
import dev.stride.notifier.channel.Channels;
import dev.stride.notifier.channel.Delivery;
import dev.stride.notifier.channel.DeliveryFailure;
import dev.stride.notifier.channel.Secrets;
import dev.stride.notifier.channel.Sent;
import dev.stride.notifier.config.DeliverySettings;
import dev.stride.notifier.config.NotifierConfig;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends the delivery log's pending rows, one {@link PeriodicJob} per channel (Vert.x timers, no thread each). Every
 * delivery is sent on its own, none waits for another's answer: a run takes free slots from a {@link Bulkhead} (at
 * most {@code concurrency} in flight, at most {@code per-endpoint} to one host:port), claims as many due rows as it
 * got slots, and starts them all at once. So an endpoint that does not answer holds only its own slots until its
 * calls time out (connect and request timeouts on every call), and the other endpoints' deliveries go out meanwhile.
 * Each channel keeps its pace (Slack: about one message a second per webhook, one delivery in flight) and, after a
 * 429, pauses as long as Retry-After says (at most {@code backoff-max} or a minute, whichever is longer): nothing is
 * claimed while a channel waits, so a claimed row is sent at once. A claim is renewed just before its send, and every
 * outcome is written only while the claim is still the row's current one, so a sender that was too slow (its row
 * taken up again as stale, by this replica or another) never overwrites the other's outcome and never sends it a
 * second time. A failure is retried with exponential backoff and jitter until {@code max-attempts} (the row waits as
 * PENDING with its next attempt time, no thread waits); one that cannot succeed (4xx) fails at once. Errors are
 * masked before they are logged or stored.
 */
@ApplicationScoped
public class DeliverySender {

    private static final Logger LOG = Logger.getLogger(DeliverySender.class);
    private static final Duration RETRY_AFTER_FLOOR = Duration.ofMinutes(1);

    /** A run only claims and starts sends; this is far more than it needs. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(1);

    private final DeliveryStore store;
    private final Secrets secrets;
    private final NotifierConfig.Delivery settings;
    private final Backoff backoff;
    private final Bulkhead bulkhead;
    private final Duration sendLimit;
    private final Map<String, ChannelSender> senders = new LinkedHashMap<>();

    public DeliverySender(
            DeliveryStore store, Channels channels, NotifierConfig config, Vertx vertx) {
        this.store = store;
        this.secrets = channels.secrets();
        this.settings = DeliverySettings.checked(config.delivery());
        this.backoff = new Backoff(settings.backoffInitial(), settings.backoffMax(), new Random());
        this.bulkhead = new Bulkhead(settings.concurrency(), settings.perEndpoint());
        this.sendLimit = DeliverySettings.sendLimit(settings);
        channels.names()
                .forEach(
                        name ->
                                senders.put(
                                        name,
                                        new ChannelSender(
                                                channels.get(name).orElseThrow(), vertx)));
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts every channel's sender (at start-up; a test starts a second sender to play another replica). */
    public void start() {
        senders.values().forEach(s -> s.job.start());
    }

    public void stop() {
        senders.values().forEach(s -> s.job.stop());
    }

    /** Deliveries were just recorded for these channels: start on them now rather than at the next tick. */
    public void wake(Collection<String> channelNames) {
        channelNames.forEach(
                name -> {
                    ChannelSender sender = senders.get(name);
                    if (sender != null) {
                        sender.job.runNow();
                    }
                });
    }

    /** A slot came free: channels that found none last time look again now rather than at their next tick. */
    private void slotFreed() {
        senders.values()
                .forEach(
                        s -> {
                            if (s.starved) {
                                s.job.runNow();
                            }
                        });
    }

    /** One channel's sender; its pace lives here (per replica: N replicas may send N messages per interval). */
    private final class ChannelSender {
        private final Channels.Configured channel;
        private final PeriodicJob job;

        /** Deliveries of this channel in flight at most: one for a paced channel, so none waits for its turn. */
        private final int limit;

        private final AtomicInteger inFlight = new AtomicInteger();

        /** The last run found the bulkhead full for this channel's endpoint (or in all). */
        private volatile boolean starved;

        private volatile Instant notBefore = Instant.EPOCH;

        ChannelSender(Channels.Configured channel, Vertx vertx) {
            this.channel = channel;
            this.limit = channel.minInterval().isZero() ? settings.perEndpoint() : 1;
            this.job =
                    new PeriodicJob(
                            "Delivering to " + channel.name(),
                            vertx,
                            settings.pollInterval(),
                            RUN_TIMEOUT,
                            this::run);
        }

        /** Claims as many due rows as there are free slots and starts sending each; true if it may find more. */
        private Uni<Boolean> run() {
            // Nothing is claimed while the channel's pace or a Retry-After says to wait: a claimed
            // row never waits.
            if (Instant.now().isBefore(notBefore)) {
                return Uni.createFrom().item(false);
            }
            int wanted = limit - inFlight.get();
            if (wanted <= 0) {
                return Uni.createFrom().item(false);
            }
            // Slots are taken for rows actually claimed, not before: a channel with nothing to send
            // must not hold
            // slots (even for the length of a query) that a busy channel on the same endpoint
            // needs.
            int free = bulkhead.free(channel.endpoint(), wanted);
            starved = free < wanted;
            if (free == 0) {
                return Uni.createFrom().item(false);
            }
            return store.claim(channel.name(), free, settings.staleAfter())
                    .flatMap(
                            claimed -> {
                                int granted = bulkhead.take(channel.endpoint(), claimed.size());
                                inFlight.addAndGet(granted);
                                claimed.subList(0, granted).forEach(this::start);
                                if (granted == claimed.size()) {
                                    return Uni.createFrom().item(claimed.size() == free);
                                }
                                // Another channel took the slots meanwhile: the rest go back
                                // untried, due at once.
                                starved = true;
                                Instant now = Instant.now();
                                return Multi.createFrom()
                                        .iterable(claimed.subList(granted, claimed.size()))
                                        .onItem()
                                        .transformToUniAndConcatenate(
                                                d -> store.release(d.id(), d.attempt(), now))
                                        .collect()
                                        .asList()
                                        .replaceWith(false);
                            });
        }

        /** Sends one claimed delivery on its own; its slot is given back whatever happens. */
        private void start(Delivery delivery) {
            deliver(delivery)
                    .onTermination()
                    .invoke(
                            () -> {
                                giveBack(1);
                                // This channel may have more due; others may have waited for a
                                // slot.
                                job.runNow();
                                slotFreed();
                            })
                    .subscribe()
                    .with(
                            done -> {},
                            e ->
                                    LOG.warnf(
                                            "Delivery %d to %s: %s",
                                            delivery.id(),
                                            channel.name(),
                                            secrets.mask(e.toString())));
        }

        private void giveBack(int slots) {
            if (slots > 0) {
                inFlight.addAndGet(-slots);
                bulkhead.give(channel.endpoint(), slots);
            }
        }

        private Uni<Void> deliver(Delivery delivery) {
            Uni<Void> outcome;
            if (Instant.now().isBefore(notBefore)) {
                // A Retry-After came in (on another row of this channel) since this row was
                // claimed: give it back.
                outcome = store.release(delivery.id(), delivery.attempt(), notBefore);
            } else {
                outcome =
                        store.renew(delivery.id(), delivery.attempt())
                                .flatMap(
                                        ours ->
                                                !ours
                                                        ? Uni.createFrom().voidItem()
                                                        : Uni.createFrom()
                                                                .deferred(
                                                                        () ->
                                                                                channel.channel()
                                                                                        .send(
                                                                                                delivery))
                                                                // Every HTTP call has its own
                                                                // deadlines; this one bounds the
                                                                // whole send (a status-page
                                                                // update makes up to three calls)
                                                                // well inside stale-after, so the
                                                                // slot always returns.
                                                                .ifNoItem()
                                                                .after(sendLimit)
                                                                .failWith(
                                                                        () ->
                                                                                DeliveryFailure
                                                                                        .transientFailure(
                                                                                                channel
                                                                                                                .name()
                                                                                                        + ": "
                                                                                                        + channel
                                                                                                                .endpoint()
                                                                                                        + " did not finish the delivery "
                                                                                                        + "within "
                                                                                                        + sendLimit
                                                                                                                .toMillis()
                                                                                                        + " ms"))
                                                                .onItemOrFailure()
                                                                .transformToUni(
                                                                        (sent, failure) ->
                                                                                failure == null
                                                                                        ? done(
                                                                                                delivery,
                                                                                                sent)
                                                                                        : failed(
                                                                                                delivery,
                                                                                                failure)));
            }
            // The store being unreachable leaves the row SENDING; it is taken up again when stale.
            return outcome.onFailure()
                    .invoke(
                            e ->
                                    LOG.warnf(
                                            "Delivery %d to %s: could not record the outcome: %s",
                                            delivery.id(),
                                            channel.name(),
                                            secrets.mask(e.toString())))
                    .onFailure()
                    .recoverWithItem((Void) null);
        }

        private Uni<Void> done(Delivery delivery, Sent sent) {
            if (sent.skipped()) {
                return store.skipped(
                        delivery.id(), delivery.attempt(), secrets.mask(sent.detail()));
            }
            notBefore = Instant.now().plus(channel.minInterval());
            return store.sent(delivery.id(), delivery.attempt(), secrets.mask(sent.detail()));
        }

        private Uni<Void> failed(Delivery delivery, Throwable failure) {
            notBefore = Instant.now().plus(channel.minInterval());
            DeliveryFailure f =
                    failure instanceof DeliveryFailure known
                            ? known
                            : DeliveryFailure.transientFailure(channel.name() + ": " + failure);
            String error = secrets.mask(f.getMessage());
            // A Retry-After pauses the channel (nothing claimed meanwhile), at most backoff-max or
            // a minute.
            Duration longest =
                    settings.backoffMax().compareTo(RETRY_AFTER_FLOOR) > 0
                            ? settings.backoffMax()
                            : RETRY_AFTER_FLOOR;
            Duration retryAfter =
                    f.retryAfter() == null
                            ? null
                            : f.retryAfter().compareTo(longest) > 0 ? longest : f.retryAfter();
            if (retryAfter != null) {
                Instant asked = Instant.now().plus(retryAfter);
                notBefore = asked.isAfter(notBefore) ? asked : notBefore;
            }
            if (!f.retryable() || delivery.attempt() >= settings.maxAttempts()) {
                LOG.warnf(
                        "Delivery %d (%s) to %s failed after %d attempt(s), giving up: %s",
                        delivery.id(),
                        delivery.eventType(),
                        channel.name(),
                        delivery.attempt(),
                        error);
                return store.failed(delivery.id(), delivery.attempt(), error);
            }
            Duration delay = backoff.after(delivery.attempt());
            if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
                delay = retryAfter;
            }
            LOG.infof(
                    "Delivery %d (%s) to %s failed (attempt %d), retrying in %d ms: %s",
                    delivery.id(),
                    delivery.eventType(),
                    channel.name(),
                    delivery.attempt(),
                    delay.toMillis(),
                    error);
            return store.retryAt(
                    delivery.id(), delivery.attempt(), error, Instant.now().plus(delay));
        }
    }
}
