package dev.stride.incident.paging;

import dev.stride.events.Severity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for pages: queued with the incident change that calls for them, claimed and settled by the dispatcher. */
@ApplicationScoped
public class PageStore {

    private final Pool pool;

    public PageStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> enqueue(SqlClient tx, UUID incidentId, Page.Action action) {
        return tx.preparedQuery("INSERT INTO page (incident_id, action) VALUES ($1, $2)")
                .execute(Tuple.of(incidentId, action.name()))
                .replaceWithVoid();
    }

    /**
     * Claims up to {@code limit} due pages for {@code lease}: a dispatcher that dies holding one lets it fall due
     * again when the lease ends. One incident's pages go in order (a resolve never overtakes its trigger).
     */
    public Uni<List<Page>> claim(int limit, Duration lease) {
        return pool.withTransaction(
                tx ->
                        tx.preparedQuery(
                                        "UPDATE page p SET tries = p.tries + 1, next_attempt_at = now() + make_interval(secs => $2) "
                                                + "FROM incident i WHERE i.id = p.incident_id AND p.id IN (SELECT o.id FROM page o "
                                                + "WHERE o.status = 'PENDING' AND o.next_attempt_at <= now() AND NOT EXISTS (SELECT 1 "
                                                + "FROM page e WHERE e.incident_id = o.incident_id AND e.id < o.id AND e.status = 'PENDING') "
                                                + "ORDER BY o.id LIMIT $1 FOR UPDATE SKIP LOCKED) "
                                                + "RETURNING p.id, p.action, p.tries, i.id AS incident_id, i.deployment_id, i.severity, "
                                                + "i.title, i.application, i.environment, i.cause, i.rule")
                                .execute(Tuple.of(limit, (double) lease.toMillis() / 1000))
                                .map(
                                        rows -> {
                                            List<Page> pages = new ArrayList<>();
                                            rows.forEach(
                                                    r ->
                                                            pages.add(
                                                                    new Page(
                                                                            r.getLong("id"),
                                                                            Page.Action.valueOf(
                                                                                    r.getString(
                                                                                            "action")),
                                                                            r.getUUID(
                                                                                    "incident_id"),
                                                                            r.getUUID(
                                                                                    "deployment_id"),
                                                                            Severity.valueOf(
                                                                                    r.getString(
                                                                                            "severity")),
                                                                            r.getString("title"),
                                                                            r.getString(
                                                                                    "application"),
                                                                            r.getString(
                                                                                    "environment"),
                                                                            r.getString("cause"),
                                                                            r.getString("rule"),
                                                                            r.getInteger(
                                                                                    "tries"))));
                                            pages.sort((a, b) -> Long.compare(a.id(), b.id()));
                                            return pages;
                                        }));
    }

    /**
     * Renews the lease on a claimed page just before it is sent, so the lease runs from the send, not from the
     * claim. A claim is named by the page's id and try number (every claim raises it); false if this claim is no
     * longer current (the lease ran out and another dispatcher took the page), in which case it must not be sent.
     */
    public Uni<Boolean> renew(long id, int tries, Duration lease) {
        return pool.preparedQuery(
                        "UPDATE page SET next_attempt_at = now() + make_interval(secs => $3) "
                                + "WHERE id = $1 AND tries = $2 AND status = 'PENDING'")
                .execute(Tuple.of(id, tries, (double) lease.toMillis() / 1000))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Ends a page as SENT, FAILED or SKIPPED; false if it had ended already or {@code tries} is not its claim. */
    public Uni<Boolean> settle(SqlClient tx, long id, int tries, String status, String error) {
        return tx.preparedQuery(
                        "UPDATE page SET status = $3, last_error = $4, "
                                + "sent_at = CASE WHEN $3 = 'SENT' THEN now() END "
                                + "WHERE id = $1 AND tries = $2 AND status = 'PENDING'")
                .execute(Tuple.of(id, tries, status, error))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Due again after {@code delay}, while {@code tries} is still the page's claim. */
    public Uni<Void> retryLater(long id, int tries, String error, Duration delay) {
        return pool.preparedQuery(
                        "UPDATE page SET last_error = $3, next_attempt_at = now() + make_interval(secs => $4) "
                                + "WHERE id = $1 AND tries = $2 AND status = 'PENDING'")
                .execute(Tuple.of(id, tries, error, (double) delay.toMillis() / 1000))
                .replaceWithVoid();
    }
}
