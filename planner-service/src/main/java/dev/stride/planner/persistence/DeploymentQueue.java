package dev.stride.planner.persistence;

import static dev.stride.kit.persistence.Columns.utc;

import dev.stride.planner.machine.DeploymentState;
import dev.stride.planner.machine.DeploymentStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL for the queue of each application and environment: its lock, whether another deployment is active in it,
 * and what runs next. One active deployment (IN_PROGRESS, PAUSED, ROLLING_BACK) per scope; the others wait in
 * REQUESTED, first in first out. Queries take the caller's connection or transaction.
 */
@ApplicationScoped
public class DeploymentQueue {

    /**
     * Serialises every transition of one application's deployments to one environment for the rest of the
     * transaction, so the one-active-deployment rule and the queue hold across replicas.
     */
    public Uni<Void> lockScope(SqlClient tx, String application, String environment) {
        return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .execute(Tuple.of(application + "/" + environment))
                .replaceWithVoid();
    }

    /** The application and environment of a deployment, read without locking, to take the scope lock first. */
    public Uni<Optional<String[]>> scopeOf(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT application, environment FROM deployment WHERE id = $1")
                .execute(Tuple.of(id))
                .map(
                        rows ->
                                rows.rowCount() == 0
                                        ? Optional.empty()
                                        : Optional.of(
                                                new String[] {
                                                    rows.iterator().next().getString(0),
                                                    rows.iterator().next().getString(1)
                                                }));
    }

    public Uni<Boolean> anotherActive(
            SqlClient client, String application, String environment, UUID except) {
        return client.preparedQuery(
                        "SELECT 1 FROM deployment WHERE application = $1 AND environment = $2 "
                                + "AND status IN ('IN_PROGRESS', 'PAUSED', 'ROLLING_BACK') AND id <> $3 LIMIT 1")
                .execute(Tuple.of(application, environment, except))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The deployment running in an application and environment (at most one is), if any. */
    public Uni<Optional<UUID>> active(SqlClient client, String application, String environment) {
        return client.preparedQuery(
                        "SELECT id FROM deployment WHERE application = $1 AND environment = $2 "
                                + "AND status IN ('IN_PROGRESS', 'PAUSED', 'ROLLING_BACK') ORDER BY created_at DESC LIMIT 1")
                .execute(Tuple.of(application, environment))
                .map(DeploymentQueue::firstId);
    }

    /** The oldest deployment waiting in the queue of an application and environment. */
    public Uni<Optional<UUID>> nextQueued(
            SqlClient client, String application, String environment) {
        return client.preparedQuery(
                        "SELECT id FROM deployment WHERE application = $1 AND environment = $2 "
                                + "AND status = 'REQUESTED' ORDER BY created_at, id LIMIT 1")
                .execute(Tuple.of(application, environment))
                .map(DeploymentQueue::firstId);
    }

    /** 1 for the next to start; empty unless the deployment waits in the queue. */
    public Uni<Optional<Integer>> queuePosition(SqlClient client, DeploymentState d) {
        if (d.status() != DeploymentStatus.REQUESTED) {
            return Uni.createFrom().item(Optional.empty());
        }
        return client.preparedQuery(
                        "SELECT count(*) FROM deployment WHERE application = $1 AND environment = $2 "
                                + "AND status = 'REQUESTED' AND (created_at, id) < ($3, $4)")
                .execute(
                        Tuple.tuple()
                                .addString(d.request().application())
                                .addString(d.request().environment().wireName())
                                .addOffsetDateTime(utc(d.createdAt()))
                                .addUUID(d.id()))
                .map(rows -> Optional.of(rows.iterator().next().getLong(0).intValue() + 1));
    }

    private static Optional<UUID> firstId(
            io.vertx.mutiny.sqlclient.RowSet<io.vertx.mutiny.sqlclient.Row> rows) {
        return rows.rowCount() == 0
                ? Optional.empty()
                : Optional.of(rows.iterator().next().getUUID(0));
    }
}
