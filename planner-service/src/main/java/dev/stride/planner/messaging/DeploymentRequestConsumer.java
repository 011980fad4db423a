package dev.stride.planner.messaging;

import dev.stride.planner.intake.DeploymentIntake;

import dev.stride.events.EventType;
import dev.stride.kit.messaging.InboundEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** The Kafka intake: DeploymentRequested from other systems (and the planner's own, which it skips). */
@ApplicationScoped
public class DeploymentRequestConsumer {

    private final InboundEvents inbound;
    private final DeploymentIntake intake;

    public DeploymentRequestConsumer(InboundEvents inbound, DeploymentIntake intake) {
        this.inbound = inbound;
        this.intake = intake;
    }

    @Incoming("deployment-requested")
    public Uni<Void> onDeploymentRequested(Message<String> message) {
        return inbound.consume(message, EventType.DEPLOYMENT_REQUESTED, DeploymentIntake.CONSUMER, intake::accept);
    }
}
