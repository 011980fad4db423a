package dev.stride.incident.figures;

import static dev.stride.kit.persistence.Columns.instant;
import static dev.stride.kit.persistence.Columns.utc;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads what the figures are computed from: finished deployments and incidents, per application, environment, range. */
@ApplicationScoped
public class FiguresReads {

    private final Pool pool;

    public FiguresReads(Pool pool) {
        this.pool = pool;
    }

    /** The figures of {@code application} (all when empty) in {@code environment} over [from, to). */
    public Uni<DeliveryFigures> figures(
            Optional<String> application, String environment, Instant from, Instant to) {
        Tuple args = Tuple.of(environment, utc(from), utc(to), application.orElse(null));
        Uni<List<DeliveryFigures.Finished>> finished =
                pool.preparedQuery(
                                "SELECT d.id, d.outcome, d.commit_time, d.requested_at, d.finished_at, EXISTS (SELECT 1 FROM "
                                        + "incident i WHERE i.deployment_id = d.id) AS caused_incident FROM deployment d "
                                        + "WHERE d.environment = $1 AND d.finished_at >= $2 AND d.finished_at < $3 "
                                        + "AND ($4::text IS NULL OR d.application = $4)")
                        .execute(args)
                        .map(
                                rows -> {
                                    List<DeliveryFigures.Finished> list = new ArrayList<>();
                                    rows.forEach(
                                            r ->
                                                    list.add(
                                                            new DeliveryFigures.Finished(
                                                                    r.getUUID("id"),
                                                                    r.getString("outcome"),
                                                                    instant(r, "commit_time"),
                                                                    instant(r, "requested_at"),
                                                                    instant(r, "finished_at"),
                                                                    r.getBoolean(
                                                                            "caused_incident"))));
                                    return list;
                                });
        Uni<List<DeliveryFigures.Span>> incidents =
                pool.preparedQuery(
                                "SELECT opened_at, resolved_at FROM incident WHERE environment = $1 AND opened_at >= $2 "
                                        + "AND opened_at < $3 AND ($4::text IS NULL OR application = $4)")
                        .execute(args)
                        .map(
                                rows -> {
                                    List<DeliveryFigures.Span> list = new ArrayList<>();
                                    rows.forEach(
                                            r ->
                                                    list.add(
                                                            new DeliveryFigures.Span(
                                                                    instant(r, "opened_at"),
                                                                    instant(r, "resolved_at"))));
                                    return list;
                                });
        return finished.flatMap(
                f ->
                        incidents.map(
                                i ->
                                        DeliveryFigures.compute(
                                                application.orElse(null),
                                                environment,
                                                from,
                                                to,
                                                f,
                                                i)));
    }

    /** Every application and environment with a deployment finished since {@code since}. */
    public Uni<List<String[]>> seenSince(Instant since) {
        return pool.preparedQuery(
                        "SELECT DISTINCT application, environment FROM deployment WHERE finished_at >= $1")
                .execute(Tuple.of(utc(since)))
                .map(
                        rows -> {
                            List<String[]> pairs = new ArrayList<>();
                            rows.forEach(
                                    r -> pairs.add(new String[] {r.getString(0), r.getString(1)}));
                            return pairs;
                        });
    }
}
