package dev.stride.verifier.api;

import static dev.stride.kit.persistence.Columns.instant;

import dev.stride.kit.problem.ProblemException;
import dev.stride.kit.security.Roles;
import dev.stride.verifier.persistence.AnalysisStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** A deployment's analyses with their measurements and check results: for people and the dashboard. */
@Path("/api/v1/analyses")
@Produces(MediaType.APPLICATION_JSON)
public class AnalysisResource {

    private final AnalysisStore store;

    public AnalysisResource(AnalysisStore store) {
        this.store = store;
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

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.REQUESTER, Roles.APPROVER, Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "A deployment's analyses, measurements and check results")
    public Uni<AnalysisList> list(
            @Parameter(description = "The deployment's id", required = true)
                    @QueryParam("deploymentId")
                    String id) {
        if (id == null || id.isBlank()) {
            throw ProblemException.badRequest("deploymentId", "is required");
        }
        UUID deploymentId;
        try {
            deploymentId = UUID.fromString(id.strip());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("deploymentId", "must be a UUID");
        }
        return store.analysesOf(deploymentId)
                .flatMap(
                        analyses ->
                                store.measurementsOf(deploymentId)
                                        .flatMap(
                                                measurements ->
                                                        store.checksOf(deploymentId)
                                                                .map(
                                                                        checks ->
                                                                                new AnalysisList(
                                                                                        deploymentId,
                                                                                        views(
                                                                                                analyses,
                                                                                                measurements,
                                                                                                checks)))));
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
