package dev.stride.planner.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for the deployment table. Writes take the caller's transaction; reads use the pool. */
@ApplicationScoped
public class DeploymentStore {

    private static final String COLUMNS = "id, spec, status, origin, request_fingerprint, created_at, updated_at";

    private final Pool pool;

    public DeploymentStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Inserts a new REQUESTED deployment unless one with its id or its idempotency key exists. Emits
     * {@code true} when the row was inserted.
     */
    public Uni<Boolean> insert(SqlClient tx, DeploymentRequested request, String origin, String idempotencyKey,
            String fingerprint) {
        Tuple values = Tuple.tuple()
                .addUUID(request.deploymentId())
                .addString(request.application())
                .addString(request.environment().wireName())
                .addString(request.version())
                .addString(request.artifact())
                .addString(request.deployment().strategy())
                .addString(DeploymentStatus.REQUESTED.name())
                .addString(request.requestedBy())
                .addString(request.commitSha())
                .addOffsetDateTime(request.commitTime() == null ? null
                        : request.commitTime().atOffset(ZoneOffset.UTC))
                .addValue(new JsonObject(json(request)))
                .addString(origin)
                .addString(idempotencyKey)
                .addString(fingerprint);
        return tx.preparedQuery("INSERT INTO deployment (id, application, environment, version, artifact, strategy, "
                        + "status, requested_by, commit_sha, commit_time, spec, origin, idempotency_key, "
                        + "request_fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
                        + "ON CONFLICT DO NOTHING")
                .execute(values)
                .map(result -> result.rowCount() == 1);
    }

    public Uni<Optional<Deployment>> find(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM deployment WHERE id = $1")
                .execute(Tuple.of(id))
                .map(DeploymentStore::first);
    }

    public Uni<Optional<Deployment>> findByIdempotencyKey(SqlClient client, String key) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM deployment WHERE idempotency_key = $1")
                .execute(Tuple.of(key))
                .map(DeploymentStore::first);
    }

    /** One page of deployments, newest first, with the total count of matches. */
    public Uni<Page> list(DeploymentQuery query) {
        List<String> conditions = new ArrayList<>();
        Tuple params = Tuple.tuple();
        query.application().ifPresent(a -> condition(conditions, params, "application", a));
        query.environment().ifPresent(e -> condition(conditions, params, "environment", e));
        query.status().ifPresent(s -> condition(conditions, params, "status", s.name()));
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        int limit = params.size() + 1;
        String sql = "SELECT " + COLUMNS + ", count(*) OVER () AS total FROM deployment" + where
                + " ORDER BY created_at DESC, id LIMIT $" + limit + " OFFSET $" + (limit + 1);
        params.addInteger(query.size()).addLong((long) query.page() * query.size());
        Uni<Long> total = pool.preparedQuery("SELECT count(*) AS total FROM deployment" + where)
                .execute(withoutPaging(params, limit - 1))
                .map(rows -> rows.iterator().next().getLong("total"));
        return pool.preparedQuery(sql).execute(params).flatMap(rows -> {
            List<Deployment> items = new ArrayList<>();
            rows.forEach(row -> items.add(map(row)));
            if (!items.isEmpty() || query.page() == 0) {
                long count = items.isEmpty() ? 0 : rows.iterator().next().getLong("total");
                return Uni.createFrom().item(new Page(items, count));
            }
            // Past the last page: the window count is unavailable, so count separately.
            return total.map(count -> new Page(items, count));
        });
    }

    private static Tuple withoutPaging(Tuple params, int size) {
        Tuple copy = Tuple.tuple();
        for (int i = 0; i < size; i++) {
            copy.addValue(params.getValue(i));
        }
        return copy;
    }

    private static void condition(List<String> conditions, Tuple params, String column, String value) {
        params.addString(value);
        conditions.add(column + " = $" + params.size());
    }

    public record Page(List<Deployment> items, long total) {
    }

    private static Optional<Deployment> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(map(iterator.next())) : Optional.empty();
    }

    private static Deployment map(Row row) {
        DeploymentRequested request;
        try {
            request = EventCodec.mapper().readValue(row.getJsonObject("spec").encode(), DeploymentRequested.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        OffsetDateTime created = row.getOffsetDateTime("created_at");
        OffsetDateTime updated = row.getOffsetDateTime("updated_at");
        return new Deployment(row.getUUID("id"), request, DeploymentStatus.valueOf(row.getString("status")),
                row.getString("origin"), row.getString("request_fingerprint"), created.toInstant(),
                updated.toInstant());
    }

    private static String json(DeploymentRequested request) {
        try {
            return EventCodec.mapper().writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
