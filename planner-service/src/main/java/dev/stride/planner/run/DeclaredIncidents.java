package dev.stride.planner.run;

import dev.stride.events.IncidentOpened;
import dev.stride.events.Severity;
import dev.stride.planner.machine.Step;
import dev.stride.planner.persistence.DeploymentQueue;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The runbook's P0/P1 response to an incident on-call declared ({@code POST /api/v1/incidents} on the incident
 * service, IncidentOpened with {@code declaredBy}): "stop deployment immediately". The deployment running in the
 * incident's application and environment is rolled back or paused, per severity:
 * {@code stride.incidents.declared.<p0|p1|p2|p3>} = {@code rollback}, {@code pause} or {@code none} (defaults:
 * P0 and P1 rollback, P2 and P3 none: the notifier tells the team). Incidents a rule opened are left alone: the
 * incident service asks for their rollback itself, with the breach's attempt. A deployment that is not running (queued,
 * awaiting approval, finished) is not touched.
 */
@ApplicationScoped
public class DeclaredIncidents {

    /** What the planner does to the running deployment. */
    public enum Response {
        ROLLBACK,
        PAUSE,
        NONE
    }

    private static final Logger LOG = Logger.getLogger(DeclaredIncidents.class);

    private final Map<Severity, Response> responses = new EnumMap<>(Severity.class);
    private final DeploymentQueue queue;
    private final DeploymentEngine engine;

    public DeclaredIncidents(Config config, DeploymentQueue queue, DeploymentEngine engine) {
        this.queue = queue;
        this.engine = engine;
        for (Severity severity : Severity.values()) {
            String key = "stride.incidents.declared." + severity.name().toLowerCase(Locale.ROOT);
            String fallback =
                    severity == Severity.P0 || severity == Severity.P1 ? "rollback" : "none";
            String value = config.getOptionalValue(key, String.class).orElse(fallback).strip();
            try {
                responses.put(severity, Response.valueOf(value.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        key + " must be rollback, pause or none, is '" + value + "'", e);
            }
        }
    }

    public Response responseTo(Severity severity) {
        return responses.get(severity);
    }

    /** Applies the response to the running deployment, in the consumer's transaction; empty when nothing is done. */
    public Uni<Optional<Step>> opened(SqlConnection tx, IncidentOpened incident) {
        Response response =
                incident.declaredBy() == null ? Response.NONE : responses.get(incident.severity());
        if (response == Response.NONE) {
            return Uni.createFrom().item(Optional.empty());
        }
        String actor = "incident-service";
        String why =
                "incident "
                        + incident.incidentId()
                        + " ("
                        + incident.severity()
                        + ") declared by "
                        + incident.declaredBy()
                        + ": "
                        + incident.title();
        return queue.active(tx, incident.application(), incident.environment().wireName())
                .flatMap(
                        running -> {
                            if (running.isEmpty()) {
                                LOG.infof(
                                        "Incident %s (%s) declared for %s in %s: no deployment runs there",
                                        incident.incidentId(),
                                        incident.severity(),
                                        incident.application(),
                                        incident.environment().wireName());
                                return Uni.createFrom().item(Optional.<Step>empty());
                            }
                            return engine.apply(
                                    tx,
                                    running.get(),
                                    (machine, state, situation) ->
                                            response == Response.ROLLBACK
                                                    ? machine.rollBack(
                                                            state,
                                                            actor,
                                                            why,
                                                            true,
                                                            situation.now())
                                                    : machine.pause(
                                                            state,
                                                            actor,
                                                            "paused: " + why,
                                                            situation.now()));
                        });
    }
}
