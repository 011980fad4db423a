package dev.stride.notifier.channel.statuspage;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/** Which status-page incident speaks for a deployment, per Statuspage channel, and where it stands. */
@ApplicationScoped
public class StatuspageIncidents {

    /** A stored mapping; {@code strideIncidentOpen}: a Stride incident is open for the deployment. */
    public record PageIncident(String pageIncidentId, String status, UUID strideIncidentId,
            boolean strideIncidentOpen) {

        public boolean resolved() {
            return "resolved".equals(status);
        }
    }

    private final Pool pool;

    public StatuspageIncidents(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<PageIncident>> find(String channel, UUID deploymentId) {
        return pool.preparedQuery("SELECT page_incident_id, status, stride_incident_id, stride_incident_open "
                        + "FROM statuspage_incident WHERE channel = $1 AND deployment_id = $2")
                .execute(Tuple.of(channel, deploymentId))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /** Records a newly created status-page incident (replacing a resolved one for the same deployment). */
    public Uni<Void> created(String channel, UUID deploymentId, String pageIncidentId, UUID strideIncidentId) {
        return pool.preparedQuery("INSERT INTO statuspage_incident (channel, deployment_id, page_incident_id, status, "
                        + "stride_incident_id, stride_incident_open) VALUES ($1, $2, $3, 'investigating', $4, $5) "
                        + "ON CONFLICT (channel, deployment_id) DO UPDATE SET page_incident_id = EXCLUDED.page_incident_id, "
                        + "status = EXCLUDED.status, stride_incident_id = EXCLUDED.stride_incident_id, "
                        + "stride_incident_open = EXCLUDED.stride_incident_open, created_at = now(), updated_at = now()")
                .execute(Tuple.of(channel, deploymentId, pageIncidentId, strideIncidentId, strideIncidentId != null))
                .replaceWithVoid();
    }

    public Uni<Void> moved(String channel, UUID deploymentId, String status, UUID strideIncidentId,
            boolean strideIncidentOpen) {
        return pool.preparedQuery("UPDATE statuspage_incident SET status = $3, stride_incident_id = "
                        + "COALESCE($4, stride_incident_id), stride_incident_open = $5, updated_at = now() "
                        + "WHERE channel = $1 AND deployment_id = $2")
                .execute(Tuple.of(channel, deploymentId, status, strideIncidentId, strideIncidentOpen))
                .replaceWithVoid();
    }

    private static PageIncident map(Row row) {
        return new PageIncident(row.getString("page_incident_id"), row.getString("status"),
                row.getUUID("stride_incident_id"), row.getBoolean("stride_incident_open"));
    }
}
