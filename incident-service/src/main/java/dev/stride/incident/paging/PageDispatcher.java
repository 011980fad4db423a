package dev.stride.incident.paging;

import dev.stride.incident.record.IncidentStore;
import dev.stride.kit.runtime.PeriodicJob;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sends queued pages to the pager on a timer, outside any Kafka handler: a slow or failing pager delays pages,
 * never the consumers, so incidents open and rollbacks are requested whatever PagerDuty does. Pages are sent side by
 * side, at most {@code stride.incident.pages.concurrency} at once, each on its own: one that hangs until its timeout
 * holds one slot, and another incident's page goes out meanwhile (one incident's pages still go in order: none is
 * claimed while an earlier one is pending). A transient failure (timeout, 429, 5xx) is tried again with exponential
 * back-off up to {@code stride.incident.pages.max-tries}, as a row due later, never a waiting thread; a refusal (400:
 * bad routing key, bad document) fails the page at once. Each outcome lands in the incident's timeline. A run claims
 * only as many pages as there are free slots and sends them at once, renews a page's lease just before sending it,
 * and records an outcome only while its claim (the try number) is current, so a page is not sent twice by two
 * dispatchers (replicas) and one incident's pages reach the pager in order.
 */
@ApplicationScoped
public class PageDispatcher {

    private static final Logger LOG = Logger.getLogger(PageDispatcher.class);
    private static final String ACTOR = "incident-service";

    /** A run only claims and starts sends; this is far more than it needs. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(1);

    private final Pool pool;
    private final PageStore pages;
    private final IncidentStore incidents;
    private final Pager pager;
    private final Duration lease;
    private final Duration retryBase;
    private final Duration retryMax;
    private final int maxTries;
    private final int concurrency;
    private final Duration sendLimit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final PeriodicJob job;

    public PageDispatcher(
            Pool pool,
            PageStore pages,
            IncidentStore incidents,
            Pager pager,
            Vertx vertx,
            @ConfigProperty(name = "stride.incident.pages.poll-interval", defaultValue = "1s")
                    Duration interval,
            @ConfigProperty(name = "stride.incident.pages.lease", defaultValue = "30s")
                    Duration lease,
            @ConfigProperty(name = "stride.incident.pages.retry-base", defaultValue = "1s")
                    Duration retryBase,
            @ConfigProperty(name = "stride.incident.pages.retry-max", defaultValue = "5m")
                    Duration retryMax,
            @ConfigProperty(name = "stride.incident.pages.max-tries", defaultValue = "20")
                    int maxTries,
            @ConfigProperty(name = "stride.incident.pages.concurrency", defaultValue = "4")
                    int concurrency,
            @ConfigProperty(name = "stride.incident.pagerduty.timeout", defaultValue = "5s")
                    Duration pagerTimeout,
            @ConfigProperty(name = "stride.incident.pagerduty.connect-timeout", defaultValue = "2s")
                    Duration pagerConnectTimeout) {
        this.sendLimit =
                checked(
                        interval,
                        lease,
                        retryBase,
                        retryMax,
                        maxTries,
                        concurrency,
                        pagerTimeout,
                        pagerConnectTimeout);
        this.pool = pool;
        this.pages = pages;
        this.incidents = incidents;
        this.pager = pager;
        this.lease = lease;
        this.retryBase = retryBase;
        this.retryMax = retryMax;
        this.maxTries = maxTries;
        this.concurrency = concurrency;
        this.job = new PeriodicJob("Sending pages", vertx, interval, RUN_TIMEOUT, this::run);
    }

    /**
     * Checks the paging settings, so a value that cannot work stops the start with a message naming its key; returns
     * the longest a send may take (connect, then the answer) before it is given up as timed out.
     */
    static Duration checked(
            Duration interval,
            Duration lease,
            Duration retryBase,
            Duration retryMax,
            int maxTries,
            int concurrency,
            Duration pagerTimeout,
            Duration pagerConnectTimeout) {
        positive("stride.incident.pages.poll-interval", interval);
        positive("stride.incident.pages.lease", lease);
        positive("stride.incident.pages.retry-base", retryBase);
        positive("stride.incident.pages.retry-max", retryMax);
        positive("stride.incident.pagerduty.timeout", pagerTimeout);
        positive("stride.incident.pagerduty.connect-timeout", pagerConnectTimeout);
        if (maxTries < 1) {
            throw new IllegalStateException(
                    "stride.incident.pages.max-tries must be at least 1, was " + maxTries);
        }
        if (concurrency < 1) {
            throw new IllegalStateException(
                    "stride.incident.pages.concurrency must be at least 1, was " + concurrency);
        }
        Duration send = pagerConnectTimeout.plus(pagerTimeout);
        if (lease.compareTo(send.multipliedBy(3)) < 0) {
            // A send (connect, then answer) must end well inside the lease renewed before it.
            throw new IllegalStateException(
                    "stride.incident.pages.lease ("
                            + lease
                            + ") must be at least three times "
                            + "stride.incident.pagerduty.connect-timeout + stride.incident.pagerduty.timeout ("
                            + send
                            + ")");
        }
        return send.multipliedBy(2);
    }

    private static void positive(String key, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalStateException(key + " must be more than 0, was " + value);
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (!pager.isConfigured()) {
            LOG.warn(
                    "No pager routing key configured (stride.incident.pagerduty.routing-key): P0/P1 incidents are "
                            + "recorded and announced, but nobody is paged");
        }
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts sending (at start-up; a test starts a second dispatcher to play another replica). */
    public void start() {
        job.start();
    }

    public void stop() {
        job.stop();
    }

    /** A page was queued: send it now rather than at the next tick. */
    public void wake() {
        job.runNow();
    }

    /** Claims as many due pages as there are free slots and starts sending each; true if it may find more. */
    private Uni<Boolean> run() {
        int free = concurrency - inFlight.get();
        if (free <= 0) {
            return Uni.createFrom().item(false);
        }
        return pages.claim(free, lease)
                .map(
                        claimed -> {
                            inFlight.addAndGet(claimed.size());
                            claimed.forEach(this::start);
                            return claimed.size() == free;
                        });
    }

    /** Sends one claimed page on its own; its slot is given back whatever happens, and the next run starts. */
    private void start(Page page) {
        send(page)
                .onTermination()
                .invoke(
                        () -> {
                            inFlight.decrementAndGet();
                            job.runNow();
                        })
                .subscribe()
                .with(done -> {}, e -> LOG.warnf("Page %d: %s", page.id(), e.toString()));
    }

    private Uni<Void> send(Page page) {
        Uni<Void> outcome;
        if (!pager.isConfigured()) {
            outcome = settle(page, "SKIPPED", "page-skipped", "no pager routing key configured");
        } else {
            outcome =
                    pages.renew(page.id(), page.tries(), lease)
                            .flatMap(
                                    ours ->
                                            !ours
                                                    ? Uni.createFrom().voidItem()
                                                    // Only the pager's answer decides the page: a
                                                    // failure to record it is not the pager's.
                                                    : Uni.createFrom()
                                                            .deferred(() -> pager.send(page))
                                                            // The pager's own deadlines end a call
                                                            // first; this bounds the whole send
                                                            // regardless.
                                                            .ifNoItem()
                                                            .after(sendLimit)
                                                            .failWith(
                                                                    () ->
                                                                            new PagerException(
                                                                                    "the pager did not finish "
                                                                                            + "within "
                                                                                            + sendLimit
                                                                                                    .toMillis()
                                                                                            + " ms",
                                                                                    true))
                                                            .map(ok -> (Throwable) null)
                                                            .onFailure()
                                                            .recoverWithItem(failure -> failure)
                                                            .flatMap(
                                                                    failure ->
                                                                            failure == null
                                                                                    ? settle(
                                                                                            page,
                                                                                            "SENT",
                                                                                            "page-"
                                                                                                    + page.action()
                                                                                                            .wireName()
                                                                                                    + "-sent",
                                                                                            page.action()
                                                                                                            .wireName()
                                                                                                    + " sent to the pager (dedup key "
                                                                                                    + page
                                                                                                            .dedupKey()
                                                                                                    + ")")
                                                                                    : failed(
                                                                                            page,
                                                                                            failure)));
        }
        // The store being unreachable leaves the page PENDING: it falls due again when its lease
        // ends.
        return outcome.onFailure()
                .invoke(
                        e ->
                                LOG.warnf(
                                        "Page %d (%s of incident %s): could not record the outcome: "
                                                + "%s",
                                        page.id(),
                                        page.action().wireName(),
                                        page.incidentId(),
                                        e.toString()))
                .onFailure()
                .recoverWithItem((Void) null);
    }

    private Uni<Void> failed(Page page, Throwable failure) {
        boolean again =
                failure instanceof PagerException p && p.isTransient() && page.tries() < maxTries;
        String reason =
                failure instanceof PagerException
                        ? failure.getMessage()
                        : failure.getClass().getSimpleName();
        if (again) {
            Duration delay = backOff(page.tries());
            LOG.warnf(
                    "Page %d (%s of incident %s) failed, retrying in %s: %s",
                    page.id(), page.action().wireName(), page.incidentId(), delay, reason);
            return pages.retryLater(page.id(), page.tries(), reason, delay);
        }
        LOG.errorf(
                "Page %d (%s of incident %s) failed for good after %d tries: %s",
                page.id(), page.action().wireName(), page.incidentId(), page.tries(), reason);
        return settle(
                page, "FAILED", "page-failed", page.action().wireName() + " failed: " + reason);
    }

    private Uni<Void> settle(Page page, String status, String kind, String detail) {
        return pool.withTransaction(
                tx ->
                        pages.settle(
                                        tx,
                                        page.id(),
                                        page.tries(),
                                        status,
                                        "SENT".equals(status) ? null : detail)
                                .flatMap(
                                        ended ->
                                                ended
                                                        ? incidents.log(
                                                                tx,
                                                                page.incidentId(),
                                                                kind,
                                                                ACTOR,
                                                                detail)
                                                        : Uni.createFrom().voidItem()));
    }

    Duration backOff(int tries) {
        long millis = retryBase.toMillis() << Math.min(Math.max(tries - 1, 0), 20);
        return Duration.ofMillis(Math.min(millis, retryMax.toMillis()));
    }
}
