package dev.stride.planner.run;

import dev.stride.kit.messaging.OutboxPublisher;
import dev.stride.planner.machine.Step;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * What a person does to a deployment (approve, pause, resume, abort, promote, roll back): one input to the engine
 * in a transaction of its own, then the outbox published at once, so an operator's rollback or abort leaves now
 * rather than at the publisher's next poll. The REST API acts only through here; it holds no transaction itself.
 */
@ApplicationScoped
public class OperatorActions {

    private final Pool pool;
    private final DeploymentEngine engine;
    private final OutboxPublisher publisher;

    public OperatorActions(Pool pool, DeploymentEngine engine, OutboxPublisher publisher) {
        this.pool = pool;
        this.engine = engine;
        this.publisher = publisher;
    }

    /**
     * Applies {@code input} to deployment {@code id} ({@code approvalComment} recorded with an approval); emits empty
     * when there is no such deployment, else the step (which may be a refusal).
     */
    public Uni<Optional<Step>> apply(
            UUID id, DeploymentEngine.Input input, String approvalComment) {
        return pool.withTransaction(tx -> engine.apply(tx, id, input, approvalComment))
                .invoke(publisher::publishSoon);
    }
}
