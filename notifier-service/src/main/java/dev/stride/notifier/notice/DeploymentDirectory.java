package dev.stride.notifier.notice;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * What the notifier has learned of each deployment: application, environment and version, from its
 * DeploymentRequested (and DeploymentFinished, IncidentOpened, ThresholdBreached, which name some of them), so the
 * events that carry only the deployment id can still be named and routed; and which attempts' rollbacks have been
 * announced.
 */
@ApplicationScoped
public class DeploymentDirectory {

    /**
     * Whether {@code eventId} is the first RollbackRequested for this attempt of the deployment (and so the one to
     * announce), recorded in the caller's transaction. Another request for the same attempt, by whoever, is not.
     */
    public Uni<Boolean> firstRollbackRequest(
            SqlClient tx, UUID deploymentId, int attempt, UUID eventId, String requestedBy) {
        return tx.preparedQuery(
                        "INSERT INTO rollback_announced (deployment_id, attempt, event_id, requested_by) "
                                + "VALUES ($1, $2, $3, $4) ON CONFLICT (deployment_id, attempt) DO NOTHING")
                .execute(Tuple.of(deploymentId, attempt, eventId, requestedBy))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Whether a rollback of this attempt of the deployment has been requested (and announced). */
    public Uni<Boolean> rolledBack(SqlClient tx, UUID deploymentId, int attempt) {
        return tx.preparedQuery(
                        "SELECT 1 FROM rollback_announced WHERE deployment_id = $1 AND attempt = $2")
                .execute(Tuple.of(deploymentId, attempt))
                .map(rows -> rows.size() > 0);
    }

    /** Adds what {@code learned} knows (non-null parts win) and returns everything known now. */
    public Uni<DeploymentFacts> learn(SqlClient tx, UUID deploymentId, DeploymentFacts learned) {
        return tx.preparedQuery(
                        "INSERT INTO deployment (deployment_id, application, environment, version, verification_delay) "
                                + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (deployment_id) DO UPDATE SET "
                                + "application = COALESCE(EXCLUDED.application, deployment.application), "
                                + "environment = COALESCE(EXCLUDED.environment, deployment.environment), "
                                + "version = COALESCE(EXCLUDED.version, deployment.version), "
                                + "verification_delay = COALESCE(EXCLUDED.verification_delay, deployment.verification_delay), "
                                + "updated_at = now() RETURNING application, environment, version, verification_delay")
                .execute(
                        Tuple.of(
                                deploymentId,
                                learned.application(),
                                learned.environment(),
                                learned.version(),
                                learned.verificationDelay()))
                .map(
                        rows -> {
                            Row row = rows.iterator().next();
                            return new DeploymentFacts(
                                    row.getString("application"),
                                    row.getString("environment"),
                                    row.getString("version"),
                                    row.getString("verification_delay"));
                        });
    }
}
