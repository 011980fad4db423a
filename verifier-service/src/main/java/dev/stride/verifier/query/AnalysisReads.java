package dev.stride.verifier.query;

import static dev.stride.kit.persistence.Columns.instant;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The read side of the analyses, for the REST API: a deployment's analyses with their measurements and check
 * results, as views. The workers' SQL stays in {@code persistence}; the API reads only through here.
 */
@ApplicationScoped
public class AnalysisReads {

    private final Pool pool;

    public AnalysisReads(Pool pool) {
        this.pool = pool;
    }

    /** One phase of one attempt as the verifier judged it. */
    public record AnalysisView(
            int attempt,
            int phase,
            String phaseType,
            String status,
            Instant startedAt,
            int measurements,
            Instant nextMeasurementAt,
            String summary,
            Instant finishedAt,
            String problem,
            List<MeasurementView> samples,
            List<CheckView> checks) {}

    /** One metric of one measurement: its value or why it has none. */
    public record MeasurementView(
            int seq,
            String metric,
            String kind,
            String outcome,
            Double value,
            String message,
            Instant measuredAt) {}

    /** One check with its evidence. */
    public record CheckView(
            String name,
            String target,
            boolean passed,
            Integer statusCode,
            Long latencyMs,
            String message,
            Instant checkedAt) {}

    public record AnalysisList(UUID deploymentId, List<AnalysisView> analyses) {}

    /** Every analysis of the deployment, in attempt and phase order; an unknown deployment has none. */
    public Uni<AnalysisList> of(UUID deploymentId) {
        return rows(
                        "SELECT attempt, phase, phase_type, problem, status, started_at, measured, next_due_at, "
                                + "summary, finished_at FROM analysis WHERE deployment_id = $1 ORDER BY attempt, phase",
                        deploymentId)
                .flatMap(
                        analyses ->
                                rows(
                                                "SELECT attempt, phase, seq, metric, kind, outcome, value, message, "
                                                        + "measured_at FROM measurement WHERE deployment_id = $1 "
                                                        + "ORDER BY attempt, phase, seq, id",
                                                deploymentId)
                                        .flatMap(
                                                measurements ->
                                                        rows(
                                                                        "SELECT attempt, phase, name, target, passed, "
                                                                                + "status_code, latency_ms, message, checked_at "
                                                                                + "FROM check_result WHERE deployment_id = $1 "
                                                                                + "ORDER BY attempt, phase, id",
                                                                        deploymentId)
                                                                .map(
                                                                        checks ->
                                                                                new AnalysisList(
                                                                                        deploymentId,
                                                                                        views(
                                                                                                analyses,
                                                                                                measurements,
                                                                                                checks)))));
    }

    private Uni<List<Row>> rows(String sql, UUID deploymentId) {
        return pool.preparedQuery(sql).execute(Tuple.of(deploymentId)).map(AnalysisReads::list);
    }

    private static List<Row> list(RowSet<Row> rows) {
        List<Row> list = new ArrayList<>();
        rows.forEach(list::add);
        return list;
    }

    private static List<AnalysisView> views(
            List<Row> analyses, List<Row> measurements, List<Row> checks) {
        Map<String, List<MeasurementView>> samples = new LinkedHashMap<>();
        for (Row row : measurements) {
            samples.computeIfAbsent(key(row), k -> new ArrayList<>())
                    .add(
                            new MeasurementView(
                                    row.getInteger("seq"),
                                    row.getString("metric"),
                                    row.getString("kind"),
                                    row.getString("outcome"),
                                    row.getDouble("value"),
                                    row.getString("message"),
                                    instant(row, "measured_at")));
        }
        Map<String, List<CheckView>> results = new LinkedHashMap<>();
        for (Row row : checks) {
            results.computeIfAbsent(key(row), k -> new ArrayList<>())
                    .add(
                            new CheckView(
                                    row.getString("name"),
                                    row.getString("target"),
                                    row.getBoolean("passed"),
                                    row.getInteger("status_code"),
                                    row.getLong("latency_ms"),
                                    row.getString("message"),
                                    instant(row, "checked_at")));
        }
        List<AnalysisView> views = new ArrayList<>();
        for (Row row : analyses) {
            String key = key(row);
            views.add(
                    new AnalysisView(
                            row.getInteger("attempt"),
                            row.getInteger("phase"),
                            row.getString("phase_type"),
                            row.getString("status"),
                            instant(row, "started_at"),
                            row.getInteger("measured"),
                            instant(row, "next_due_at"),
                            row.getString("summary"),
                            instant(row, "finished_at"),
                            row.getString("problem"),
                            samples.getOrDefault(key, List.of()),
                            results.getOrDefault(key, List.of())));
        }
        return views;
    }

    private static String key(Row row) {
        return row.getInteger("attempt") + "/" + row.getInteger("phase");
    }
}
