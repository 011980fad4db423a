package dev.stride.planner.messaging;

import dev.stride.events.EventType;
import dev.stride.kit.messaging.InboundEvents;
import dev.stride.planner.admission.DeploymentAdmission;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** DeploymentRequested from other systems (and the planner's own, which it skips), admitted like REST requests. */
@ApplicationScoped
public class DeploymentRequestConsumer {

    private final InboundEvents inbound;
    private final DeploymentAdmission admission;

    public DeploymentRequestConsumer(InboundEvents inbound, DeploymentAdmission admission) {
        this.inbound = inbound;
        this.admission = admission;
    }

    @Incoming("deployment-requested")
    public Uni<Void> onDeploymentRequested(Message<String> message) {
        return inbound.consume(
                message,
                EventType.DEPLOYMENT_REQUESTED,
                DeploymentAdmission.CONSUMER,
                admission::accept);
    }
}
