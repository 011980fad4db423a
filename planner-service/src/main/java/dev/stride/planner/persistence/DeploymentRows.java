package dev.stride.planner.persistence;

import static dev.stride.kit.persistence.Columns.instant;
import static dev.stride.kit.persistence.Columns.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.PhaseType;
import dev.stride.planner.machine.DeploymentState;
import dev.stride.planner.machine.DeploymentStatus;
import dev.stride.planner.machine.PhaseState;
import dev.stride.planner.machine.PhaseStatus;
import dev.stride.planner.machine.RollbackVerification;
import dev.stride.planner.plan.PlannedPhase;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Loads one whole deployment (its row, phases and approvers) and maps columns to values and back. Shared by the
 * store, which loads for a transition, and the reads, which load for the API, so both see the same deployment.
 */
final class DeploymentRows {

    private static final String COLUMNS =
            "id, spec, status, attempt, current_phase, required_approvals, reason, "
                    + "origin, request_fingerprint, created_at, updated_at, finished_at, aborting, rollback_deadline, rollback_verification";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private DeploymentRows() {}

    /** Loads a deployment; {@code lock} is appended to the row's query ("" or " FOR UPDATE"). */
    static Uni<Optional<StoredDeployment>> load(SqlClient client, UUID id, String lock) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM deployment WHERE id = $1" + lock)
                .execute(Tuple.of(id))
                .flatMap(
                        rows -> {
                            if (rows.rowCount() == 0) {
                                return Uni.createFrom().item(Optional.<StoredDeployment>empty());
                            }
                            Row row = rows.iterator().next();
                            return phases(client, id)
                                    .flatMap(
                                            phases ->
                                                    approvers(client, id)
                                                            .map(
                                                                    approvals ->
                                                                            Optional.of(
                                                                                    stored(
                                                                                            row,
                                                                                            phases,
                                                                                            approvals))));
                        });
    }

    private static Uni<List<PhaseState>> phases(SqlClient client, UUID id) {
        return client.preparedQuery(
                        "SELECT idx, type, name, traffic_percentage, hold_ms, analysed, parameters, "
                                + "status, started_at, completed_at, verdict, deadline_at FROM deployment_phase "
                                + "WHERE deployment_id = $1 ORDER BY idx")
                .execute(Tuple.of(id))
                .map(
                        rows -> {
                            List<PhaseState> phases = new ArrayList<>();
                            for (Row row : rows) {
                                Long hold = row.getLong("hold_ms");
                                PlannedPhase plan =
                                        new PlannedPhase(
                                                row.getInteger("idx"),
                                                PhaseType.valueOf(row.getString("type")),
                                                row.getString("name"),
                                                row.getInteger("traffic_percentage"),
                                                hold == null ? null : Duration.ofMillis(hold),
                                                row.getBoolean("analysed"),
                                                map(row.getJsonObject("parameters")));
                                phases.add(
                                        new PhaseState(
                                                plan,
                                                PhaseStatus.valueOf(row.getString("status")),
                                                instant(row.getOffsetDateTime("started_at")),
                                                instant(row.getOffsetDateTime("completed_at")),
                                                row.getString("verdict"),
                                                instant(row.getOffsetDateTime("deadline_at"))));
                            }
                            return List.copyOf(phases);
                        });
    }

    private static Uni<List<String>> approvers(SqlClient client, UUID id) {
        return client.preparedQuery(
                        "SELECT approver FROM deployment_approval WHERE deployment_id = $1 "
                                + "ORDER BY approved_at, approver")
                .execute(Tuple.of(id))
                .map(
                        rows -> {
                            List<String> approvers = new ArrayList<>();
                            rows.forEach(row -> approvers.add(row.getString(0)));
                            return List.copyOf(approvers);
                        });
    }

    private static StoredDeployment stored(
            Row row, List<PhaseState> phases, List<String> approvals) {
        DeploymentRequested request;
        try {
            request =
                    EventCodec.mapper()
                            .readValue(
                                    row.getJsonObject("spec").encode(), DeploymentRequested.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        DeploymentState state =
                new DeploymentState(
                        row.getUUID("id"),
                        request,
                        DeploymentStatus.valueOf(row.getString("status")),
                        row.getInteger("attempt"),
                        row.getInteger("current_phase"),
                        phases,
                        approvals,
                        row.getInteger("required_approvals"),
                        row.getString("reason"),
                        instant(row.getOffsetDateTime("created_at")),
                        instant(row.getOffsetDateTime("finished_at")),
                        row.getBoolean("aborting"),
                        instant(row.getOffsetDateTime("rollback_deadline")),
                        row.getString("rollback_verification") == null
                                ? null
                                : RollbackVerification.valueOf(
                                        row.getString("rollback_verification")));
        return new StoredDeployment(
                state,
                row.getString("origin"),
                row.getString("request_fingerprint"),
                instant(row.getOffsetDateTime("updated_at")));
    }

    private static Map<String, Object> map(JsonObject json) {
        try {
            return EventCodec.mapper().readValue(json.encode(), MAP);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
