package dev.stride.executor.run;

import static dev.stride.kit.persistence.Columns.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.stride.events.EventCodec;
import dev.stride.events.PhaseType;
import dev.stride.events.spec.Target;
import dev.stride.executor.migration.DatabaseBackups;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQL for executions and their step log. */
@ApplicationScoped
public class ExecutionStore {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Pool pool;

    public ExecutionStore(Pool pool) {
        this.pool = pool;
    }

    /** Records a phase or rollback to do, once: a repeat of the same step of the same attempt changes nothing. */
    public Uni<Boolean> request(
            SqlClient tx,
            UUID deploymentId,
            int attempt,
            String step,
            PhaseType type,
            Integer phaseIndex,
            Target target,
            Map<String, Object> parameters,
            String endpoint) {
        return tx.preparedQuery(
                        "INSERT INTO execution (deployment_id, attempt, step, phase_type, phase_index, target, "
                                + "parameters, status, endpoint) VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING', $8) "
                                + "ON CONFLICT DO NOTHING")
                .execute(
                        Tuple.tuple()
                                .addUUID(deploymentId)
                                .addInteger(attempt)
                                .addString(step)
                                .addString(type == null ? null : type.name())
                                .addInteger(phaseIndex)
                                .addValue(target == null ? null : new JsonObject(json(target)))
                                .addValue(new JsonObject(json(parameters)))
                                .addString(endpoint))
                .map(rows -> rows.rowCount() == 1);
    }

    /** A rollback supersedes the phases of its attempt that have not been worked on yet. */
    public Uni<Void> cancelOpenPhases(SqlClient tx, UUID deploymentId, int attempt) {
        return tx.preparedQuery(
                        "UPDATE execution SET status = 'CANCELLED', finished_at = now() "
                                + "WHERE deployment_id = $1 AND attempt = $2 AND step <> 'rollback' AND status = 'PENDING'")
                .execute(Tuple.of(deploymentId, attempt))
                .replaceWithVoid();
    }

    /** The target an attempt's phases were applied to, if any reached the executor. */
    public Uni<java.util.Optional<Target>> targetOf(SqlClient tx, UUID deploymentId, int attempt) {
        return tx.preparedQuery(
                        "SELECT target FROM execution WHERE deployment_id = $1 AND attempt = $2 "
                                + "AND target IS NOT NULL ORDER BY id LIMIT 1")
                .execute(Tuple.of(deploymentId, attempt))
                .map(
                        rows -> {
                            if (rows.rowCount() == 0) {
                                return java.util.Optional.<Target>empty();
                            }
                            try {
                                return java.util.Optional.of(
                                        EventCodec.mapper()
                                                .readValue(
                                                        rows.iterator()
                                                                .next()
                                                                .getJsonObject(0)
                                                                .encode(),
                                                        Target.class));
                            } catch (JsonProcessingException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
    }

    public Uni<Boolean> rollbackRequested(SqlClient tx, UUID deploymentId, int attempt) {
        return tx.preparedQuery(
                        "SELECT 1 FROM execution WHERE deployment_id = $1 AND attempt = $2 AND step = 'rollback'")
                .execute(Tuple.of(deploymentId, attempt))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * Claims up to {@code limit} executions to work on: new ones, and ones a crashed worker left APPLYING without
     * renewing its claim for longer than {@code stale}. One deployment's executions are taken in order, never two at
     * once, on whichever replica claims them. Rollbacks come first; with {@code rollbacksOnly} nothing else is taken
     * (the slots kept free for them). Executions of the {@code full} endpoints are left where they are.
     */
    public Uni<List<Execution>> claim(
            int limit, Duration stale, boolean rollbacksOnly, List<String> full) {
        return pool.withTransaction(
                tx ->
                        tx.preparedQuery(
                                        "UPDATE execution e SET status = 'APPLYING', claimed_at = now(), tries = tries + 1 "
                                                + "WHERE e.id IN (SELECT id FROM execution o WHERE ((o.status = 'PENDING' "
                                                + "AND (o.not_before IS NULL OR o.not_before <= now())) OR "
                                                + "(o.status = 'APPLYING' AND o.claimed_at < now() - make_interval(secs => $2))) "
                                                + "AND (NOT $3 OR o.step = 'rollback') "
                                                + "AND (o.endpoint IS NULL OR o.endpoint <> ALL($4)) "
                                                + "AND NOT EXISTS (SELECT 1 FROM execution p WHERE p.deployment_id = o.deployment_id "
                                                + "AND p.id < o.id AND p.status IN ('PENDING', 'APPLYING')) "
                                                + "ORDER BY (o.step = 'rollback') DESC, o.id LIMIT $1 FOR UPDATE SKIP LOCKED) "
                                                + "RETURNING id, deployment_id, attempt, step, phase_type, phase_index, target, "
                                                + "parameters, tries, held_since")
                                .execute(
                                        Tuple.of(
                                                limit,
                                                (double) stale.toMillis() / 1000,
                                                rollbacksOnly,
                                                full.toArray(String[]::new)))
                                .map(
                                        rows -> {
                                            List<Execution> claimed = new ArrayList<>();
                                            for (Row row : rows) {
                                                claimed.add(map(row));
                                            }
                                            claimed.sort((a, b) -> Long.compare(a.id(), b.id()));
                                            return claimed;
                                        }));
    }

    /** Renews the claims of executions this replica is working on, so no other replica takes them as stale. */
    public Uni<Void> renew(List<Long> ids) {
        return pool.preparedQuery(
                        "UPDATE execution SET claimed_at = now() WHERE id = ANY($1) AND status = 'APPLYING'")
                .execute(Tuple.of(ids.toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /**
     * Gives a claimed execution back untouched (its endpoint's share of the workers is taken), the claim not counted
     * as a try.
     */
    public Uni<Void> release(long id) {
        return pool.preparedQuery(
                        "UPDATE execution SET status = 'PENDING', claimed_at = NULL, tries = tries - 1 "
                                + "WHERE id = $1 AND status = 'APPLYING'")
                .execute(Tuple.of(id))
                .replaceWithVoid();
    }

    /** Whether a rollback of this attempt has been asked for (a phase in flight stops at its next call). */
    public Uni<Boolean> rollbackRequested(UUID deploymentId, int attempt) {
        return rollbackRequested(pool, deploymentId, attempt);
    }

    /**
     * Puts a claimed execution back to wait until {@code delay} from now, if it was asked for less than
     * {@code patience} ago; false when its patience is spent (or another worker ended it).
     */
    public Uni<Boolean> retryLater(long id, Duration delay, Duration patience) {
        return pool.preparedQuery(
                        "UPDATE execution SET status = 'PENDING', claimed_at = NULL, "
                                + "not_before = now() + make_interval(secs => $2) WHERE id = $1 AND status = 'APPLYING' "
                                + "AND created_at > now() - make_interval(secs => $3) RETURNING id")
                .execute(
                        Tuple.of(
                                id,
                                (double) delay.toMillis() / 1000,
                                (double) patience.toMillis() / 1000))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * DeploymentPaused: the attempt's open ROLLOUT is held. It is taken up at once (the worker holds the platform's
     * rollout), then waits for the resume; its patience does not run meanwhile.
     */
    public Uni<Void> hold(SqlClient tx, UUID deploymentId, int attempt) {
        return tx.preparedQuery(
                        "UPDATE execution SET held_since = now(), not_before = now() WHERE deployment_id = $1 "
                                + "AND attempt = $2 AND phase_type = 'ROLLOUT' AND status IN ('PENDING', 'APPLYING') "
                                + "AND held_since IS NULL")
                .execute(Tuple.of(deploymentId, attempt))
                .replaceWithVoid();
    }

    /**
     * DeploymentResumed: a held ROLLOUT goes on at once, applied again (which lifts the platform's hold), its
     * patience moved on by the time it was held.
     */
    public Uni<Void> release(SqlClient tx, UUID deploymentId, int attempt) {
        return tx.preparedQuery(
                        "UPDATE execution SET created_at = created_at + (now() - held_since), held_since = NULL, "
                                + "not_before = now() WHERE deployment_id = $1 AND attempt = $2 AND held_since IS NOT NULL")
                .execute(Tuple.of(deploymentId, attempt))
                .replaceWithVoid();
    }

    /** A held execution waits for the resume (which takes it up at once), looked at again after {@code delay}. */
    public Uni<Void> waitHeld(long id, Duration delay) {
        return pool.preparedQuery(
                        "UPDATE execution SET status = 'PENDING', claimed_at = NULL, "
                                + "not_before = now() + make_interval(secs => $2) WHERE id = $1 AND status = 'APPLYING'")
                .execute(Tuple.of(id, (double) delay.toMillis() / 1000))
                .replaceWithVoid();
    }

    /** Ends an execution; false if it had already ended (another worker got there first). */
    public Uni<Boolean> finish(SqlClient tx, long id, String status, String outcome) {
        return tx.preparedQuery(
                        "UPDATE execution SET status = $2, outcome = $3, finished_at = now() "
                                + "WHERE id = $1 AND status = 'APPLYING'")
                .execute(Tuple.of(id, status, outcome))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Marks a MIGRATION execution announced; true the first time only (its PhaseStarted is written once). */
    public Uni<Boolean> markStarted(SqlClient tx, long id) {
        return tx.preparedQuery(
                        "UPDATE execution SET started_at = now() WHERE id = $1 AND started_at IS NULL")
                .execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The backup a MIGRATION execution recorded, if any. */
    public Uni<java.util.Optional<DatabaseBackups.Backup>> backupOf(long executionId) {
        return pool.preparedQuery(
                        "SELECT location, bytes, sha256, took_ms FROM migration_backup WHERE execution_id = $1")
                .execute(Tuple.of(executionId))
                .map(ExecutionStore::firstBackup);
    }

    /** The backup the attempt's MIGRATION phases recorded (the first, taken before anything migrated), if any. */
    public Uni<java.util.Optional<DatabaseBackups.Backup>> backupOfAttempt(
            UUID deploymentId, int attempt) {
        return pool.preparedQuery(
                        "SELECT location, bytes, sha256, took_ms FROM migration_backup"
                                + " WHERE deployment_id = $1 AND attempt = $2 ORDER BY taken_at LIMIT 1")
                .execute(Tuple.of(deploymentId, attempt))
                .map(ExecutionStore::firstBackup);
    }

    private static java.util.Optional<DatabaseBackups.Backup> firstBackup(RowSet<Row> rows) {
        var it = rows.iterator();
        if (!it.hasNext()) {
            return java.util.Optional.empty();
        }
        Row row = it.next();
        return java.util.Optional.of(
                new DatabaseBackups.Backup(
                        java.nio.file.Path.of(row.getString("location")),
                        row.getLong("bytes"),
                        row.getString("sha256"),
                        Duration.ofMillis(row.getLong("took_ms"))));
    }

    /** Whether the attempt backed up a database whose request asked for the restore on rollback. */
    public Uni<Boolean> restoreFollows(UUID deploymentId, int attempt) {
        return pool.preparedQuery(
                        "SELECT 1 FROM migration_backup b JOIN execution x ON x.id = b.execution_id"
                                + " WHERE b.deployment_id = $1 AND b.attempt = $2"
                                + " AND x.parameters ->> 'restoreOnRollback' = 'true' LIMIT 1")
                .execute(Tuple.of(deploymentId, attempt))
                .map(rows -> rows.iterator().hasNext());
    }

    /** Records the backup of a MIGRATION execution (a later one of the same execution replaces it). */
    public Uni<Void> recordBackup(Execution e, DatabaseBackups.Backup backup) {
        return pool.preparedQuery(
                        "INSERT INTO migration_backup (execution_id, deployment_id, attempt, location, bytes, sha256, took_ms) "
                                + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (execution_id) DO UPDATE SET "
                                + "location = EXCLUDED.location, bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256, "
                                + "took_ms = EXCLUDED.took_ms, taken_at = now()")
                .execute(
                        Tuple.from(
                                java.util.List.of(
                                        e.id(),
                                        e.deploymentId(),
                                        e.attempt(),
                                        backup.file().toString(),
                                        backup.bytes(),
                                        backup.sha256(),
                                        backup.took().toMillis())))
                .replaceWithVoid();
    }

    /** Appends one platform call to the step log (its own statement: the log survives what follows). */
    public Uni<Void> logStep(
            long executionId, String call, String result, String detail, long durationMillis) {
        return pool.preparedQuery(
                        "INSERT INTO execution_step (execution_id, call, result, detail, duration_ms) "
                                + "VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(executionId, call, result, detail, durationMillis))
                .replaceWithVoid();
    }

    private static Execution map(Row row) {
        String type = row.getString("phase_type");
        try {
            JsonObject stored = row.getJsonObject("target");
            Target target =
                    stored == null
                            ? null
                            : EventCodec.mapper().readValue(stored.encode(), Target.class);
            Map<String, Object> parameters =
                    EventCodec.mapper().readValue(row.getJsonObject("parameters").encode(), MAP);
            return new Execution(
                    row.getLong("id"),
                    row.getUUID("deployment_id"),
                    row.getInteger("attempt"),
                    row.getString("step"),
                    type == null ? null : PhaseType.valueOf(type),
                    row.getInteger("phase_index"),
                    target,
                    parameters,
                    row.getInteger("tries"),
                    row.getOffsetDateTime("held_since") != null);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
