package dev.stride.executor.run;

import dev.stride.events.EventType;
import dev.stride.events.spec.Target;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.executor.traffic.TrafficDrivers;
import dev.stride.kit.messaging.InboundEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * What the executor is asked to do: the planner's PhaseRequested for the phases that change the platform, and
 * RollbackRequested from the planner, the incident service or other systems. Each becomes one execution row,
 * once per deployment, attempt and phase (or rollback), in the transaction that marks the event processed;
 * {@link ExecutionWorker} does the work.
 */
@ApplicationScoped
public class ExecutionIntake {

    /** CHECKS belong to the verifier; MIGRATION is not driven yet. */
    static final Set<PhaseType> PLATFORM_PHASES = Set.of(PhaseType.TRAFFIC, PhaseType.ROLLOUT, PhaseType.FINALIZE);

    private final InboundEvents inbound;
    private final ExecutionStore store;
    private final ExecutionWorker worker;
    private final TrafficDrivers drivers;

    public ExecutionIntake(InboundEvents inbound, ExecutionStore store, ExecutionWorker worker,
            TrafficDrivers drivers) {
        this.inbound = inbound;
        this.store = store;
        this.worker = worker;
        this.drivers = drivers;
    }

    private String endpoint(Target target) {
        return target == null ? null
                : drivers.forTarget(target).map(d -> d.endpoint(target)).orElse(target.platform());
    }

    @Incoming("phase-requested")
    public Uni<Void> onPhaseRequested(Message<String> message) {
        return inbound.<PhaseRequested>consume(message, EventType.PHASE_REQUESTED, "executor.phase-requested",
                (tx, event) -> {
                    PhaseRequested phase = event.data();
                    if (!PLATFORM_PHASES.contains(phase.phaseType())) {
                        return Uni.createFrom().voidItem();
                    }
                    // A phase asked for after its attempt was rolled back is stale.
                    return store.rollbackRequested(tx, phase.deploymentId(), phase.attempt())
                            .flatMap(rolledBack -> rolledBack ? Uni.createFrom().voidItem()
                                    : store.request(tx, phase.deploymentId(), phase.attempt(),
                                            Execution.phaseStep(phase.phase()), phase.phaseType(), phase.phase(),
                                            phase.target(), phase.parameters() == null ? Map.of()
                                                    : phase.parameters(), endpoint(phase.target()))
                                            .replaceWithVoid());
                }).invoke(worker::wake);
    }

    @Incoming("rollback-requested")
    public Uni<Void> onRollbackRequested(Message<String> message) {
        return inbound.<RollbackRequested>consume(message, EventType.ROLLBACK_REQUESTED, "executor.rollback-requested",
                (tx, event) -> {
                    RollbackRequested rollback = event.data();
                    return store.cancelOpenPhases(tx, rollback.deploymentId(), rollback.attempt())
                            .flatMap(x -> store.targetOf(tx, rollback.deploymentId(), rollback.attempt()))
                            // Without a target nothing of this attempt reached the platform; the worker says so.
                            .flatMap(target -> store.request(tx, rollback.deploymentId(), rollback.attempt(),
                                    Execution.ROLLBACK, null, null, target.orElse(null), Map.of("reason",
                                            rollback.reason() == null ? "" : rollback.reason()),
                                    endpoint(target.orElse(null))))
                            .replaceWithVoid();
                }).invoke(worker::wake);
    }
}
