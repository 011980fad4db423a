package dev.stride.planner.messaging;

import dev.stride.events.EventType;
import dev.stride.events.IncidentOpened;
import dev.stride.events.StrideEvent;
import dev.stride.kit.messaging.InboundEvents;
import dev.stride.planner.run.DeclaredIncidents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The incident service's topic: an incident on-call declared stops the deployment running in its application and
 * environment ({@link DeclaredIncidents}). Opened and resolved share the topic; the record's own type says which
 * (anything else is dead-lettered). Each record is applied once, in the transaction that saves its effect.
 */
@ApplicationScoped
public class IncidentConsumers {

    private static final Logger LOG = Logger.getLogger(IncidentConsumers.class);

    private final InboundEvents inbound;
    private final DeclaredIncidents declared;

    public IncidentConsumers(InboundEvents inbound, DeclaredIncidents declared) {
        this.inbound = inbound;
        this.declared = declared;
    }

    @Incoming("incidents")
    public Uni<Void> onIncident(Message<String> message) {
        EventType type = EventType.onTopicOf(message.getPayload(), EventType.INCIDENT_OPENED);
        return inbound.<StrideEvent>consume(
                message,
                type,
                "planner.incidents",
                (tx, event) ->
                        event.data() instanceof IncidentOpened opened
                                ? declared.opened(tx, opened)
                                        .invoke(
                                                step ->
                                                        step.filter(s -> s.isRefused())
                                                                .ifPresent(
                                                                        s ->
                                                                                LOG.infof(
                                                                                        "Incident %s changes nothing: %s",
                                                                                        opened
                                                                                                .incidentId(),
                                                                                        s
                                                                                                .refusal())))
                                        .replaceWithVoid()
                                : Uni.createFrom().voidItem());
    }
}
