package dev.stride.incident.paging;

import dev.stride.incident.record.IncidentStore;
import dev.stride.kit.runtime.PeriodicJob;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sends queued pages to the pager on a timer, outside any Kafka handler: a slow or failing pager delays pages,
 * never the consumers. A transient failure (timeout, 429, 5xx) is tried again with exponential back-off up to
 * {@code stride.incident.pages.max-tries}; a refusal (400: bad routing key, bad document) fails the page at once.
 * Each outcome lands in the incident's timeline. A run claims only as many pages as it can send within half the lease,
 * renews a page's lease just before sending it, and records an outcome only while its claim (the try number) is
 * current, so a page is not sent twice by two dispatchers and one incident's pages reach the pager in order.
 */
@ApplicationScoped
public class PageDispatcher {

    private static final Logger LOG = Logger.getLogger(PageDispatcher.class);
    private static final int BATCH = 20;
    private static final String ACTOR = "incident-service";

    private final Pool pool;
    private final PageStore pages;
    private final IncidentStore incidents;
    private final Pager pager;
    private final Duration lease;
    private final Duration retryBase;
    private final Duration retryMax;
    private final int maxTries;
    private final PeriodicJob job;

    public PageDispatcher(Pool pool, PageStore pages, IncidentStore incidents, Pager pager, Vertx vertx,
            @ConfigProperty(name = "stride.incident.pages.poll-interval", defaultValue = "1s") Duration interval,
            @ConfigProperty(name = "stride.incident.pages.lease", defaultValue = "30s") Duration lease,
            @ConfigProperty(name = "stride.incident.pages.retry-base", defaultValue = "1s") Duration retryBase,
            @ConfigProperty(name = "stride.incident.pages.retry-max", defaultValue = "5m") Duration retryMax,
            @ConfigProperty(name = "stride.incident.pages.max-tries", defaultValue = "20") int maxTries,
            @ConfigProperty(name = "stride.incident.pagerduty.timeout", defaultValue = "5s") Duration pagerTimeout) {
        if (lease.compareTo(pagerTimeout.multipliedBy(3)) < 0) {
            // A send (connect, then answer: up to two timeouts) must end well inside the lease renewed before it.
            throw new IllegalStateException("stride.incident.pages.lease (" + lease + ") must be at least three times "
                    + "stride.incident.pagerduty.timeout (" + pagerTimeout + ")");
        }
        this.pool = pool;
        this.pages = pages;
        this.incidents = incidents;
        this.pager = pager;
        this.lease = lease;
        this.retryBase = retryBase;
        this.retryMax = retryMax;
        this.maxTries = maxTries;
        int batch = batchFor(lease, pagerTimeout);
        this.job = new PeriodicJob("Sending pages", vertx, interval, lease,
                () -> pages.claim(batch, lease).flatMap(claimed -> Multi.createFrom().iterable(claimed)
                        .onItem().transformToUniAndConcatenate(this::send)
                        .collect().asList()
                        .map(done -> claimed.size() == batch)));
    }

    void start(@Observes StartupEvent event) {
        if (!pager.isConfigured()) {
            LOG.warn("No pager routing key configured (stride.incident.pagerduty.routing-key): P0/P1 incidents are "
                    + "recorded and announced, but nobody is paged");
        }
        job.start();
    }

    void stop(@Observes ShutdownEvent event) {
        job.stop();
    }

    /** A page was queued: send it now rather than at the next tick. */
    public void wake() {
        job.runNow();
    }

    /**
     * How many pages one run claims: as many as can be sent, each within two pager timeouts (connecting, then the
     * answer), in half the lease, so a run ends before its lease does (the lease is also renewed before each send).
     */
    static int batchFor(Duration lease, Duration pagerTimeout) {
        long fits = lease.toMillis() / 2 / Math.max(1, pagerTimeout.multipliedBy(2).toMillis());
        return (int) Math.max(1, Math.min(BATCH, fits));
    }

    private Uni<Void> send(Page page) {
        Uni<Void> outcome;
        if (!pager.isConfigured()) {
            outcome = settle(page, "SKIPPED", "page-skipped", "no pager routing key configured");
        } else {
            outcome = pages.renew(page.id(), page.tries(), lease).flatMap(ours -> !ours
                    ? Uni.createFrom().voidItem()
                    // Only the pager's answer decides the page: a failure to record it is not the pager's.
                    : pager.send(page).map(ok -> (Throwable) null).onFailure().recoverWithItem(failure -> failure)
                            .flatMap(failure -> failure == null
                                    ? settle(page, "SENT", "page-" + page.action().wireName() + "-sent",
                                            page.action().wireName() + " sent to the pager (dedup key "
                                                    + page.dedupKey() + ")")
                                    : failed(page, failure)));
        }
        // The store being unreachable leaves the page PENDING: it falls due again when its lease ends.
        return outcome.onFailure().invoke(e -> LOG.warnf("Page %d (%s of incident %s): could not record the outcome: "
                        + "%s", page.id(), page.action().wireName(), page.incidentId(), e.toString()))
                .onFailure().recoverWithItem((Void) null);
    }

    private Uni<Void> failed(Page page, Throwable failure) {
        boolean again = failure instanceof PagerException p && p.isTransient() && page.tries() < maxTries;
        String reason = failure instanceof PagerException ? failure.getMessage()
                : failure.getClass().getSimpleName();
        if (again) {
            Duration delay = backOff(page.tries());
            LOG.warnf("Page %d (%s of incident %s) failed, retrying in %s: %s", page.id(),
                    page.action().wireName(), page.incidentId(), delay, reason);
            return pages.retryLater(page.id(), page.tries(), reason, delay);
        }
        LOG.errorf("Page %d (%s of incident %s) failed for good after %d tries: %s", page.id(),
                page.action().wireName(), page.incidentId(), page.tries(), reason);
        return settle(page, "FAILED", "page-failed", page.action().wireName() + " failed: " + reason);
    }

    private Uni<Void> settle(Page page, String status, String kind, String detail) {
        return pool.withTransaction(tx -> pages.settle(tx, page.id(), page.tries(), status,
                        "SENT".equals(status) ? null : detail)
                .flatMap(ended -> ended ? incidents.log(tx, page.incidentId(), kind, ACTOR, detail)
                        : Uni.createFrom().voidItem()));
    }

    Duration backOff(int tries) {
        long millis = retryBase.toMillis() << Math.min(Math.max(tries - 1, 0), 20);
        return Duration.ofMillis(Math.min(millis, retryMax.toMillis()));
    }
}
