package dev.stride.notifier.channel.statuspage;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Which status-page incident speaks for a deployment, per Statuspage channel, and where it stands. */
@ApplicationScoped
public class StatuspageIncidents {

    /** Status of a mapping whose incident is being created: written before the create call, no id yet. */
    static final String CREATING = "creating";

    /**
     * A stored mapping; {@code strideIncidentOpen}: a Stride incident is open for the deployment. {@code createdAt}:
     * when the row was (re)written for a new incident.
     */
    public record PageIncident(
            String pageIncidentId,
            String status,
            UUID strideIncidentId,
            boolean strideIncidentOpen,
            Instant createdAt,
            String creatingName) {

        public boolean resolved() {
            return "resolved".equals(status);
        }

        /** A create call was made (or about to be) whose answer was never stored. */
        public boolean creating() {
            return CREATING.equals(status);
        }
    }

    private final Pool pool;

    public StatuspageIncidents(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<PageIncident>> find(String channel, UUID deploymentId) {
        return pool.preparedQuery(
                        "SELECT page_incident_id, status, stride_incident_id, stride_incident_open, created_at, "
                                + "creating_name "
                                + "FROM statuspage_incident WHERE channel = $1 AND deployment_id = $2")
                .execute(Tuple.of(channel, deploymentId))
                .map(
                        rows ->
                                rows.rowCount() == 0
                                        ? Optional.empty()
                                        : Optional.of(map(rows.iterator().next())));
    }

    /**
     * Notes, before the create call, that a status-page incident is being created for the deployment (replacing a
     * resolved one), so that a retry knows a first call may have gone through.
     */
    public Uni<Void> creating(
            String channel, UUID deploymentId, String incidentName, UUID strideIncidentId) {
        return pool.preparedQuery(
                        "INSERT INTO statuspage_incident (channel, deployment_id, page_incident_id, status, "
                                + "stride_incident_id, stride_incident_open, creating_name) VALUES ($1, $2, NULL, $3, $4, $5, $6) "
                                + "ON CONFLICT (channel, deployment_id) DO UPDATE SET page_incident_id = NULL, "
                                + "creating_name = EXCLUDED.creating_name, "
                                + "status = EXCLUDED.status, stride_incident_id = EXCLUDED.stride_incident_id, "
                                + "stride_incident_open = EXCLUDED.stride_incident_open, created_at = now(), updated_at = now()")
                .execute(
                        Tuple.of(
                                channel,
                                deploymentId,
                                CREATING,
                                strideIncidentId,
                                strideIncidentId != null,
                                incidentName))
                .replaceWithVoid();
    }

    /** Records a newly created status-page incident (replacing a resolved one for the same deployment). */
    public Uni<Void> created(
            String channel, UUID deploymentId, String pageIncidentId, UUID strideIncidentId) {
        return pool.preparedQuery(
                        "INSERT INTO statuspage_incident (channel, deployment_id, page_incident_id, status, "
                                + "stride_incident_id, stride_incident_open) VALUES ($1, $2, $3, 'investigating', $4, $5) "
                                + "ON CONFLICT (channel, deployment_id) DO UPDATE SET page_incident_id = EXCLUDED.page_incident_id, "
                                + "status = EXCLUDED.status, stride_incident_id = EXCLUDED.stride_incident_id, creating_name = NULL, "
                                + "stride_incident_open = EXCLUDED.stride_incident_open, updated_at = now(), "
                                + "created_at = CASE WHEN statuspage_incident.status = 'creating' THEN statuspage_incident.created_at "
                                + "ELSE now() END")
                .execute(
                        Tuple.of(
                                channel,
                                deploymentId,
                                pageIncidentId,
                                strideIncidentId,
                                strideIncidentId != null))
                .replaceWithVoid();
    }

    public Uni<Void> moved(
            String channel,
            UUID deploymentId,
            String status,
            UUID strideIncidentId,
            boolean strideIncidentOpen) {
        return pool.preparedQuery(
                        "UPDATE statuspage_incident SET status = $3, stride_incident_id = "
                                + "COALESCE($4, stride_incident_id), stride_incident_open = $5, updated_at = now() "
                                + "WHERE channel = $1 AND deployment_id = $2")
                .execute(
                        Tuple.of(
                                channel,
                                deploymentId,
                                status,
                                strideIncidentId,
                                strideIncidentOpen))
                .replaceWithVoid();
    }

    private static PageIncident map(Row row) {
        return new PageIncident(
                row.getString("page_incident_id"),
                row.getString("status"),
                row.getUUID("stride_incident_id"),
                row.getBoolean("stride_incident_open"),
                row.getOffsetDateTime("created_at").toInstant(),
                row.getString("creating_name"));
    }
}
