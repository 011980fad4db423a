package dev.stride.notifier.delivery;

import static dev.stride.kit.persistence.Columns.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stride.events.EventCodec;
import dev.stride.notifier.channel.Delivery;
import dev.stride.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for the delivery log. */
@ApplicationScoped
public class DeliveryStore {

    private final Pool pool;

    public DeliveryStore(Pool pool) {
        this.pool = pool;
    }

    /** Records one event for one channel, once: the same event for the same channel again changes nothing. */
    public Uni<Boolean> record(
            SqlClient tx,
            UUID eventId,
            String eventType,
            UUID deploymentId,
            String channel,
            String route,
            Notice notice,
            String event) {
        return tx.preparedQuery(
                        "INSERT INTO delivery (event_id, event_type, deployment_id, channel, route, kind, "
                                + "notice, event) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING")
                .execute(
                        Tuple.tuple()
                                .addUUID(eventId)
                                .addString(eventType)
                                .addUUID(deploymentId)
                                .addString(channel)
                                .addString(route)
                                .addString(notice == null ? null : notice.kind())
                                .addValue(notice == null ? null : new JsonObject(json(notice)))
                                .addString(event))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Claims up to {@code limit} deliveries of {@code channel} that are due, plus ones a dead sender left SENDING
     * longer than {@code stale}. One deployment's deliveries on a channel go in order: none is claimed while an
     * earlier one of the same deployment is still open (waiting to be retried, say), so a status-page update never
     * overtakes the incident's creation.
     */
    public Uni<List<Delivery>> claim(String channel, int limit, Duration stale) {
        return pool.withTransaction(
                tx ->
                        tx.preparedQuery(
                                        "UPDATE delivery d SET status = 'SENDING', claimed_at = now(), attempts = attempts + 1 "
                                                + "WHERE d.id IN (SELECT o.id FROM delivery o WHERE o.channel = $1 AND ("
                                                + "(o.status = 'PENDING' AND o.next_attempt_at <= now()) OR (o.status = 'SENDING' "
                                                + "AND o.claimed_at < now() - make_interval(secs => $3))) "
                                                + "AND NOT EXISTS (SELECT 1 FROM delivery p WHERE p.channel = o.channel "
                                                + "AND p.deployment_id = o.deployment_id AND p.id < o.id "
                                                + "AND p.status IN ('PENDING', 'SENDING')) "
                                                + "ORDER BY o.id LIMIT $2 FOR UPDATE SKIP LOCKED) "
                                                + "RETURNING id, event_id, event_type, deployment_id, channel, notice, event, attempts")
                                .execute(Tuple.of(channel, limit, (double) stale.toMillis() / 1000))
                                .map(
                                        rows -> {
                                            List<Delivery> claimed = new ArrayList<>();
                                            for (Row row : rows) {
                                                claimed.add(map(row));
                                            }
                                            claimed.sort((a, b) -> Long.compare(a.id(), b.id()));
                                            return claimed;
                                        }));
    }

    /**
     * Renews the claim on a delivery just before it is sent, so its {@code stale} clock starts at the send, not at
     * the claim. A claim is named by the delivery's id and attempt number (every claim raises it); false if this
     * claim is no longer the current one (another sender took the row up as stale), in which case it must not be
     * sent.
     */
    public Uni<Boolean> renew(long id, int attempt) {
        return pool.preparedQuery(
                        "UPDATE delivery SET claimed_at = now() "
                                + "WHERE id = $1 AND attempts = $2 AND status = 'SENDING'")
                .execute(Tuple.of(id, attempt))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Gives a claimed delivery back untried, due at {@code at} (its channel asked for a pause, or no slot was free to
     * send it): the claim did not count as an attempt.
     */
    public Uni<Void> release(long id, int attempt, Instant at) {
        return pool.preparedQuery(
                        "UPDATE delivery SET status = 'PENDING', claimed_at = NULL, attempts = attempts - 1, "
                                + "next_attempt_at = $3 WHERE id = $1 AND attempts = $2 AND status = 'SENDING'")
                .execute(Tuple.of(id, attempt, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** The outcomes below change a delivery only while {@code attempt} is still its current claim. */
    public Uni<Void> sent(long id, int attempt, String detail) {
        return finish(id, attempt, "SENT", detail);
    }

    public Uni<Void> skipped(long id, int attempt, String detail) {
        return finish(id, attempt, "SKIPPED", detail);
    }

    public Uni<Void> failed(long id, int attempt, String error) {
        return pool.preparedQuery(
                        "UPDATE delivery SET status = 'FAILED', last_error = $3, finished_at = now() "
                                + "WHERE id = $1 AND attempts = $2 AND status = 'SENDING'")
                .execute(Tuple.of(id, attempt, error))
                .replaceWithVoid();
    }

    /** Back to PENDING until {@code at}, with the error of the attempt that failed. */
    public Uni<Void> retryAt(long id, int attempt, String error, Instant at) {
        return pool.preparedQuery(
                        "UPDATE delivery SET status = 'PENDING', last_error = $3, next_attempt_at = $4 "
                                + "WHERE id = $1 AND attempts = $2 AND status = 'SENDING'")
                .execute(Tuple.of(id, attempt, error, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** The delivery log of one deployment (or one test notification), oldest first. */
    public Uni<List<DeliveryView>> forDeployment(UUID deploymentId) {
        return pool.preparedQuery(
                        "SELECT id, event_id, event_type, channel, route, kind, status, attempts, last_error, "
                                + "detail, created_at, next_attempt_at, finished_at FROM delivery WHERE deployment_id = $1 "
                                + "ORDER BY id")
                .execute(Tuple.of(deploymentId))
                .map(
                        rows -> {
                            List<DeliveryView> views = new ArrayList<>();
                            for (Row row : rows) {
                                String status = row.getString("status");
                                views.add(
                                        new DeliveryView(
                                                row.getLong("id"),
                                                row.getUUID("event_id"),
                                                row.getString("event_type"),
                                                row.getString("channel"),
                                                row.getString("route"),
                                                row.getString("kind"),
                                                status,
                                                row.getInteger("attempts"),
                                                row.getString("last_error"),
                                                row.getString("detail"),
                                                row.getOffsetDateTime("created_at"),
                                                "PENDING".equals(status)
                                                        ? row.getOffsetDateTime("next_attempt_at")
                                                        : null,
                                                row.getOffsetDateTime("finished_at")));
                            }
                            return views;
                        });
    }

    private Uni<Void> finish(long id, int attempt, String status, String detail) {
        return pool.preparedQuery(
                        "UPDATE delivery SET status = $3, detail = $4, finished_at = now() "
                                + "WHERE id = $1 AND attempts = $2 AND status = 'SENDING'")
                .execute(Tuple.of(id, attempt, status, detail))
                .replaceWithVoid();
    }

    private static Delivery map(Row row) {
        JsonObject stored = row.getJsonObject("notice");
        try {
            Notice notice =
                    stored == null
                            ? null
                            : EventCodec.mapper().readValue(stored.encode(), Notice.class);
            return new Delivery(
                    row.getLong("id"),
                    row.getUUID("event_id"),
                    row.getString("event_type"),
                    row.getUUID("deployment_id"),
                    row.getString("channel"),
                    notice,
                    row.getString("event"),
                    row.getInteger("attempts"));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
