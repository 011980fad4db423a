package dev.stride.executor.run;

import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentResumed;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.spec.Target;
import dev.stride.executor.migration.MigrationRequest;
import dev.stride.executor.traffic.TrafficDrivers;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;

/**
 * Turns what the executor is asked to do into execution rows: a PhaseRequested for a phase that changes the
 * platform, or a RollbackRequested, becomes one row per deployment, attempt and phase (or rollback), written in the
 * caller's transaction (the one that marks the event processed); {@link ExecutionWorker} does the work. The Kafka
 * side is {@code messaging.ExecutionConsumers}.
 */
@ApplicationScoped
public class ExecutionRequests {

    /** The phases the executor works: CHECKS belong to the verifier. */
    static final Set<PhaseType> PLATFORM_PHASES =
            Set.of(PhaseType.TRAFFIC, PhaseType.ROLLOUT, PhaseType.FINALIZE, PhaseType.MIGRATION);

    private final ExecutionStore store;
    private final TrafficDrivers drivers;

    public ExecutionRequests(ExecutionStore store, TrafficDrivers drivers) {
        this.store = store;
        this.drivers = drivers;
    }

    private String endpoint(Target target) {
        return target == null ? null : drivers.endpoint(target);
    }

    /**
     * The endpoint a MIGRATION phase counts against in the bulkhead: its database, not the platform, so a database
     * that does not answer holds only its own migrations' workers.
     */
    static String migrationEndpoint(Map<String, Object> parameters) {
        try {
            return MigrationRequest.parse(parameters).endpoint();
        } catch (IllegalArgumentException malformed) {
            return "postgresql://(malformed)";
        }
    }

    /** Records the phase unless it does not touch the platform or its attempt was rolled back already. */
    public Uni<Void> phase(SqlClient tx, PhaseRequested phase) {
        if (!PLATFORM_PHASES.contains(phase.phaseType())) {
            return Uni.createFrom().voidItem();
        }
        // A phase asked for after its attempt was rolled back is stale, except the rollback's own
        // database restore.
        boolean restore =
                phase.phaseType() == PhaseType.MIGRATION
                        && phase.parameters() != null
                        && "restore".equals(phase.parameters().get("stage"));
        return (restore
                        ? Uni.createFrom().item(false)
                        : store.rollbackRequested(tx, phase.deploymentId(), phase.attempt()))
                .flatMap(
                        rolledBack ->
                                rolledBack
                                        ? Uni.createFrom().voidItem()
                                        : store.request(
                                                        tx,
                                                        phase.deploymentId(),
                                                        phase.attempt(),
                                                        Execution.phaseStep(phase.phase()),
                                                        phase.phaseType(),
                                                        phase.phase(),
                                                        phase.target(),
                                                        phase.parameters() == null
                                                                ? Map.of()
                                                                : phase.parameters(),
                                                        phase.phaseType() == PhaseType.MIGRATION
                                                                ? migrationEndpoint(
                                                                        phase.parameters())
                                                                : endpoint(phase.target()))
                                                .replaceWithVoid());
    }

    /** DeploymentPaused: the attempt's ROLLOUT under way, if any, is held on the platform. */
    public Uni<Void> paused(SqlClient tx, DeploymentPaused paused) {
        return store.hold(tx, paused.deploymentId(), paused.attempt());
    }

    /** DeploymentResumed: a held ROLLOUT goes on. */
    public Uni<Void> resumed(SqlClient tx, DeploymentResumed resumed) {
        return store.release(tx, resumed.deploymentId(), resumed.attempt());
    }

    /** Cancels the attempt's open phases and records the rollback, against the target its phases had. */
    public Uni<Void> rollback(SqlClient tx, RollbackRequested rollback) {
        return store.cancelOpenPhases(tx, rollback.deploymentId(), rollback.attempt())
                .flatMap(x -> store.targetOf(tx, rollback.deploymentId(), rollback.attempt()))
                // Without a target nothing of this attempt reached the platform; the worker says
                // so.
                .flatMap(
                        target ->
                                store.request(
                                        tx,
                                        rollback.deploymentId(),
                                        rollback.attempt(),
                                        Execution.ROLLBACK,
                                        null,
                                        null,
                                        target.orElse(null),
                                        Map.of(
                                                "reason",
                                                rollback.reason() == null ? "" : rollback.reason()),
                                        endpoint(target.orElse(null))))
                .replaceWithVoid();
    }
}
