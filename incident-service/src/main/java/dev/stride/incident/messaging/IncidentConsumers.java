package dev.stride.incident.messaging;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.incident.paging.PageDispatcher;
import dev.stride.incident.record.DeploymentDirectory;
import dev.stride.incident.response.IncidentResponder;
import dev.stride.kit.messaging.InboundEvents;
import dev.stride.kit.messaging.ReceivedEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * What the incident service listens to: breaches (classified, may open incidents), rollback requests (a manual one
 * may open an incident), rollbacks and finished
 * deployments (timelines, a failed rollback's incident, the delivery figures), and requested deployments (which
 * application and environment a deployment belongs to, since RollbackCompleted does not say). Each record's effect
 * commits with its processed-event mark; then the outbox and the pager are woken.
 */
@ApplicationScoped
public class IncidentConsumers {

    private final InboundEvents inbound;
    private final IncidentResponder responder;
    private final DeploymentDirectory deployments;
    private final PageDispatcher dispatcher;

    public IncidentConsumers(
            InboundEvents inbound,
            IncidentResponder responder,
            DeploymentDirectory deployments,
            PageDispatcher dispatcher) {
        this.inbound = inbound;
        this.responder = responder;
        this.deployments = deployments;
        this.dispatcher = dispatcher;
    }

    @Incoming("deployment-requested")
    public Uni<Void> onDeploymentRequested(Message<String> message) {
        return inbound.<DeploymentRequested>consume(
                message,
                EventType.DEPLOYMENT_REQUESTED,
                "incident.deployment-requested",
                (tx, e) -> deployments.requested(tx, e.data()));
    }

    @Incoming("threshold-breached")
    public Uni<Void> onThresholdBreached(Message<String> message) {
        return inbound.<ThresholdBreached>consume(
                        message,
                        EventType.THRESHOLD_BREACHED,
                        "incident.threshold-breached",
                        (tx, e) -> responder.breach(tx, e.data(), when(e)))
                .invoke(this::wake);
    }

    /** Rollbacks asked for by people, Stride's triggers or other systems: a manual one may open an incident. */
    @Incoming("rollback-requested")
    public Uni<Void> onRollbackRequested(Message<String> message) {
        return inbound.<RollbackRequested>consume(
                        message,
                        EventType.ROLLBACK_REQUESTED,
                        IncidentResponder.ROLLBACK_REQUESTED_CONSUMER,
                        (tx, e) ->
                                responder.rollbackRequested(
                                        tx, e.data(), e.envelope().source(), when(e)))
                .invoke(this::wake);
    }

    @Incoming("rollback-completed")
    public Uni<Void> onRollbackCompleted(Message<String> message) {
        return inbound.<RollbackCompleted>consume(
                        message,
                        EventType.ROLLBACK_COMPLETED,
                        "incident.rollback-completed",
                        (tx, e) -> responder.rollbackCompleted(tx, e.data(), when(e)))
                .invoke(this::wake);
    }

    @Incoming("deployment-finished")
    public Uni<Void> onDeploymentFinished(Message<String> message) {
        return inbound.<DeploymentFinished>consume(
                        message,
                        EventType.DEPLOYMENT_FINISHED,
                        "incident.deployment-finished",
                        (tx, e) ->
                                deployments
                                        .finished(tx, e.data())
                                        .flatMap(
                                                x ->
                                                        responder.deploymentFinished(
                                                                tx, e.data(), when(e))))
                .invoke(this::wake);
    }

    /** Paused and resumed share the topic; the record's own type says which. A resume changes nothing here. */
    @Incoming("deployment-control")
    public Uni<Void> onDeploymentControl(Message<String> message) {
        EventType type = EventType.onTopicOf(message.getPayload(), EventType.DEPLOYMENT_PAUSED);
        return inbound.<StrideEvent>consume(
                        message,
                        type,
                        "incident.deployment-control",
                        (tx, e) ->
                                e.data() instanceof DeploymentPaused paused
                                        ? responder.deploymentPaused(tx, paused, when(e))
                                        : Uni.createFrom().voidItem())
                .invoke(this::wake);
    }

    // A new page goes out now (the outbox's events are published by InboundEvents once the event is
    // applied).
    private void wake() {
        dispatcher.wake();
    }

    /** When it happened: the event's time (an incident opens when its breach did), never later than now. */
    private static Instant when(ReceivedEvent<?> event) {
        Instant now = Instant.now();
        Instant at = event.envelope().time();
        return at == null || at.isAfter(now) ? now : at;
    }
}
