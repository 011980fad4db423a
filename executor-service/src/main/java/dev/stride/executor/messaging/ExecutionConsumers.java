package dev.stride.executor.messaging;

import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentResumed;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.executor.run.ExecutionRequests;
import dev.stride.executor.run.ExecutionWorker;
import dev.stride.kit.messaging.InboundEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * What the executor consumes: the planner's PhaseRequested, DeploymentPaused and DeploymentResumed (a ROLLOUT under
 * way is held and let go), and RollbackRequested from the planner, the incident service or other systems. Each event is recorded by {@link ExecutionRequests} in the transaction that marks it
 * processed (so once per deployment, attempt and phase), then the worker is woken.
 */
@ApplicationScoped
public class ExecutionConsumers {

    private final InboundEvents inbound;
    private final ExecutionRequests requests;
    private final ExecutionWorker worker;

    public ExecutionConsumers(
            InboundEvents inbound, ExecutionRequests requests, ExecutionWorker worker) {
        this.inbound = inbound;
        this.requests = requests;
        this.worker = worker;
    }

    @Incoming("phase-requested")
    public Uni<Void> onPhaseRequested(Message<String> message) {
        return inbound.<PhaseRequested>consume(
                        message,
                        EventType.PHASE_REQUESTED,
                        "executor.phase-requested",
                        (tx, event) -> requests.phase(tx, event.data()))
                .invoke(worker::wake);
    }

    /** Paused and resumed share the topic, in order; the record's own type says which. */
    @Incoming("deployment-control")
    public Uni<Void> onDeploymentControl(Message<String> message) {
        EventType type = EventType.onTopicOf(message.getPayload(), EventType.DEPLOYMENT_PAUSED);
        return inbound.<StrideEvent>consume(
                        message,
                        type,
                        "executor.deployment-control",
                        (tx, event) ->
                                event.data() instanceof DeploymentPaused paused
                                        ? requests.paused(tx, paused)
                                        : requests.resumed(tx, (DeploymentResumed) event.data()))
                .invoke(worker::wake);
    }

    @Incoming("rollback-requested")
    public Uni<Void> onRollbackRequested(Message<String> message) {
        return inbound.<RollbackRequested>consume(
                        message,
                        EventType.ROLLBACK_REQUESTED,
                        "executor.rollback-requested",
                        (tx, event) -> requests.rollback(tx, event.data()))
                .invoke(worker::wake);
    }
}
