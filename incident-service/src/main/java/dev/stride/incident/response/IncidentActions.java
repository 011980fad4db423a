package dev.stride.incident.response;

import dev.stride.events.IncidentResolved;
import dev.stride.incident.paging.Page;
import dev.stride.incident.paging.PageDispatcher;
import dev.stride.incident.paging.PageStore;
import dev.stride.incident.query.IncidentReads;
import dev.stride.incident.record.Incident;
import dev.stride.incident.record.IncidentStatus;
import dev.stride.incident.record.IncidentStore;
import dev.stride.kit.messaging.Outbox;
import dev.stride.kit.messaging.OutboxPublisher;
import dev.stride.kit.problem.Problem;
import dev.stride.kit.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * What people do with an incident, each in one transaction with its timeline entry, its event (IncidentResolved)
 * and its page (acknowledge or resolve, when the incident was paged).
 */
@ApplicationScoped
public class IncidentActions {

    private final Pool pool;
    private final IncidentStore incidents;
    private final IncidentReads reads;
    private final PageStore pages;
    private final Outbox outbox;
    private final OutboxPublisher publisher;
    private final PageDispatcher dispatcher;

    public IncidentActions(
            Pool pool,
            IncidentStore incidents,
            IncidentReads reads,
            PageStore pages,
            Outbox outbox,
            OutboxPublisher publisher,
            PageDispatcher dispatcher) {
        this.pool = pool;
        this.incidents = incidents;
        this.reads = reads;
        this.pages = pages;
        this.outbox = outbox;
        this.publisher = publisher;
        this.dispatcher = dispatcher;
    }

    /** OPEN becomes ACKNOWLEDGED; acknowledging again changes nothing; a RESOLVED incident cannot be. */
    public Uni<Incident> acknowledge(UUID id, String actor, String note) {
        return act(
                id,
                (tx, i) -> {
                    if (i.status() == IncidentStatus.RESOLVED) {
                        throw conflict("the incident is already resolved");
                    }
                    if (i.status() == IncidentStatus.ACKNOWLEDGED) {
                        return Uni.createFrom().voidItem();
                    }
                    Uni<Void> done =
                            incidents
                                    .acknowledge(tx, id, actor)
                                    .flatMap(
                                            x ->
                                                    incidents.log(
                                                            tx, id, "acknowledged", actor, note));
                    return i.paged()
                            ? done.flatMap(x -> pages.enqueue(tx, id, Page.Action.ACKNOWLEDGE))
                            : done;
                });
    }

    /** Resolves with a resolution note: IncidentResolved, and the page resolved when there was one. */
    public Uni<Incident> resolve(UUID id, String actor, String resolution) {
        return act(
                id,
                (tx, i) -> {
                    if (i.status() == IncidentStatus.RESOLVED) {
                        throw conflict("the incident is already resolved");
                    }
                    Uni<Void> done =
                            incidents
                                    .resolve(tx, id, actor, resolution)
                                    .flatMap(
                                            at ->
                                                    incidents
                                                            .log(
                                                                    tx,
                                                                    id,
                                                                    "resolved",
                                                                    actor,
                                                                    resolution)
                                                            .flatMap(
                                                                    x ->
                                                                            outbox.append(
                                                                                    tx,
                                                                                    new IncidentResolved(
                                                                                            id,
                                                                                            i
                                                                                                    .deploymentId(),
                                                                                            i
                                                                                                    .severity(),
                                                                                            resolution,
                                                                                            at))))
                                    .replaceWithVoid();
                    return i.paged()
                            ? done.flatMap(x -> pages.enqueue(tx, id, Page.Action.RESOLVE))
                            : done;
                });
    }

    public Uni<Incident> note(UUID id, String actor, String note) {
        return act(id, (tx, i) -> incidents.log(tx, id, "note", actor, note));
    }

    /** Sets the post-incident review fields (root cause, action items), replacing what was there. */
    public Uni<Incident> review(UUID id, String actor, String rootCause, List<String> actionItems) {
        return act(
                id,
                (tx, i) ->
                        incidents
                                .review(tx, id, rootCause, actionItems)
                                .flatMap(
                                        x ->
                                                incidents.log(
                                                        tx,
                                                        id,
                                                        "review-updated",
                                                        actor,
                                                        "root cause "
                                                                + (rootCause == null
                                                                        ? "cleared"
                                                                        : "set")
                                                                + ", "
                                                                + actionItems.size()
                                                                + " action item(s)")));
    }

    private Uni<Incident> act(UUID id, BiFunction<SqlConnection, Incident, Uni<Void>> action) {
        return pool.withTransaction(
                        tx ->
                                incidents
                                        .lock(tx, id)
                                        .flatMap(
                                                found ->
                                                        action.apply(
                                                                tx,
                                                                found.orElseThrow(
                                                                        () ->
                                                                                ProblemException
                                                                                        .notFound(
                                                                                                "no incident has id "
                                                                                                        + id)))))
                .invoke(
                        () -> {
                            publisher.publishSoon();
                            dispatcher.wake();
                        })
                .flatMap(x -> reads.find(id))
                .map(found -> found.orElseThrow());
    }

    private static ProblemException conflict(String detail) {
        return new ProblemException(Problem.of(409, "Conflict", detail));
    }
}
