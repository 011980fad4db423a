package dev.stride.notifier.intake;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.IncidentOpened;
import dev.stride.events.IncidentResolved;
import dev.stride.events.Severity;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.kit.messaging.InboundEvents;
import dev.stride.kit.messaging.ReceivedEvent;
import dev.stride.notifier.channel.Channels;
import dev.stride.notifier.delivery.DeliverySender;
import dev.stride.notifier.delivery.DeliveryStore;
import dev.stride.notifier.notice.DeploymentFacts;
import dev.stride.notifier.notice.Notice;
import dev.stride.notifier.notice.Notices;
import dev.stride.notifier.routing.ChannelType;
import dev.stride.notifier.routing.Routes;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * What the notifier hears: each event becomes one delivery-log row per channel of its route, in the transaction
 * that marks the event processed, so a redelivered event never makes a second message. Slack hears the events that
 * make a message, Statuspage those that move the status page, webhooks every event. {@link DeliverySender} sends.
 */
@ApplicationScoped
public class NoticeIntake {

    private final InboundEvents inbound;
    private final DeploymentDirectory directory;
    private final Notices notices;
    private final Routes routes;
    private final Channels channels;
    private final DeliveryStore deliveries;
    private final DeliverySender sender;

    public NoticeIntake(InboundEvents inbound, DeploymentDirectory directory, Notices notices, Routes routes,
            Channels channels, DeliveryStore deliveries, DeliverySender sender) {
        this.inbound = inbound;
        this.directory = directory;
        this.notices = notices;
        this.routes = routes;
        this.channels = channels;
        this.deliveries = deliveries;
        this.sender = sender;
    }

    @Incoming("deployment-requested")
    public Uni<Void> onDeploymentRequested(Message<String> message) {
        return take(message, EventType.DEPLOYMENT_REQUESTED, "notifier.deployment-requested");
    }

    @Incoming("phase-started")
    public Uni<Void> onPhaseStarted(Message<String> message) {
        return take(message, EventType.PHASE_STARTED, "notifier.phase-started");
    }

    @Incoming("phase-completed")
    public Uni<Void> onPhaseCompleted(Message<String> message) {
        return take(message, EventType.PHASE_COMPLETED, "notifier.phase-completed");
    }

    @Incoming("threshold-breached")
    public Uni<Void> onThresholdBreached(Message<String> message) {
        return take(message, EventType.THRESHOLD_BREACHED, "notifier.threshold-breached");
    }

    @Incoming("rollback-completed")
    public Uni<Void> onRollbackCompleted(Message<String> message) {
        return take(message, EventType.ROLLBACK_COMPLETED, "notifier.rollback-completed");
    }

    @Incoming("deployment-finished")
    public Uni<Void> onDeploymentFinished(Message<String> message) {
        return take(message, EventType.DEPLOYMENT_FINISHED, "notifier.deployment-finished");
    }

    /** Opened and resolved share the topic; the record's own type says which (anything else is dead-lettered). */
    @Incoming("incidents")
    public Uni<Void> onIncident(Message<String> message) {
        EventType type = incidentType(message.getPayload()).orElse(EventType.INCIDENT_OPENED);
        return take(message, type, "notifier.incidents");
    }

    private Uni<Void> take(Message<String> message, EventType type, String consumer) {
        Set<String> touched = ConcurrentHashMap.newKeySet();
        return inbound.<StrideEvent>consume(message, type, consumer,
                        (tx, event) -> record(tx, event, message.getPayload(), touched))
                .invoke(() -> sender.wake(touched));
    }

    private Uni<Void> record(SqlConnection tx, ReceivedEvent<StrideEvent> event, String payload, Set<String> touched) {
        StrideEvent data = event.data();
        UUID eventId = UUID.fromString(event.envelope().id());
        return directory.learn(tx, data.deploymentId(), factsIn(data)).flatMap(facts -> {
            Optional<Notice> notice = notices.of(event.envelope(), data, facts);
            return Multi.createFrom().iterable(routes.channelsFor(facts.application(), facts.environment(),
                            severity(data)))
                    .onItem().transformToUniAndConcatenate(pick -> {
                        ChannelType type = channels.get(pick.channel()).orElseThrow().type();
                        if (!wants(type, notice)) {
                            return Uni.createFrom().voidItem();
                        }
                        touched.add(pick.channel());
                        return deliveries.record(tx, eventId, event.envelope().type(), data.deploymentId(),
                                pick.channel(), pick.route(), notice.orElse(null), payload).replaceWithVoid();
                    })
                    .collect().last().replaceWithVoid();
        });
    }

    /** Slack only says something when there is a message; the status page only moves for its steps. */
    private static boolean wants(ChannelType type, Optional<Notice> notice) {
        return switch (type) {
            case WEBHOOK -> true;
            case SLACK -> notice.isPresent();
            case STATUSPAGE -> notice.map(n -> n.status() != null).orElse(false);
        };
    }

    private static DeploymentFacts factsIn(StrideEvent data) {
        if (data instanceof DeploymentRequested r) {
            return new DeploymentFacts(r.application(), r.environment().wireName(), r.version());
        }
        if (data instanceof DeploymentFinished f) {
            return new DeploymentFacts(f.application(), f.environment() == null ? null : f.environment().wireName(),
                    f.version());
        }
        if (data instanceof IncidentOpened o) {
            return new DeploymentFacts(o.application(), o.environment() == null ? null : o.environment().wireName(),
                    null);
        }
        if (data instanceof ThresholdBreached b) {
            return new DeploymentFacts(b.application(), b.environment() == null ? null : b.environment().wireName(),
                    null);
        }
        return DeploymentFacts.UNKNOWN;
    }

    private static Severity severity(StrideEvent data) {
        if (data instanceof IncidentOpened o) {
            return o.severity();
        }
        if (data instanceof IncidentResolved r) {
            return r.severity();
        }
        return null;
    }

    private static Optional<EventType> incidentType(String payload) {
        try {
            String type = EventCodec.mapper().readTree(payload).path("type").asText();
            return EventType.ofType(type)
                    .filter(t -> t == EventType.INCIDENT_OPENED || t == EventType.INCIDENT_RESOLVED);
        } catch (Exception unreadable) {
            // InboundEvents dead-letters it with the reason.
            return Optional.empty();
        }
    }
}
