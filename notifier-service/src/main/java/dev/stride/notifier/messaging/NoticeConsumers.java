package dev.stride.notifier.messaging;

import dev.stride.events.EventType;
import dev.stride.events.StrideEvent;
import dev.stride.kit.messaging.InboundEvents;
import dev.stride.notifier.delivery.DeliveryRecorder;
import dev.stride.notifier.delivery.DeliverySender;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * What the notifier hears: each event becomes its delivery-log rows ({@link DeliveryRecorder}: one per channel of its
 * route that carries it) in the transaction that marks the event processed, so a redelivered event never makes a
 * second message; then the {@link DeliverySender} of those channels is woken.
 */
@ApplicationScoped
public class NoticeConsumers {

    private final InboundEvents inbound;
    private final DeliveryRecorder recorder;
    private final DeliverySender sender;

    public NoticeConsumers(
            InboundEvents inbound, DeliveryRecorder recorder, DeliverySender sender) {
        this.inbound = inbound;
        this.recorder = recorder;
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

    @Incoming("rollback-requested")
    public Uni<Void> onRollbackRequested(Message<String> message) {
        return take(message, EventType.ROLLBACK_REQUESTED, "notifier.rollback-requested");
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
        EventType type = EventType.onTopicOf(message.getPayload(), EventType.INCIDENT_OPENED);
        return take(message, type, "notifier.incidents");
    }

    /** Paused and resumed share the topic, so a pause and its resume are told in order. */
    @Incoming("deployment-control")
    public Uni<Void> onDeploymentControl(Message<String> message) {
        EventType type = EventType.onTopicOf(message.getPayload(), EventType.DEPLOYMENT_PAUSED);
        return take(message, type, "notifier.deployment-control");
    }

    private Uni<Void> take(Message<String> message, EventType type, String consumer) {
        Set<String> touched = ConcurrentHashMap.newKeySet();
        return inbound.<StrideEvent>consume(
                        message,
                        type,
                        consumer,
                        (tx, event) -> recorder.record(tx, event, message.getPayload(), touched))
                .invoke(() -> sender.wake(touched));
    }
}
