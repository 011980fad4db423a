package dev.stride.planner.persistence;

import static dev.stride.kit.persistence.Columns.json;
import static dev.stride.kit.persistence.Columns.utc;

import dev.stride.events.DeploymentRequested;
import dev.stride.planner.machine.DeploymentState;
import dev.stride.planner.machine.DeploymentStatus;
import dev.stride.planner.machine.PhaseState;
import dev.stride.planner.machine.PhaseStatus;
import dev.stride.planner.machine.TimelineEntry;
import dev.stride.planner.plan.PhasePlan;
import dev.stride.planner.plan.PlannedPhase;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL for a deployment's state: inserting it with its plan, loading it for a transition, writing what a
 * transition changed (row, phases, approvals, timeline), and the look-ups admission and the deadline watch need.
 * Writes take the caller's transaction. The queue of an application and environment is {@link DeploymentQueue};
 * what the API reads is {@link DeploymentReads}.
 */
@ApplicationScoped
public class DeploymentStore {

    private final Pool pool;

    public DeploymentStore(Pool pool) {
        this.pool = pool;
    }

    // ---- Creating
    // --------------------------------------------------------------------------------------------

    /**
     * Inserts a new REQUESTED deployment with its plan unless one with its id or its idempotency key exists.
     * Emits {@code true} when the rows were inserted.
     */
    public Uni<Boolean> insert(
            SqlClient tx,
            DeploymentRequested request,
            PhasePlan plan,
            int requiredApprovals,
            String origin,
            String idempotencyKey,
            String fingerprint) {
        Tuple values =
                Tuple.tuple()
                        .addUUID(request.deploymentId())
                        .addString(request.application())
                        .addString(request.environment().wireName())
                        .addString(request.version())
                        .addString(request.artifact())
                        .addString(request.deployment().strategy())
                        .addString(DeploymentStatus.REQUESTED.name())
                        .addString(request.requestedBy())
                        .addString(request.commitSha())
                        .addOffsetDateTime(utc(request.commitTime()))
                        .addValue(new JsonObject(json(request)))
                        .addString(origin)
                        .addString(idempotencyKey)
                        .addString(fingerprint)
                        .addInteger(requiredApprovals);
        return tx.preparedQuery(
                        "INSERT INTO deployment (id, application, environment, version, artifact, strategy, "
                                + "status, requested_by, commit_sha, commit_time, spec, origin, idempotency_key, "
                                + "request_fingerprint, required_approvals) "
                                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
                                + "ON CONFLICT DO NOTHING")
                .execute(values)
                .flatMap(
                        result ->
                                result.rowCount() == 1
                                        ? insertPhases(tx, request.deploymentId(), plan)
                                                .replaceWith(Boolean.TRUE)
                                        : Uni.createFrom().item(Boolean.FALSE));
    }

    private Uni<Void> insertPhases(SqlClient tx, UUID id, PhasePlan plan) {
        if (plan.size() == 0) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        for (PlannedPhase phase : plan.phases()) {
            rows.add(
                    Tuple.tuple()
                            .addUUID(id)
                            .addInteger(phase.index())
                            .addString(phase.type().name())
                            .addString(phase.name())
                            .addInteger(phase.trafficPercentage())
                            .addLong(phase.hold() == null ? null : phase.hold().toMillis())
                            .addBoolean(phase.analysed())
                            .addValue(new JsonObject(json(phase.parameters())))
                            .addString(PhaseStatus.PENDING.name()));
        }
        return tx.preparedQuery(
                        "INSERT INTO deployment_phase (deployment_id, idx, type, name, traffic_percentage, "
                                + "hold_ms, analysed, parameters, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .executeBatch(rows)
                .replaceWithVoid();
    }

    // ---- Loading
    // ---------------------------------------------------------------------------------------------

    /** Loads a deployment for a transition, locking its row until the transaction ends. */
    public Uni<Optional<StoredDeployment>> loadForUpdate(SqlConnection tx, UUID id) {
        return DeploymentRows.load(tx, id, " FOR UPDATE");
    }

    /** The deployment an idempotency key was used for; the deployment is loaded on a connection of its own. */
    public Uni<Optional<StoredDeployment>> findByIdempotencyKey(SqlClient client, String key) {
        return client.preparedQuery("SELECT id FROM deployment WHERE idempotency_key = $1")
                .execute(Tuple.of(key))
                .flatMap(
                        rows ->
                                rows.rowCount() == 0
                                        ? Uni.createFrom().item(Optional.<StoredDeployment>empty())
                                        : pool.withConnection(
                                                c ->
                                                        DeploymentRows.load(
                                                                c,
                                                                rows.iterator().next().getUUID(0),
                                                                "")));
    }

    // ---- Saving a transition
    // -----------------------------------------------------------------------------------

    /** Writes a transition's state: the deployment row, its phases, new approvals (with their comment) and the timeline. */
    public Uni<Void> save(
            SqlConnection tx,
            DeploymentState before,
            DeploymentState after,
            List<TimelineEntry> timeline,
            String approvalComment,
            Instant now) {
        Uni<Void> row =
                tx.preparedQuery(
                                "UPDATE deployment SET status = $2, current_phase = $3, reason = $4, "
                                        + "finished_at = $5, updated_at = $6, aborting = $7, rollback_deadline = $8, "
                                        + "rollback_verification = $9 WHERE id = $1")
                        .execute(
                                Tuple.tuple()
                                        .addUUID(after.id())
                                        .addString(after.status().name())
                                        .addInteger(after.currentPhase())
                                        .addString(after.reason())
                                        .addOffsetDateTime(utc(after.finishedAt()))
                                        .addOffsetDateTime(utc(now))
                                        .addBoolean(after.aborting())
                                        .addOffsetDateTime(utc(after.rollbackDeadline()))
                                        .addString(
                                                after.verification() == null
                                                        ? null
                                                        : after.verification().name()))
                        .replaceWithVoid();
        List<Tuple> changedPhases = new ArrayList<>();
        for (PhaseState phase : after.phases()) {
            if (!phase.equals(before.phases().get(phase.index()))) {
                changedPhases.add(
                        Tuple.tuple()
                                .addUUID(after.id())
                                .addInteger(phase.index())
                                .addString(phase.status().name())
                                .addOffsetDateTime(utc(phase.startedAt()))
                                .addOffsetDateTime(utc(phase.completedAt()))
                                .addString(phase.verdict())
                                .addOffsetDateTime(utc(phase.deadline())));
            }
        }
        Uni<Void> phases =
                changedPhases.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : tx.preparedQuery(
                                        "UPDATE deployment_phase SET status = $3, started_at = $4, completed_at = $5, "
                                                + "verdict = $6, deadline_at = $7 WHERE deployment_id = $1 AND idx = $2")
                                .executeBatch(changedPhases)
                                .replaceWithVoid();
        List<Tuple> newApprovals =
                after.approvals().stream()
                        .filter(a -> !before.approvals().contains(a))
                        .map(
                                a ->
                                        Tuple.tuple()
                                                .addUUID(after.id())
                                                .addString(a)
                                                .addString(approvalComment)
                                                .addOffsetDateTime(utc(now)))
                        .toList();
        Uni<Void> approvals =
                newApprovals.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : tx.preparedQuery(
                                        "INSERT INTO deployment_approval (deployment_id, approver, comment, approved_at) "
                                                + "VALUES ($1, $2, $3, $4)")
                                .executeBatch(newApprovals)
                                .replaceWithVoid();
        return row.flatMap(x -> phases)
                .flatMap(x -> approvals)
                .flatMap(x -> appendTimeline(tx, after.id(), timeline));
    }

    private Uni<Void> appendTimeline(SqlClient tx, UUID id, List<TimelineEntry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows =
                entries.stream()
                        .map(
                                e ->
                                        Tuple.tuple()
                                                .addUUID(id)
                                                .addOffsetDateTime(utc(e.at()))
                                                .addString(e.actor())
                                                .addString(e.action())
                                                .addString(e.detail()))
                        .toList();
        return tx.preparedQuery(
                        "INSERT INTO deployment_timeline (deployment_id, at, actor, action, detail) "
                                + "VALUES ($1, $2, $3, $4, $5)")
                .executeBatch(rows)
                .replaceWithVoid();
    }

    // ---- What admission and the deadline watch look up
    // -------------------------------------------------------

    public Uni<Boolean> succeededIn(
            SqlClient client, String application, String environment, String version) {
        return client.preparedQuery(
                        "SELECT 1 FROM deployment WHERE application = $1 AND environment = $2 "
                                + "AND version = $3 AND status = 'SUCCEEDED' LIMIT 1")
                .execute(Tuple.of(application, environment, version))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Phases whose deadline has passed (by the planner's clock) while they were still requested or running. */
    public Uni<List<PhaseDue>> duePhases(Instant now, int limit) {
        return pool.preparedQuery(
                        "SELECT deployment_id, idx FROM deployment_phase WHERE deadline_at < $1 "
                                + "AND status IN ('REQUESTED', 'RUNNING') ORDER BY deadline_at LIMIT $2")
                .execute(Tuple.of(utc(now), limit))
                .map(
                        rows -> {
                            List<PhaseDue> due = new ArrayList<>();
                            rows.forEach(
                                    row ->
                                            due.add(
                                                    new PhaseDue(
                                                            row.getUUID(0), row.getInteger(1))));
                            return due;
                        });
    }

    public record PhaseDue(UUID deploymentId, int phase) {}

    /**
     * Deployments rolling back past their rollback deadline: a rollback nobody reported done, or a verification
     * delay that has run out or a verification that did not report. Each comes with the version that last
     * SUCCEEDED in its application and environment before it (the stable version its verification measures), or
     * null when none did.
     */
    public Uni<List<RollbackDue>> dueRollbacks(Instant now, int limit) {
        return pool.preparedQuery(
                        "SELECT d.id, (SELECT s.version FROM deployment s WHERE s.application = d.application "
                                + "AND s.environment = d.environment AND s.status = 'SUCCEEDED' "
                                + "AND s.created_at < d.created_at ORDER BY s.finished_at DESC LIMIT 1) "
                                + "FROM deployment d WHERE d.rollback_deadline < $1 AND d.status = 'ROLLING_BACK' "
                                + "ORDER BY d.rollback_deadline LIMIT $2")
                .execute(Tuple.of(utc(now), limit))
                .map(
                        rows -> {
                            List<RollbackDue> due = new ArrayList<>();
                            rows.forEach(
                                    row ->
                                            due.add(
                                                    new RollbackDue(
                                                            row.getUUID(0), row.getString(1))));
                            return due;
                        });
    }

    public record RollbackDue(UUID deploymentId, String stableVersion) {}

    /** Whether an idempotency key is taken, inside the caller's transaction (no second connection). */
    public Uni<Boolean> idempotencyKeyTaken(SqlClient tx, String key) {
        return tx.preparedQuery("SELECT 1 FROM deployment WHERE idempotency_key = $1")
                .execute(Tuple.of(key))
                .map(rows -> rows.rowCount() > 0);
    }
}
