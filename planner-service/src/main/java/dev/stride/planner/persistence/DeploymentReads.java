package dev.stride.planner.persistence;

import static dev.stride.kit.persistence.Columns.instant;

import dev.stride.planner.machine.DeploymentStatus;
import dev.stride.planner.machine.TimelineEntry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL the API reads with: one deployment, a filtered page of them, a deployment's approvals (with their comments)
 * and its timeline. Each read takes its own connection from the pool; nothing here writes.
 */
@ApplicationScoped
public class DeploymentReads {

    private final Pool pool;

    public DeploymentReads(Pool pool) {
        this.pool = pool;
    }

    public record Approval(String approver, String comment, Instant approvedAt) {}

    public record Page(List<StoredDeployment> items, long total) {}

    public Uni<Optional<StoredDeployment>> find(UUID id) {
        return pool.withConnection(c -> DeploymentRows.load(c, id, ""));
    }

    public Uni<List<Approval>> approvals(UUID id) {
        return pool.preparedQuery(
                        "SELECT approver, comment, approved_at FROM deployment_approval "
                                + "WHERE deployment_id = $1 ORDER BY approved_at, approver")
                .execute(Tuple.of(id))
                .map(
                        rows -> {
                            List<Approval> approvals = new ArrayList<>();
                            rows.forEach(
                                    r ->
                                            approvals.add(
                                                    new Approval(
                                                            r.getString(0),
                                                            r.getString(1),
                                                            instant(r.getOffsetDateTime(2)))));
                            return approvals;
                        });
    }

    public Uni<List<TimelineEntry>> timeline(UUID id) {
        return pool.preparedQuery(
                        "SELECT at, actor, action, detail FROM deployment_timeline WHERE deployment_id = $1 "
                                + "ORDER BY seq")
                .execute(Tuple.of(id))
                .map(
                        rows -> {
                            List<TimelineEntry> entries = new ArrayList<>();
                            rows.forEach(
                                    r ->
                                            entries.add(
                                                    new TimelineEntry(
                                                            instant(r.getOffsetDateTime(0)),
                                                            r.getString(1),
                                                            r.getString(2),
                                                            r.getString(3))));
                            return entries;
                        });
    }

    /**
     * One page of deployments, newest first, with the total count of matches; empty filters match all and
     * {@code page} counts from 0.
     */
    public Uni<Page> list(
            Optional<String> application,
            Optional<String> environment,
            Optional<DeploymentStatus> status,
            int page,
            int size) {
        List<String> conditions = new ArrayList<>();
        Tuple params = Tuple.tuple();
        application.ifPresent(a -> condition(conditions, params, "application", a));
        environment.ifPresent(e -> condition(conditions, params, "environment", e));
        status.ifPresent(s -> condition(conditions, params, "status", s.name()));
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        Tuple filters = Tuple.tuple();
        for (int i = 0; i < params.size(); i++) {
            filters.addValue(params.getValue(i));
        }
        int limit = params.size() + 1;
        params.addInteger(size).addLong((long) page * size);
        return pool.withConnection(
                c ->
                        c.preparedQuery("SELECT count(*) FROM deployment" + where)
                                .execute(filters)
                                .flatMap(
                                        count ->
                                                c.preparedQuery(
                                                                "SELECT id FROM deployment"
                                                                        + where
                                                                        + " ORDER BY created_at DESC, id LIMIT $"
                                                                        + limit
                                                                        + " OFFSET $"
                                                                        + (limit + 1))
                                                        .execute(params)
                                                        .flatMap(
                                                                ids -> {
                                                                    List<UUID> found =
                                                                            new ArrayList<>();
                                                                    ids.forEach(
                                                                            r ->
                                                                                    found.add(
                                                                                            r
                                                                                                    .getUUID(
                                                                                                            0)));
                                                                    // One query after another: a
                                                                    // connection runs one at a
                                                                    // time.
                                                                    return Multi.createFrom()
                                                                            .iterable(found)
                                                                            .onItem()
                                                                            .transformToUniAndConcatenate(
                                                                                    id ->
                                                                                            DeploymentRows
                                                                                                    .load(
                                                                                                            c,
                                                                                                            id,
                                                                                                            "")
                                                                                                    .map(
                                                                                                            Optional
                                                                                                                    ::orElseThrow))
                                                                            .collect()
                                                                            .asList()
                                                                            .map(
                                                                                    list ->
                                                                                            new Page(
                                                                                                    list,
                                                                                                    count.iterator()
                                                                                                            .next()
                                                                                                            .getLong(
                                                                                                                    0)));
                                                                })));
    }

    private static void condition(
            List<String> conditions, Tuple params, String column, String value) {
        params.addString(value);
        conditions.add(column + " = $" + params.size());
    }
}
