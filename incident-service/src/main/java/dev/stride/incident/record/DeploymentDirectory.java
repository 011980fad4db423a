package dev.stride.incident.record;

import static dev.stride.kit.persistence.Columns.utc;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.spec.Environment;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * What the service knows of deployments, from DeploymentRequested (who it is) and DeploymentFinished (how it
 * ended): RollbackCompleted names neither application nor environment, and ThresholdBreached may not.
 */
@ApplicationScoped
public class DeploymentDirectory {

    /** Which application and environment a deployment belongs to. */
    public record Known(String application, Environment environment) {}

    public Uni<Void> requested(SqlClient tx, DeploymentRequested d) {
        return tx.preparedQuery(
                        "INSERT INTO deployment (id, application, environment, version, commit_time) "
                                + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING")
                .execute(
                        Tuple.tuple()
                                .addUUID(d.deploymentId())
                                .addString(d.application())
                                .addString(d.environment().wireName())
                                .addString(d.version())
                                .addOffsetDateTime(utc(d.commitTime())))
                .replaceWithVoid();
    }

    public Uni<Void> finished(SqlClient tx, DeploymentFinished d) {
        return tx.preparedQuery(
                        "INSERT INTO deployment (id, application, environment, version, commit_time, "
                                + "requested_at, outcome, reason, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                                + "ON CONFLICT (id) DO UPDATE SET application = excluded.application, "
                                + "environment = excluded.environment, version = excluded.version, "
                                + "commit_time = COALESCE(excluded.commit_time, deployment.commit_time), "
                                + "requested_at = excluded.requested_at, outcome = excluded.outcome, reason = excluded.reason, "
                                + "finished_at = excluded.finished_at")
                .execute(
                        Tuple.tuple()
                                .addUUID(d.deploymentId())
                                .addString(d.application())
                                .addString(d.environment().wireName())
                                .addString(d.version())
                                .addOffsetDateTime(utc(d.commitTime()))
                                .addOffsetDateTime(utc(d.requestedAt()))
                                .addString(d.outcome().name())
                                .addString(d.reason())
                                .addOffsetDateTime(utc(d.finishedAt())))
                .replaceWithVoid();
    }

    /**
     * The deployment a declared incident concerns: the one of {@code application} in {@code environment} that has
     * not finished, newest first, else the one that finished last.
     */
    public Uni<Optional<UUID>> current(SqlClient tx, String application, Environment environment) {
        return tx.preparedQuery(
                        "SELECT id FROM deployment WHERE application = $1 AND environment = $2 "
                                + "ORDER BY (outcome IS NULL) DESC, COALESCE(finished_at, seen_at) DESC, seen_at DESC "
                                + "LIMIT 1")
                .execute(Tuple.of(application, environment.wireName()))
                .map(
                        rows ->
                                rows.rowCount() == 0
                                        ? Optional.empty()
                                        : Optional.of(rows.iterator().next().getUUID(0)));
    }

    public Uni<Optional<Known>> find(SqlClient tx, UUID deploymentId) {
        return tx.preparedQuery("SELECT application, environment FROM deployment WHERE id = $1")
                .execute(Tuple.of(deploymentId))
                .map(
                        rows ->
                                rows.rowCount() == 0
                                        ? Optional.empty()
                                        : Optional.of(
                                                new Known(
                                                        rows.iterator().next().getString(0),
                                                        Environment.fromWire(
                                                                rows.iterator()
                                                                        .next()
                                                                        .getString(1)))));
    }
}
