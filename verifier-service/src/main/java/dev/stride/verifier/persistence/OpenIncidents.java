package dev.stride.verifier.persistence;

import static dev.stride.kit.persistence.Columns.utc;

import dev.stride.events.IncidentOpened;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/** The incidents open per application and environment, as the incident service announces them. */
@ApplicationScoped
public class OpenIncidents {

    public Uni<Void> opened(SqlClient tx, IncidentOpened i) {
        return tx.preparedQuery(
                        "INSERT INTO open_incident (incident_id, application, environment, severity, opened_at) "
                                + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (incident_id) DO NOTHING")
                .execute(
                        Tuple.tuple()
                                .addUUID(i.incidentId())
                                .addString(i.application())
                                .addString(i.environment().wireName())
                                .addString(i.severity().name())
                                .addOffsetDateTime(utc(i.openedAt())))
                .replaceWithVoid();
    }

    /** Where an incident was open: its application and environment. */
    public record Scope(String application, String environment) {}

    /** Forgets a resolved incident; where it was open, if this verifier knew it. */
    public Uni<Optional<Scope>> resolved(SqlClient tx, UUID incidentId) {
        return tx.preparedQuery(
                        "DELETE FROM open_incident WHERE incident_id = $1 RETURNING application, environment")
                .execute(Tuple.of(incidentId))
                .map(
                        rows ->
                                rows.rowCount() == 0
                                        ? Optional.<Scope>empty()
                                        : Optional.of(
                                                new Scope(
                                                        rows.iterator()
                                                                .next()
                                                                .getString("application"),
                                                        rows.iterator()
                                                                .next()
                                                                .getString("environment"))));
    }

    /** Whether an incident is open for {@code application} in {@code environment}. */
    public Uni<Boolean> anyOpen(SqlClient tx, String application, String environment) {
        if (application == null || environment == null) {
            return Uni.createFrom().item(false);
        }
        return tx.preparedQuery(
                        "SELECT 1 FROM open_incident WHERE application = $1 AND environment = $2 LIMIT 1")
                .execute(Tuple.of(application, environment))
                .map(rows -> rows.rowCount() > 0);
    }
}
