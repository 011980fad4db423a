package dev.stride.verifier.persistence;

import static dev.stride.kit.persistence.Columns.utc;

import dev.stride.events.PhaseType;
import dev.stride.verifier.analysis.Sample;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for analyses, their measurements and check results. */
@ApplicationScoped
public class AnalysisStore {

    private final Pool pool;

    public AnalysisStore(Pool pool) {
        this.pool = pool;
    }

    /** PhaseRequested arrived: records what to judge, once (a repeat changes nothing). */
    public Uni<Void> requested(
            SqlClient tx,
            AnalysisKey key,
            PhaseType type,
            JsonObject spec,
            String problem,
            String endpoint) {
        return tx.preparedQuery(
                        "INSERT INTO analysis (deployment_id, attempt, phase, phase_type, spec, problem, "
                                + "status, requested_at, endpoint) VALUES ($1, $2, $3, $4, $5, $6, 'WAITING', now(), $7) "
                                + "ON CONFLICT (deployment_id, attempt, phase) DO UPDATE SET phase_type = EXCLUDED.phase_type, "
                                + "spec = EXCLUDED.spec, problem = EXCLUDED.problem, requested_at = EXCLUDED.requested_at, "
                                + "endpoint = EXCLUDED.endpoint WHERE analysis.requested_at IS NULL")
                .execute(
                        keyed(key)
                                .addString(type.name())
                                .addValue(spec)
                                .addString(problem)
                                .addString(endpoint == null ? "" : endpoint))
                .replaceWithVoid();
    }

    /** PhaseStarted arrived: records when the phase's window opened, once. */
    public Uni<Void> started(SqlClient tx, AnalysisKey key, Instant at) {
        return tx.preparedQuery(
                        "INSERT INTO analysis (deployment_id, attempt, phase, status, started_at) "
                                + "VALUES ($1, $2, $3, 'WAITING', $4) ON CONFLICT (deployment_id, attempt, phase) "
                                + "DO UPDATE SET started_at = EXCLUDED.started_at WHERE analysis.started_at IS NULL")
                .execute(keyed(key).addOffsetDateTime(utc(at)))
                .replaceWithVoid();
    }

    /** A ROLLOUT's PhaseStarted: the platform reports the rollout done at {@code at}, once. */
    public Uni<Void> rolledOut(SqlClient tx, AnalysisKey key, Instant at) {
        return tx.preparedQuery(
                        "INSERT INTO analysis (deployment_id, attempt, phase, status, rolled_out_at) "
                                + "VALUES ($1, $2, $3, 'WAITING', $4) ON CONFLICT (deployment_id, attempt, phase) "
                                + "DO UPDATE SET rolled_out_at = EXCLUDED.rolled_out_at WHERE analysis.rolled_out_at IS NULL")
                .execute(keyed(key).addOffsetDateTime(utc(at)))
                .replaceWithVoid();
    }

    /** The analysis's row as it is, locked for the transaction. */
    public Uni<Optional<DueAnalysis>> lockWaiting(SqlClient tx, AnalysisKey key) {
        return tx.preparedQuery(
                        "SELECT deployment_id, attempt, phase, phase_type, spec, problem, started_at, measured, "
                                + "next_due_at, endpoint, rolled_out_at FROM analysis WHERE deployment_id = $1 AND attempt = $2 AND phase = $3 "
                                + "AND status = 'WAITING' AND requested_at IS NOT NULL AND started_at IS NOT NULL FOR UPDATE")
                .execute(keyed(key))
                .map(
                        rows ->
                                rows.rowCount() == 0
                                        ? Optional.empty()
                                        : Optional.of(due(rows.iterator().next())));
    }

    /** Sets a waiting analysis running, its first measurement due at {@code dueAt}. */
    public Uni<Void> run(SqlClient tx, AnalysisKey key, Instant dueAt) {
        return tx.preparedQuery(
                        "WITH held AS (SELECT EXISTS (SELECT 1 FROM analysis_pause WHERE deployment_id = $1) AS paused) "
                                + "UPDATE analysis SET status = 'RUNNING', "
                                + "next_due_at = CASE WHEN held.paused AND phase_type IN ('TRAFFIC', 'ROLLOUT') THEN NULL ELSE $4::timestamptz END, "
                                + "paused_due = CASE WHEN held.paused AND phase_type IN ('TRAFFIC', 'ROLLOUT') THEN $4::timestamptz END, "
                                + "paused_at = CASE WHEN held.paused AND phase_type IN ('TRAFFIC', 'ROLLOUT') THEN now() END "
                                + "FROM held WHERE deployment_id = $1 AND attempt = $2 AND phase = $3 AND status = 'WAITING'")
                .execute(keyed(key).addOffsetDateTime(utc(dueAt)))
                .replaceWithVoid();
    }

    /**
     * DeploymentPaused: suspends the deployment's running TRAFFIC and ROLLOUT analyses (none is measured again
     * until {@link #resume}) and remembers the pause for those that start meanwhile. A repeat changes nothing.
     */
    public Uni<Void> pause(SqlClient tx, UUID deploymentId, Instant at) {
        return tx.preparedQuery(
                        "INSERT INTO analysis_pause (deployment_id, paused_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(deploymentId, utc(at)))
                .flatMap(
                        x ->
                                tx.preparedQuery(
                                                "UPDATE analysis SET paused_at = $2, paused_due = next_due_at, next_due_at = NULL "
                                                        + "WHERE deployment_id = $1 AND status = 'RUNNING' AND paused_at IS NULL "
                                                        + "AND phase_type IN ('TRAFFIC', 'ROLLOUT')")
                                        .execute(Tuple.of(deploymentId, utc(at))))
                .replaceWithVoid();
    }

    /**
     * DeploymentResumed: the suspended analyses go on. Their start and next due time move on by the time each was
     * suspended, so the phase still holds its full time measured.
     */
    public Uni<Void> resume(SqlClient tx, UUID deploymentId, Instant at) {
        return tx.preparedQuery("DELETE FROM analysis_pause WHERE deployment_id = $1")
                .execute(Tuple.of(deploymentId))
                .flatMap(
                        x ->
                                tx.preparedQuery(
                                                "UPDATE analysis SET "
                                                        + "started_at = started_at + GREATEST($2::timestamptz - paused_at, interval '0'), "
                                                        + "next_due_at = paused_due + GREATEST($2::timestamptz - paused_at, interval '0'), "
                                                        + "paused_at = NULL, paused_due = NULL "
                                                        + "WHERE deployment_id = $1 AND status = 'RUNNING' AND paused_at IS NOT NULL")
                                        .execute(Tuple.of(deploymentId, utc(at))))
                .replaceWithVoid();
    }

    /**
     * The running, unsuspended TRAFFIC and ROLLOUT analyses of an application in an environment, locked for this
     * transaction (a measurement in flight writes its result after it).
     */
    public Uni<List<DueAnalysis>> runningIn(SqlClient tx, String application, String environment) {
        return tx.preparedQuery(
                        "SELECT deployment_id, attempt, phase, phase_type, spec, problem, started_at, measured, "
                                + "next_due_at, endpoint, rolled_out_at FROM analysis WHERE status = 'RUNNING' "
                                + "AND paused_at IS NULL AND phase_type IN ('TRAFFIC', 'ROLLOUT') "
                                + "AND spec->>'application' = $1 AND spec->>'environment' = $2 "
                                + "ORDER BY deployment_id, attempt, phase FOR UPDATE")
                .execute(Tuple.of(application, environment))
                .map(
                        rows -> {
                            List<DueAnalysis> running = new ArrayList<>();
                            for (Row row : rows) {
                                running.add(due(row));
                            }
                            return running;
                        });
    }

    /**
     * A running analysis on a new schedule (its spec, start and next due time), if it still has {@code measured}
     * measurements and is neither ended nor suspended.
     */
    public Uni<Boolean> reschedule(
            SqlClient tx,
            AnalysisKey key,
            int measured,
            JsonObject spec,
            Instant startedAt,
            Instant nextDue) {
        return tx.preparedQuery(
                        "UPDATE analysis SET spec = $5, started_at = $6, next_due_at = $7 "
                                + "WHERE deployment_id = $1 AND attempt = $2 AND phase = $3 AND status = 'RUNNING' "
                                + "AND paused_at IS NULL AND measured = $4")
                .execute(
                        keyed(key)
                                .addInteger(measured)
                                .addValue(spec)
                                .addOffsetDateTime(utc(startedAt))
                                .addOffsetDateTime(utc(nextDue)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Whether analyses of this attempt were stopped (rolled back, or the deployment is over). */
    public Uni<Boolean> isStopped(SqlClient tx, UUID deploymentId, int attempt) {
        return tx.preparedQuery(
                        "SELECT 1 FROM analysis_stop WHERE deployment_id = $1 AND up_to_attempt >= $2")
                .execute(Tuple.of(deploymentId, attempt))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Stops every waiting or running analysis of attempts up to {@code upToAttempt}, and any that comes late. */
    public Uni<Integer> stop(SqlClient tx, UUID deploymentId, int upToAttempt, String reason) {
        return tx.preparedQuery(
                        "INSERT INTO analysis_stop (deployment_id, up_to_attempt, reason) VALUES ($1, $2, $3) "
                                + "ON CONFLICT (deployment_id) DO UPDATE SET up_to_attempt = "
                                + "GREATEST(analysis_stop.up_to_attempt, EXCLUDED.up_to_attempt), reason = EXCLUDED.reason")
                .execute(Tuple.of(deploymentId, upToAttempt, reason))
                .flatMap(
                        x ->
                                tx.preparedQuery(
                                                "UPDATE analysis SET status = 'STOPPED', next_due_at = NULL, "
                                                        + "summary = $3, finished_at = now() WHERE deployment_id = $1 AND attempt <= $2 "
                                                        + "AND status IN ('WAITING', 'RUNNING')")
                                        .execute(Tuple.of(deploymentId, upToAttempt, reason)))
                .flatMap(
                        stopped ->
                                tx.preparedQuery(
                                                "DELETE FROM analysis_pause WHERE deployment_id = $1")
                                        .execute(Tuple.of(deploymentId))
                                        .map(x -> stopped.rowCount()));
    }

    /**
     * Claims up to {@code limit} running analyses whose next measurement is due, for {@code lease}: a tick or a
     * replica that finds them claimed leaves them alone until the lease runs out (a crash mid-measurement). The
     * bulkhead: none of an endpoint in {@code full}; at most {@code busyFree[i]} of endpoint {@code busy[i]}; at most
     * {@code share} of any other. Full endpoints are left out before the limit, so analyses due on a dead endpoint,
     * however many and however overdue, never crowd out the others.
     */
    public Uni<List<DueAnalysis>> claimDue(
            int limit,
            Duration lease,
            List<String> full,
            List<String> busy,
            List<Integer> busyFree,
            int share) {
        return pool.withTransaction(
                tx ->
                        tx.preparedQuery(
                                        "WITH candidate AS (SELECT deployment_id, attempt, phase, endpoint, next_due_at FROM analysis "
                                                + "WHERE status = 'RUNNING' AND next_due_at <= now() "
                                                + "AND (claimed_until IS NULL OR claimed_until < now()) "
                                                + "AND NOT (endpoint = ANY($3::text[])) "
                                                + "ORDER BY next_due_at LIMIT $6 FOR UPDATE SKIP LOCKED), "
                                                + "chosen AS (SELECT c.deployment_id, c.attempt, c.phase FROM (SELECT candidate.*, "
                                                + "row_number() OVER (PARTITION BY endpoint ORDER BY next_due_at) AS n "
                                                + "FROM candidate) c LEFT JOIN unnest($4::text[], $5::int[]) AS b(endpoint, free) "
                                                + "ON b.endpoint = c.endpoint WHERE c.n <= COALESCE(b.free, $7) "
                                                + "ORDER BY c.next_due_at LIMIT $1) "
                                                + "UPDATE analysis a SET claimed_until = now() + make_interval(secs => $2) FROM chosen "
                                                + "WHERE a.deployment_id = chosen.deployment_id AND a.attempt = chosen.attempt "
                                                + "AND a.phase = chosen.phase RETURNING a.deployment_id, a.attempt, a.phase, "
                                                + "a.phase_type, a.spec, a.problem, a.started_at, a.measured, a.next_due_at, a.endpoint, "
                                                + "a.rolled_out_at")
                                .execute(
                                        Tuple.tuple()
                                                .addInteger(limit)
                                                .addDouble(lease.toMillis() / 1000.0)
                                                .addArrayOfString(full.toArray(String[]::new))
                                                .addArrayOfString(busy.toArray(String[]::new))
                                                .addArrayOfInteger(busyFree.toArray(Integer[]::new))
                                                // Enough candidates that a few busy endpoints do
                                                // not leave the round short.
                                                .addInteger(limit * 4)
                                                .addInteger(share))
                                .map(
                                        rows -> {
                                            List<DueAnalysis> claimed = new ArrayList<>();
                                            for (Row row : rows) {
                                                claimed.add(due(row));
                                            }
                                            return claimed;
                                        }));
    }

    /** Every sample of one analysis so far. */
    public Uni<List<Sample>> samples(SqlClient tx, AnalysisKey key) {
        return tx.preparedQuery(
                        "SELECT seq, metric, kind, value, message, measured_at FROM measurement "
                                + "WHERE deployment_id = $1 AND attempt = $2 AND phase = $3 ORDER BY seq, id")
                .execute(keyed(key))
                .map(
                        rows -> {
                            List<Sample> samples = new ArrayList<>();
                            for (Row row : rows) {
                                Double value = row.getDouble("value");
                                samples.add(
                                        new Sample(
                                                row.getInteger("seq"),
                                                row.getString("metric"),
                                                row.getOffsetDateTime("measured_at").toInstant(),
                                                Sample.Kind.valueOf(row.getString("kind")),
                                                value == null ? Double.NaN : value,
                                                row.getString("message")));
                            }
                            return samples;
                        });
    }

    /** Records one measurement's samples with their outcomes. */
    public Uni<Void> record(
            SqlClient tx, AnalysisKey key, List<Sample> samples, List<String> outcomes) {
        List<Tuple> batch = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            batch.add(
                    keyed(key)
                            .addInteger(s.seq())
                            .addString(s.metric())
                            .addString(s.kind().name())
                            .addString(outcomes.get(i))
                            .addValue(s.hasValue() ? s.value() : null)
                            .addString(s.message())
                            .addOffsetDateTime(utc(s.at())));
        }
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(
                        "INSERT INTO measurement (deployment_id, attempt, phase, seq, metric, kind, outcome, "
                                + "value, message, measured_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                                + "ON CONFLICT DO NOTHING")
                .executeBatch(batch)
                .replaceWithVoid();
    }

    /**
     * Moves a running analysis on past measurement {@code seq}; false if it is no longer running or another
     * measurement got there first (then the caller's transaction must not commit).
     */
    public Uni<Boolean> advance(SqlClient tx, AnalysisKey key, int seq, Instant nextDue) {
        return tx.preparedQuery(
                        "UPDATE analysis SET measured = $4, claimed_until = NULL, "
                                + "next_due_at = CASE WHEN paused_at IS NULL THEN $5::timestamptz END, "
                                + "paused_due = CASE WHEN paused_at IS NOT NULL THEN $5::timestamptz END "
                                + "WHERE deployment_id = $1 AND attempt = $2 AND phase = $3 AND status = 'RUNNING' "
                                + "AND measured = $4 - 1")
                .execute(keyed(key).addInteger(seq).addOffsetDateTime(utc(nextDue)))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Ends a running analysis that has {@code before} measurements stored; false if it is no longer running or
     * another measurement got there first (a replica whose claim ran out while this one measured): then the
     * caller's transaction must not commit, so the verdict and its events are written once.
     */
    public Uni<Boolean> finish(
            SqlClient tx,
            AnalysisKey key,
            int before,
            int measured,
            String status,
            String summary) {
        return tx.preparedQuery(
                        "UPDATE analysis SET measured = $4, status = $5, summary = $6, next_due_at = NULL, "
                                + "claimed_until = NULL, finished_at = now() WHERE deployment_id = $1 AND attempt = $2 "
                                + "AND phase = $3 AND status = 'RUNNING' AND measured = $7")
                .execute(
                        keyed(key)
                                .addInteger(measured)
                                .addString(status)
                                .addString(summary)
                                .addInteger(before))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> checkResults(SqlClient tx, AnalysisKey key, List<CheckResult> results) {
        if (results.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> batch =
                results.stream()
                        .map(
                                r ->
                                        keyed(key)
                                                .addString(r.name())
                                                .addString(r.target())
                                                .addBoolean(r.passed())
                                                .addInteger(r.statusCode())
                                                .addLong(r.latencyMs())
                                                .addString(r.message()))
                        .toList();
        return tx.preparedQuery(
                        "INSERT INTO check_result (deployment_id, attempt, phase, name, target, passed, "
                                + "status_code, latency_ms, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .executeBatch(batch)
                .replaceWithVoid();
    }

    private static DueAnalysis due(Row row) {
        String type = row.getString("phase_type");
        OffsetDateTime started = row.getOffsetDateTime("started_at");
        OffsetDateTime due = row.getOffsetDateTime("next_due_at");
        return new DueAnalysis(
                new AnalysisKey(
                        row.getUUID("deployment_id"),
                        row.getInteger("attempt"),
                        row.getInteger("phase")),
                type == null ? null : PhaseType.valueOf(type),
                row.getJsonObject("spec"),
                row.getString("problem"),
                started == null ? null : started.toInstant(),
                row.getInteger("measured"),
                due == null ? null : due.toInstant(),
                row.getString("endpoint"),
                row.getOffsetDateTime("rolled_out_at") == null
                        ? null
                        : row.getOffsetDateTime("rolled_out_at").toInstant());
    }

    private static Tuple keyed(AnalysisKey key) {
        return Tuple.tuple()
                .addUUID(key.deploymentId())
                .addInteger(key.attempt())
                .addInteger(key.phase());
    }
}
