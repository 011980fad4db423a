package dev.stride.verifier.messaging;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.EventType;
import dev.stride.events.IncidentOpened;
import dev.stride.events.IncidentResolved;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseStarted;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.kit.messaging.InboundEvents;
import dev.stride.verifier.run.AnalysisLifecycle;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The verifier's consumers (DeploymentPaused / DeploymentResumed suspend and resume a deployment's analyses): PhaseRequested (CHECKS to run; TRAFFIC and ROLLOUT to remember for their analysis),
 * PhaseStarted (an analysed phase's window opens), RollbackRequested and DeploymentFinished (analyses stop),
 * IncidentOpened and IncidentResolved (the incidents open per application and environment; the analyses running
 * there move onto the incident interval and back). Each
 * effect is written with the processed-event mark, so a redelivery changes nothing.
 */
@ApplicationScoped
public class PhaseConsumers {

    private final InboundEvents inbound;
    private final AnalysisLifecycle analyses;

    public PhaseConsumers(InboundEvents inbound, AnalysisLifecycle analyses) {
        this.inbound = inbound;
        this.analyses = analyses;
    }

    @Incoming("phase-requested")
    public Uni<Void> onPhaseRequested(Message<String> message) {
        return inbound.<PhaseRequested>consume(
                        message,
                        EventType.PHASE_REQUESTED,
                        "verifier.phase-requested",
                        (tx, event) -> analyses.requested(tx, event.data()))
                .invoke(analyses::wake);
    }

    /** Opened and resolved share the topic; the record's own type says which (anything else is dead-lettered). */
    @Incoming("incidents")
    public Uni<Void> onIncident(Message<String> message) {
        EventType type = EventType.onTopicOf(message.getPayload(), EventType.INCIDENT_OPENED);
        return inbound.<StrideEvent>consume(
                        message,
                        type,
                        "verifier.incidents",
                        (tx, event) ->
                                event.data() instanceof IncidentOpened opened
                                        ? analyses.incidentOpened(tx, opened)
                                        : event.data() instanceof IncidentResolved resolved
                                                ? analyses.incidentResolved(
                                                        tx, resolved.incidentId())
                                                : Uni.createFrom().voidItem())
                .invoke(analyses::wake);
    }

    /**
     * Paused and resumed share the topic (so they arrive in order); the record's own type says which. Measured by
     * the verifier's clock: the pause holds from when it is read here to when the resume is.
     */
    @Incoming("deployment-control")
    public Uni<Void> onDeploymentControl(Message<String> message) {
        EventType type = EventType.onTopicOf(message.getPayload(), EventType.DEPLOYMENT_PAUSED);
        return inbound.<StrideEvent>consume(
                        message,
                        type,
                        "verifier.deployment-control",
                        (tx, event) ->
                                event.data() instanceof DeploymentPaused paused
                                        ? analyses.paused(
                                                tx, paused.deploymentId(), java.time.Instant.now())
                                        : analyses.resumed(
                                                tx,
                                                event.data().deploymentId(),
                                                java.time.Instant.now()))
                .invoke(analyses::wake);
    }

    @Incoming("phase-started")
    public Uni<Void> onPhaseStarted(Message<String> message) {
        return inbound.<PhaseStarted>consume(
                        message,
                        EventType.PHASE_STARTED,
                        "verifier.phase-started",
                        (tx, event) -> analyses.started(tx, event.data()))
                .invoke(analyses::wake);
    }

    @Incoming("rollback-requested")
    public Uni<Void> onRollbackRequested(Message<String> message) {
        return inbound.<RollbackRequested>consume(
                message,
                EventType.ROLLBACK_REQUESTED,
                "verifier.rollback-requested",
                (tx, event) ->
                        analyses.stop(
                                tx,
                                event.data().deploymentId(),
                                event.data().attempt(),
                                "stopped: rollback requested"));
    }

    @Incoming("deployment-finished")
    public Uni<Void> onDeploymentFinished(Message<String> message) {
        return inbound.<DeploymentFinished>consume(
                message,
                EventType.DEPLOYMENT_FINISHED,
                "verifier.deployment-finished",
                (tx, event) ->
                        analyses.stop(
                                tx,
                                event.data().deploymentId(),
                                Integer.MAX_VALUE,
                                "stopped: deployment "
                                        + event.data().outcome().name().toLowerCase()));
    }
}
