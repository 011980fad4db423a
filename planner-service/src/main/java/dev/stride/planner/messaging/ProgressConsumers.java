package dev.stride.planner.messaging;

import dev.stride.events.EventType;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseStarted;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.kit.messaging.InboundEvents;
import dev.stride.kit.messaging.ReceivedEvent;
import dev.stride.planner.run.DeploymentEngine;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * What the executor, the verifier and other systems say about running deployments, fed to the state machine.
 * Each event is applied once (processed-event log), in the transaction that saves its effect; stale and
 * duplicate events change nothing; unreadable ones go to the topic's dead-letter topic.
 */
@ApplicationScoped
public class ProgressConsumers {

    private static final Logger LOG = Logger.getLogger(ProgressConsumers.class);

    private final InboundEvents inbound;
    private final DeploymentEngine engine;

    public ProgressConsumers(InboundEvents inbound, DeploymentEngine engine) {
        this.inbound = inbound;
        this.engine = engine;
    }

    @Incoming("phase-started")
    public Uni<Void> onPhaseStarted(Message<String> message) {
        return inbound.<PhaseStarted>consume(
                message,
                EventType.PHASE_STARTED,
                "planner.phase-started",
                (tx, e) ->
                        apply(
                                tx,
                                e,
                                (machine, state, situation) ->
                                        machine.phaseStarted(
                                                state, e.data(), actor(e), situation.now())));
    }

    @Incoming("phase-completed")
    public Uni<Void> onPhaseCompleted(Message<String> message) {
        return inbound.<PhaseCompleted>consume(
                message,
                EventType.PHASE_COMPLETED,
                "planner.phase-completed",
                (tx, e) ->
                        apply(
                                tx,
                                e,
                                (machine, state, situation) ->
                                        machine.phaseCompleted(
                                                state, e.data(), actor(e), situation.now())));
    }

    @Incoming("threshold-breached")
    public Uni<Void> onThresholdBreached(Message<String> message) {
        return inbound.<ThresholdBreached>consume(
                message,
                EventType.THRESHOLD_BREACHED,
                "planner.threshold-breached",
                (tx, e) ->
                        apply(
                                tx,
                                e,
                                (machine, state, situation) ->
                                        machine.thresholdBreached(
                                                state, e.data(), actor(e), situation.now())));
    }

    @Incoming("rollback-completed")
    public Uni<Void> onRollbackCompleted(Message<String> message) {
        return inbound.<RollbackCompleted>consume(
                message,
                EventType.ROLLBACK_COMPLETED,
                "planner.rollback-completed",
                (tx, e) ->
                        apply(
                                tx,
                                e,
                                (machine, state, situation) ->
                                        machine.rollbackCompleted(
                                                state, e.data(), actor(e), situation.now())));
    }

    /** RollbackRequested from other systems (incident tooling, people's scripts); the executor acts on the event itself. */
    @Incoming("rollback-requested")
    public Uni<Void> onRollbackRequested(Message<String> message) {
        return inbound.<RollbackRequested>consume(
                message,
                EventType.ROLLBACK_REQUESTED,
                DeploymentEngine.OWN_CONSUMERS.get(EventType.ROLLBACK_REQUESTED),
                (tx, e) ->
                        apply(
                                tx,
                                e,
                                (machine, state, situation) ->
                                        machine.rollbackRequested(
                                                state, e.data(), requester(e), situation.now())));
    }

    private <T extends StrideEvent> Uni<Void> apply(
            SqlConnection tx, ReceivedEvent<T> event, DeploymentEngine.Input input) {
        return engine.apply(tx, event.data().deploymentId(), input)
                .invoke(
                        step -> {
                            if (step.isEmpty()) {
                                LOG.infof(
                                        "%s %s names no deployment here; ignored",
                                        event.envelope().type(), event.envelope().id());
                            } else if (step.get().isRefused()) {
                                LOG.infof(
                                        "%s %s changes nothing: %s",
                                        event.envelope().type(),
                                        event.envelope().id(),
                                        step.get().refusal());
                            }
                        })
                .replaceWithVoid();
    }

    private static String actor(ReceivedEvent<?> event) {
        String source = event.envelope().source();
        return source.startsWith("/stride/") ? source.substring("/stride/".length()) : source;
    }

    private static String requester(ReceivedEvent<RollbackRequested> event) {
        String by = event.data().requestedBy();
        return by == null || by.isBlank() ? actor(event) : by + " via " + actor(event);
    }
}
