package dev.stride.planner.query;

import dev.stride.kit.problem.Problem;
import dev.stride.kit.problem.ProblemException;
import dev.stride.planner.persistence.DeploymentQueue;
import dev.stride.planner.persistence.DeploymentReads;
import dev.stride.planner.persistence.StoredDeployment;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * What the REST API reads, so its resources never reach persistence themselves: the full view of one deployment
 * (its state, queue position, approvals and timeline) and a filtered page of them.
 */
@ApplicationScoped
public class DeploymentViews {

    private final DeploymentReads reads;
    private final DeploymentQueue queue;
    private final Pool pool;

    public DeploymentViews(DeploymentReads reads, DeploymentQueue queue, Pool pool) {
        this.reads = reads;
        this.queue = queue;
        this.pool = pool;
    }

    /** The deployment a path names; 404 for a malformed or unknown id. */
    public Uni<DeploymentView> byId(String id) {
        return byId(parseId(id));
    }

    /** The deployment with this id; 404 if there is none. */
    public Uni<DeploymentView> byId(UUID id) {
        return reads.find(id)
                .flatMap(
                        found ->
                                full(
                                        found.orElseThrow(
                                                () ->
                                                        ProblemException.notFound(
                                                                "no deployment has id " + id))));
    }

    /** One page of deployments, newest first. */
    public Uni<DeploymentList> list(DeploymentQuery query) {
        return reads.list(
                        query.application(),
                        query.environment(),
                        query.status(),
                        query.page(),
                        query.size())
                .map(
                        result ->
                                new DeploymentList(
                                        result.items().stream()
                                                .map(DeploymentView::summary)
                                                .toList(),
                                        query.page(),
                                        query.size(),
                                        result.total(),
                                        (result.total() + query.size() - 1) / query.size()));
    }

    private Uni<DeploymentView> full(StoredDeployment stored) {
        UUID id = stored.state().id();
        return pool.withConnection(c -> queue.queuePosition(c, stored.state()))
                .flatMap(
                        position ->
                                reads.approvals(id)
                                        .flatMap(
                                                approvals ->
                                                        reads.timeline(id)
                                                                .map(
                                                                        timeline ->
                                                                                DeploymentView.of(
                                                                                        stored,
                                                                                        position
                                                                                                .orElse(
                                                                                                        null),
                                                                                        approvals,
                                                                                        timeline))));
    }

    /** A deployment id from a path; anything that is not a UUID names no deployment. */
    public static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            // The text is not echoed: whatever a caller puts in a URL should not come back in an
            // answer.
            throw new ProblemException(
                    Problem.of(404, "Not Found", "no such deployment (deployment ids are UUIDs)"));
        }
    }
}
