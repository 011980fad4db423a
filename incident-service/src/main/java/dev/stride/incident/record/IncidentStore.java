package dev.stride.incident.record;

import static dev.stride.kit.persistence.Columns.instant;

import dev.stride.events.Severity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for incidents and their timelines. */
@ApplicationScoped
public class IncidentStore {

    private static final String COLUMNS =
            "id, deployment_id, attempt, application, environment, severity, status, "
                    + "title, cause, rule, dedup_key, opened_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, "
                    + "resolution, root_cause, action_items, paged";

    private final Pool pool;

    public IncidentStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Opens an incident unless one with its de-duplication key is not resolved yet; emits whether it opened. The
     * partial unique index decides, so two transactions racing on one key open one incident.
     */
    public Uni<Boolean> open(SqlClient tx, Incident i) {
        return tx.preparedQuery(
                        "INSERT INTO incident (id, deployment_id, attempt, application, environment, severity, "
                                + "status, title, cause, rule, dedup_key, opened_at) VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', $7, "
                                + "$8, $9, $10, $11) ON CONFLICT (dedup_key) WHERE status <> 'RESOLVED' DO NOTHING")
                .execute(
                        Tuple.tuple()
                                .addUUID(i.id())
                                .addUUID(i.deploymentId())
                                .addInteger(i.attempt())
                                .addString(i.application())
                                .addString(i.environment())
                                .addString(i.severity().name())
                                .addString(i.title())
                                .addString(i.cause())
                                .addString(i.rule())
                                .addString(i.dedupKey())
                                .addOffsetDateTime(utc(i.openedAt())))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The unresolved incident with this key, if any. */
    public Uni<Optional<UUID>> unresolvedWithKey(SqlClient tx, String dedupKey) {
        return tx.preparedQuery(
                        "SELECT id FROM incident WHERE dedup_key = $1 AND status <> 'RESOLVED'")
                .execute(Tuple.of(dedupKey))
                .map(
                        rows ->
                                rows.rowCount() == 0
                                        ? Optional.empty()
                                        : Optional.of(rows.iterator().next().getUUID(0)));
    }

    /** The deployment's incidents not resolved yet. */
    public Uni<List<UUID>> unresolvedOf(SqlClient tx, UUID deploymentId) {
        return tx.preparedQuery(
                        "SELECT id FROM incident WHERE deployment_id = $1 AND status <> 'RESOLVED' ORDER BY opened_at")
                .execute(Tuple.of(deploymentId))
                .map(
                        rows -> {
                            List<UUID> ids = new ArrayList<>();
                            rows.forEach(row -> ids.add(row.getUUID(0)));
                            return ids;
                        });
    }

    public Uni<Void> log(SqlClient tx, UUID incidentId, String kind, String actor, String detail) {
        return tx.preparedQuery(
                        "INSERT INTO incident_timeline (incident_id, kind, actor, detail) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(incidentId, kind, actor, detail))
                .replaceWithVoid();
    }

    public Uni<Void> markPaged(SqlClient tx, UUID id) {
        return tx.preparedQuery("UPDATE incident SET paged = true WHERE id = $1")
                .execute(Tuple.of(id))
                .replaceWithVoid();
    }

    /** The incident, locked for the rest of the transaction (REST actions). */
    public Uni<Optional<Incident>> lock(SqlClient tx, UUID id) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM incident WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .map(
                        rows ->
                                rows.rowCount() == 0
                                        ? Optional.empty()
                                        : Optional.of(map(rows.iterator().next())));
    }

    public Uni<Void> acknowledge(SqlClient tx, UUID id, String by) {
        return tx.preparedQuery(
                        "UPDATE incident SET status = 'ACKNOWLEDGED', acknowledged_at = now(), "
                                + "acknowledged_by = $2 WHERE id = $1")
                .execute(Tuple.of(id, by))
                .replaceWithVoid();
    }

    public Uni<Instant> resolve(SqlClient tx, UUID id, String by, String resolution) {
        return tx.preparedQuery(
                        "UPDATE incident SET status = 'RESOLVED', resolved_at = now(), resolved_by = $2, "
                                + "resolution = $3 WHERE id = $1 RETURNING resolved_at")
                .execute(Tuple.of(id, by, resolution))
                .map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant());
    }

    public Uni<Void> review(SqlClient tx, UUID id, String rootCause, List<String> actionItems) {
        return tx.preparedQuery(
                        "UPDATE incident SET root_cause = $2, action_items = $3 WHERE id = $1")
                .execute(Tuple.of(id, rootCause, new JsonArray(new ArrayList<Object>(actionItems))))
                .replaceWithVoid();
    }

    /** One incident with its timeline. */
    public Uni<Optional<Incident>> find(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM incident WHERE id = $1")
                .execute(Tuple.of(id))
                .flatMap(
                        rows -> {
                            if (rows.rowCount() == 0) {
                                return Uni.createFrom().item(Optional.<Incident>empty());
                            }
                            Incident incident = map(rows.iterator().next());
                            return pool.preparedQuery(
                                            "SELECT at, kind, actor, detail FROM incident_timeline "
                                                    + "WHERE incident_id = $1 ORDER BY id")
                                    .execute(Tuple.of(id))
                                    .map(
                                            entries -> {
                                                List<TimelineEntry> timeline = new ArrayList<>();
                                                entries.forEach(
                                                        r ->
                                                                timeline.add(
                                                                        new TimelineEntry(
                                                                                r.getOffsetDateTime(
                                                                                                        "at")
                                                                                                .toInstant(),
                                                                                        r.getString(
                                                                                                "kind"),
                                                                                r.getString(
                                                                                                "actor"),
                                                                                        r.getString(
                                                                                                "detail"))));
                                                return Optional.of(incident.withTimeline(timeline));
                                            });
                        });
    }

    /** A page of incidents, newest first, and how many match in all. */
    public Uni<Page> list(IncidentQuery q) {
        List<String> where = new ArrayList<>();
        Tuple args = Tuple.tuple();
        q.status().ifPresent(s -> where.add(param(args, "status", s.name())));
        q.severity().ifPresent(s -> where.add(param(args, "severity", s.name())));
        q.application().ifPresent(a -> where.add(param(args, "application", a)));
        q.environment().ifPresent(e -> where.add(param(args, "environment", e)));
        String filter = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        int n = args.size();
        Tuple pageArgs = Tuple.tuple();
        for (int i = 0; i < n; i++) {
            pageArgs.addValue(args.getValue(i));
        }
        pageArgs.addInteger(q.size()).addInteger(q.page() * q.size());
        return pool.preparedQuery("SELECT count(*) FROM incident" + filter)
                .execute(args)
                .flatMap(
                        count ->
                                pool.preparedQuery(
                                                "SELECT "
                                                        + COLUMNS
                                                        + " FROM incident"
                                                        + filter
                                                        + " ORDER BY opened_at DESC, id LIMIT $"
                                                        + (n + 1)
                                                        + " OFFSET $"
                                                        + (n + 2))
                                        .execute(pageArgs)
                                        .map(
                                                rows -> {
                                                    List<Incident> items = new ArrayList<>();
                                                    rows.forEach(row -> items.add(map(row)));
                                                    return new Page(
                                                            items,
                                                            count.iterator().next().getLong(0));
                                                }));
    }

    public record Page(List<Incident> items, long total) {}

    private static String param(Tuple args, String column, String value) {
        args.addString(value);
        return column + " = $" + args.size();
    }

    static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    private static Incident map(Row row) {
        JsonArray items = (JsonArray) row.getValue("action_items");
        List<String> actionItems = new ArrayList<>();
        if (items != null) {
            items.forEach(item -> actionItems.add(String.valueOf(item)));
        }
        return new Incident(
                row.getUUID("id"),
                row.getUUID("deployment_id"),
                row.getInteger("attempt"),
                row.getString("application"),
                row.getString("environment"),
                Severity.valueOf(row.getString("severity")),
                IncidentStatus.valueOf(row.getString("status")),
                row.getString("title"),
                row.getString("cause"),
                row.getString("rule"),
                row.getString("dedup_key"),
                instant(row, "opened_at"),
                instant(row, "acknowledged_at"),
                row.getString("acknowledged_by"),
                instant(row, "resolved_at"),
                row.getString("resolved_by"),
                row.getString("resolution"),
                row.getString("root_cause"),
                actionItems,
                row.getBoolean("paged"),
                null);
    }
}
