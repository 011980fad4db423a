package dev.stride.incident.record;

import static dev.stride.kit.persistence.Columns.instant;
import static dev.stride.kit.persistence.Columns.utc;

import dev.stride.events.Severity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for incidents and their timelines, for the responder and the actions; the API reads through {@code query}. */
@ApplicationScoped
public class IncidentStore {

    /** The incident columns {@link #map} reads. */
    public static final String COLUMNS =
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

    /** An incident row (selected with {@link #COLUMNS}) without its timeline. */
    public static Incident map(Row row) {
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
