package dev.stride.planner.api;

import dev.stride.kit.problem.Problem;
import dev.stride.kit.problem.ProblemException;
import dev.stride.planner.persistence.DeploymentStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Assembles the full view of one deployment: its state, queue position, approvals and timeline. */
@ApplicationScoped
public class DeploymentViews {

    private final DeploymentStore store;
    private final Pool pool;

    public DeploymentViews(DeploymentStore store, Pool pool) {
        this.store = store;
        this.pool = pool;
    }

    public Uni<DeploymentView> byId(String id) {
        UUID uuid = parseId(id);
        return store.find(uuid).flatMap(found -> full(found.orElseThrow(
                () -> ProblemException.notFound("no deployment has id " + uuid))));
    }

    public Uni<DeploymentView> full(DeploymentStore.Stored stored) {
        UUID id = stored.state().id();
        return pool.withConnection(c -> store.queuePosition(c, stored.state()))
                .flatMap(position -> store.approvals(id)
                        .flatMap(approvals -> store.timeline(id)
                                .map(timeline -> DeploymentView.of(stored, position.orElse(null), approvals,
                                        timeline))));
    }

    /** A deployment id from a path; anything that is not a UUID names no deployment. */
    public static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            // The text is not echoed: whatever a caller puts in a URL should not come back in an answer.
            throw new ProblemException(Problem.of(404, "Not Found", "no such deployment (deployment ids are UUIDs)"));
        }
    }
}
