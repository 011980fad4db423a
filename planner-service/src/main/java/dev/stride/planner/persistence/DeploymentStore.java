package dev.stride.planner.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.PhaseType;
import dev.stride.planner.machine.DeploymentState;
import dev.stride.planner.machine.DeploymentStatus;
import dev.stride.planner.machine.PhaseState;
import dev.stride.planner.machine.PhaseStatus;
import dev.stride.planner.machine.TimelineEntry;
import dev.stride.planner.plan.PhasePlan;
import dev.stride.planner.plan.PlannedPhase;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL for deployments, their phases, approvals and timeline. Writes take the caller's transaction. */
@ApplicationScoped
public class DeploymentStore {

    private static final String COLUMNS = "id, spec, status, attempt, current_phase, required_approvals, reason, "
            + "origin, request_fingerprint, created_at, updated_at, finished_at, aborting, rollback_deadline";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Pool pool;

    public DeploymentStore(Pool pool) {
        this.pool = pool;
    }

    /** A stored deployment with what only the store knows (where it came from, its request fingerprint). */
    public record Stored(DeploymentState state, String origin, String requestFingerprint, Instant updatedAt) {
    }

    // ---- Serialising transitions -------------------------------------------------------------------------------

    /**
     * Serialises every transition of one application's deployments to one environment for the rest of the
     * transaction, so the one-active-deployment rule and the queue hold across replicas.
     */
    public Uni<Void> lockScope(SqlClient tx, String application, String environment) {
        return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .execute(Tuple.of(application + "/" + environment)).replaceWithVoid();
    }

    /** The application and environment of a deployment, read without locking, to take the scope lock first. */
    public Uni<Optional<String[]>> scopeOf(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT application, environment FROM deployment WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(new String[] {
                        rows.iterator().next().getString(0), rows.iterator().next().getString(1)}));
    }

    // ---- Creating --------------------------------------------------------------------------------------------

    /**
     * Inserts a new REQUESTED deployment with its plan unless one with its id or its idempotency key exists.
     * Emits {@code true} when the rows were inserted.
     */
    public Uni<Boolean> insert(SqlClient tx, DeploymentRequested request, PhasePlan plan, int requiredApprovals,
            String origin, String idempotencyKey, String fingerprint) {
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
                .addOffsetDateTime(offset(request.commitTime()))
                .addValue(new JsonObject(json(request)))
                .addString(origin)
                .addString(idempotencyKey)
                .addString(fingerprint)
                .addInteger(requiredApprovals);
        return tx.preparedQuery("INSERT INTO deployment (id, application, environment, version, artifact, strategy, "
                        + "status, requested_by, commit_sha, commit_time, spec, origin, idempotency_key, "
                        + "request_fingerprint, required_approvals) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
                        + "ON CONFLICT DO NOTHING")
                .execute(values)
                .flatMap(result -> result.rowCount() == 1
                        ? insertPhases(tx, request.deploymentId(), plan).replaceWith(Boolean.TRUE)
                        : Uni.createFrom().item(Boolean.FALSE));
    }

    private Uni<Void> insertPhases(SqlClient tx, UUID id, PhasePlan plan) {
        if (plan.size() == 0) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        for (PlannedPhase phase : plan.phases()) {
            rows.add(Tuple.tuple().addUUID(id).addInteger(phase.index()).addString(phase.type().name())
                    .addString(phase.name()).addInteger(phase.trafficPercentage())
                    .addLong(phase.hold() == null ? null : phase.hold().toMillis()).addBoolean(phase.analysed())
                    .addValue(new JsonObject(json(phase.parameters()))).addString(PhaseStatus.PENDING.name()));
        }
        return tx.preparedQuery("INSERT INTO deployment_phase (deployment_id, idx, type, name, traffic_percentage, "
                        + "hold_ms, analysed, parameters, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .executeBatch(rows).replaceWithVoid();
    }

    // ---- Loading ---------------------------------------------------------------------------------------------

    /** Loads a deployment for a transition, locking its row until the transaction ends. */
    public Uni<Optional<Stored>> loadForUpdate(SqlConnection tx, UUID id) {
        return load(tx, id, " FOR UPDATE");
    }

    public Uni<Optional<Stored>> find(UUID id) {
        return pool.withConnection(c -> load(c, id, ""));
    }

    public Uni<Optional<Stored>> findByIdempotencyKey(SqlClient client, String key) {
        return client.preparedQuery("SELECT id FROM deployment WHERE idempotency_key = $1").execute(Tuple.of(key))
                .flatMap(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(Optional.<Stored>empty())
                        : find(rows.iterator().next().getUUID(0)));
    }

    private Uni<Optional<Stored>> load(SqlClient client, UUID id, String lock) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM deployment WHERE id = $1" + lock)
                .execute(Tuple.of(id))
                .flatMap(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().item(Optional.<Stored>empty());
                    }
                    Row row = rows.iterator().next();
                    return phases(client, id).flatMap(phases -> approvers(client, id).map(approvals ->
                            Optional.of(stored(row, phases, approvals))));
                });
    }

    private Uni<List<PhaseState>> phases(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT idx, type, name, traffic_percentage, hold_ms, analysed, parameters, "
                        + "status, started_at, completed_at, verdict, deadline_at FROM deployment_phase "
                        + "WHERE deployment_id = $1 ORDER BY idx")
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<PhaseState> phases = new ArrayList<>();
                    for (Row row : rows) {
                        Long hold = row.getLong("hold_ms");
                        PlannedPhase plan = new PlannedPhase(row.getInteger("idx"),
                                PhaseType.valueOf(row.getString("type")), row.getString("name"),
                                row.getInteger("traffic_percentage"), hold == null ? null : Duration.ofMillis(hold),
                                row.getBoolean("analysed"), map(row.getJsonObject("parameters")));
                        phases.add(new PhaseState(plan, PhaseStatus.valueOf(row.getString("status")),
                                instant(row.getOffsetDateTime("started_at")),
                                instant(row.getOffsetDateTime("completed_at")), row.getString("verdict"),
                                instant(row.getOffsetDateTime("deadline_at"))));
                    }
                    return List.copyOf(phases);
                });
    }

    private Uni<List<String>> approvers(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT approver FROM deployment_approval WHERE deployment_id = $1 "
                        + "ORDER BY approved_at, approver")
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<String> approvers = new ArrayList<>();
                    rows.forEach(row -> approvers.add(row.getString(0)));
                    return List.copyOf(approvers);
                });
    }

    // ---- Saving a transition -----------------------------------------------------------------------------------

    /** Writes a transition's state: the deployment row, its phases, new approvals (with their comment) and the timeline. */
    public Uni<Void> save(SqlConnection tx, DeploymentState before, DeploymentState after,
            List<TimelineEntry> timeline, String approvalComment, Instant now) {
        Uni<Void> row = tx.preparedQuery("UPDATE deployment SET status = $2, current_phase = $3, reason = $4, "
                        + "finished_at = $5, updated_at = $6, aborting = $7, rollback_deadline = $8 WHERE id = $1")
                .execute(Tuple.tuple().addUUID(after.id()).addString(after.status().name())
                        .addInteger(after.currentPhase()).addString(after.reason())
                        .addOffsetDateTime(offset(after.finishedAt())).addOffsetDateTime(offset(now))
                        .addBoolean(after.aborting()).addOffsetDateTime(offset(after.rollbackDeadline())))
                .replaceWithVoid();
        List<Tuple> changedPhases = new ArrayList<>();
        for (PhaseState phase : after.phases()) {
            if (!phase.equals(before.phases().get(phase.index()))) {
                changedPhases.add(Tuple.tuple().addUUID(after.id()).addInteger(phase.index())
                        .addString(phase.status().name()).addOffsetDateTime(offset(phase.startedAt()))
                        .addOffsetDateTime(offset(phase.completedAt())).addString(phase.verdict())
                        .addOffsetDateTime(offset(phase.deadline())));
            }
        }
        Uni<Void> phases = changedPhases.isEmpty() ? Uni.createFrom().voidItem()
                : tx.preparedQuery("UPDATE deployment_phase SET status = $3, started_at = $4, completed_at = $5, "
                        + "verdict = $6, deadline_at = $7 WHERE deployment_id = $1 AND idx = $2")
                        .executeBatch(changedPhases).replaceWithVoid();
        List<Tuple> newApprovals = after.approvals().stream().filter(a -> !before.approvals().contains(a))
                .map(a -> Tuple.tuple().addUUID(after.id()).addString(a).addString(approvalComment)
                        .addOffsetDateTime(offset(now)))
                .toList();
        Uni<Void> approvals = newApprovals.isEmpty() ? Uni.createFrom().voidItem()
                : tx.preparedQuery("INSERT INTO deployment_approval (deployment_id, approver, comment, approved_at) "
                        + "VALUES ($1, $2, $3, $4)").executeBatch(newApprovals).replaceWithVoid();
        return row.flatMap(x -> phases).flatMap(x -> approvals).flatMap(x -> appendTimeline(tx, after.id(), timeline));
    }

    public Uni<Void> appendTimeline(SqlClient tx, UUID id, List<TimelineEntry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = entries.stream().map(e -> Tuple.tuple().addUUID(id).addOffsetDateTime(offset(e.at()))
                .addString(e.actor()).addString(e.action()).addString(e.detail())).toList();
        return tx.preparedQuery("INSERT INTO deployment_timeline (deployment_id, at, actor, action, detail) "
                + "VALUES ($1, $2, $3, $4, $5)").executeBatch(rows).replaceWithVoid();
    }

    // ---- The queue and the rules -------------------------------------------------------------------------------

    public Uni<Boolean> anotherActive(SqlClient client, String application, String environment, UUID except) {
        return client.preparedQuery("SELECT 1 FROM deployment WHERE application = $1 AND environment = $2 "
                        + "AND status IN ('IN_PROGRESS', 'PAUSED', 'ROLLING_BACK') AND id <> $3 LIMIT 1")
                .execute(Tuple.of(application, environment, except))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The oldest deployment waiting in the queue of an application and environment. */
    public Uni<Optional<UUID>> nextQueued(SqlClient client, String application, String environment) {
        return client.preparedQuery("SELECT id FROM deployment WHERE application = $1 AND environment = $2 "
                        + "AND status = 'REQUESTED' ORDER BY created_at, id LIMIT 1")
                .execute(Tuple.of(application, environment))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID(0)));
    }

    /** 1 for the next to start; empty unless the deployment waits in the queue. */
    public Uni<Optional<Integer>> queuePosition(SqlClient client, DeploymentState d) {
        if (d.status() != DeploymentStatus.REQUESTED) {
            return Uni.createFrom().item(Optional.empty());
        }
        return client.preparedQuery("SELECT count(*) FROM deployment WHERE application = $1 AND environment = $2 "
                        + "AND status = 'REQUESTED' AND (created_at, id) < ($3, $4)")
                .execute(Tuple.tuple().addString(d.request().application())
                        .addString(d.request().environment().wireName()).addOffsetDateTime(offset(d.createdAt()))
                        .addUUID(d.id()))
                .map(rows -> Optional.of(rows.iterator().next().getLong(0).intValue() + 1));
    }

    public Uni<Boolean> succeededIn(SqlClient client, String application, String environment, String version) {
        return client.preparedQuery("SELECT 1 FROM deployment WHERE application = $1 AND environment = $2 "
                        + "AND version = $3 AND status = 'SUCCEEDED' LIMIT 1")
                .execute(Tuple.of(application, environment, version))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Phases whose deadline has passed (by the planner's clock) while they were still requested or running. */
    public Uni<List<PhaseDue>> duePhases(Instant now, int limit) {
        return pool.preparedQuery("SELECT deployment_id, idx FROM deployment_phase WHERE deadline_at < $1 "
                        + "AND status IN ('REQUESTED', 'RUNNING') ORDER BY deadline_at LIMIT $2")
                .execute(Tuple.of(offset(now), limit))
                .map(rows -> {
                    List<PhaseDue> due = new ArrayList<>();
                    rows.forEach(row -> due.add(new PhaseDue(row.getUUID(0), row.getInteger(1))));
                    return due;
                });
    }

    public record PhaseDue(UUID deploymentId, int phase) {
    }

    /** Deployments still rolling back past their rollback deadline. */
    public Uni<List<UUID>> dueRollbacks(Instant now, int limit) {
        return pool.preparedQuery("SELECT id FROM deployment WHERE rollback_deadline < $1 AND status = 'ROLLING_BACK' "
                        + "ORDER BY rollback_deadline LIMIT $2")
                .execute(Tuple.of(offset(now), limit))
                .map(rows -> {
                    List<UUID> due = new ArrayList<>();
                    rows.forEach(row -> due.add(row.getUUID(0)));
                    return due;
                });
    }

    /** Whether an idempotency key is taken, inside the caller's transaction (no second connection). */
    public Uni<Boolean> idempotencyKeyTaken(SqlClient tx, String key) {
        return tx.preparedQuery("SELECT 1 FROM deployment WHERE idempotency_key = $1").execute(Tuple.of(key))
                .map(rows -> rows.rowCount() > 0);
    }

    // ---- Reading for the API ---------------------------------------------------------------------------------

    public record Approval(String approver, String comment, Instant approvedAt) {
    }

    public Uni<List<Approval>> approvals(UUID id) {
        return pool.preparedQuery("SELECT approver, comment, approved_at FROM deployment_approval "
                        + "WHERE deployment_id = $1 ORDER BY approved_at, approver")
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<Approval> approvals = new ArrayList<>();
                    rows.forEach(r -> approvals.add(new Approval(r.getString(0), r.getString(1),
                            instant(r.getOffsetDateTime(2)))));
                    return approvals;
                });
    }

    public Uni<List<TimelineEntry>> timeline(UUID id) {
        return pool.preparedQuery("SELECT at, actor, action, detail FROM deployment_timeline WHERE deployment_id = $1 "
                        + "ORDER BY seq")
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<TimelineEntry> entries = new ArrayList<>();
                    rows.forEach(r -> entries.add(new TimelineEntry(instant(r.getOffsetDateTime(0)), r.getString(1),
                            r.getString(2), r.getString(3))));
                    return entries;
                });
    }

    /** One page of deployments, newest first, with the total count of matches. */
    public Uni<Page> list(DeploymentQuery query) {
        List<String> conditions = new ArrayList<>();
        Tuple params = Tuple.tuple();
        query.application().ifPresent(a -> condition(conditions, params, "application", a));
        query.environment().ifPresent(e -> condition(conditions, params, "environment", e));
        query.status().ifPresent(s -> condition(conditions, params, "status", s.name()));
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        Tuple filters = Tuple.tuple();
        for (int i = 0; i < params.size(); i++) {
            filters.addValue(params.getValue(i));
        }
        int limit = params.size() + 1;
        params.addInteger(query.size()).addLong((long) query.page() * query.size());
        return pool.withConnection(c -> c.preparedQuery("SELECT count(*) FROM deployment" + where).execute(filters)
                .flatMap(count -> c.preparedQuery("SELECT id FROM deployment" + where
                                + " ORDER BY created_at DESC, id LIMIT $" + limit + " OFFSET $" + (limit + 1))
                        .execute(params)
                        .flatMap(ids -> {
                            List<UUID> found = new ArrayList<>();
                            ids.forEach(r -> found.add(r.getUUID(0)));
                            // One query after another: a connection runs one at a time.
                            return Multi.createFrom().iterable(found)
                                    .onItem().transformToUniAndConcatenate(id -> load(c, id, "")
                                            .map(Optional::orElseThrow))
                                    .collect().asList()
                                    .map(list -> new Page(list, count.iterator().next().getLong(0)));
                        })));
    }

    private static void condition(List<String> conditions, Tuple params, String column, String value) {
        params.addString(value);
        conditions.add(column + " = $" + params.size());
    }

    public record Page(List<Stored> items, long total) {
    }

    // ---- Mapping ---------------------------------------------------------------------------------------------

    private static Stored stored(Row row, List<PhaseState> phases, List<String> approvals) {
        DeploymentRequested request;
        try {
            request = EventCodec.mapper().readValue(row.getJsonObject("spec").encode(), DeploymentRequested.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        DeploymentState state = new DeploymentState(row.getUUID("id"), request,
                DeploymentStatus.valueOf(row.getString("status")), row.getInteger("attempt"),
                row.getInteger("current_phase"), phases, approvals, row.getInteger("required_approvals"),
                row.getString("reason"), instant(row.getOffsetDateTime("created_at")),
                instant(row.getOffsetDateTime("finished_at")), row.getBoolean("aborting"),
                instant(row.getOffsetDateTime("rollback_deadline")));
        return new Stored(state, row.getString("origin"), row.getString("request_fingerprint"),
                instant(row.getOffsetDateTime("updated_at")));
    }

    private static Map<String, Object> map(JsonObject json) {
        try {
            return EventCodec.mapper().readValue(json.encode(), MAP);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static OffsetDateTime offset(Instant time) {
        return time == null ? null : time.atOffset(ZoneOffset.UTC);
    }

    private static String json(Object value) {
        try {
            return EventCodec.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
