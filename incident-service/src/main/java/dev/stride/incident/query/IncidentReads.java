package dev.stride.incident.query;

import dev.stride.incident.record.Incident;
import dev.stride.incident.record.IncidentQuery;
import dev.stride.incident.record.IncidentStore;
import dev.stride.incident.record.TimelineEntry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The read side of incidents, for the REST API: one incident with its timeline, and pages of incidents. */
@ApplicationScoped
public class IncidentReads {

    private final Pool pool;

    public IncidentReads(Pool pool) {
        this.pool = pool;
    }

    /** One incident with its timeline. */
    public Uni<Optional<Incident>> find(UUID id) {
        return pool.preparedQuery(
                        "SELECT " + IncidentStore.COLUMNS + " FROM incident WHERE id = $1")
                .execute(Tuple.of(id))
                .flatMap(
                        rows -> {
                            if (rows.rowCount() == 0) {
                                return Uni.createFrom().item(Optional.<Incident>empty());
                            }
                            Incident incident = IncidentStore.map(rows.iterator().next());
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
                                                        + IncidentStore.COLUMNS
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
                                                    rows.forEach(
                                                            row ->
                                                                    items.add(
                                                                            IncidentStore.map(
                                                                                    row)));
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
}
