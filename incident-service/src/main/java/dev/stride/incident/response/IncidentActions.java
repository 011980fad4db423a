package dev.stride.incident.response;

import dev.stride.events.IncidentOpened;
import dev.stride.events.IncidentResolved;
import dev.stride.events.Severity;
import dev.stride.events.spec.Environment;
import dev.stride.incident.paging.Page;
import dev.stride.incident.paging.PageDispatcher;
import dev.stride.incident.paging.PageStore;
import dev.stride.incident.query.IncidentReads;
import dev.stride.incident.record.DeploymentDirectory;
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
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * What people do with an incident, each in one transaction with its timeline entry, its event (IncidentResolved)
 * and its page (acknowledge or resolve, when the incident was paged).
 */
@ApplicationScoped
public class IncidentActions {

    /** The rule and cause of a declared incident. */
    public static final String DECLARED = "declared";

    private final Pool pool;
    private final IncidentStore incidents;
    private final IncidentReads reads;
    private final PageStore pages;
    private final Outbox outbox;
    private final OutboxPublisher publisher;
    private final PageDispatcher dispatcher;
    private final DeploymentDirectory deployments;
    private final IncidentResponder responder;

    public IncidentActions(
            Pool pool,
            IncidentStore incidents,
            IncidentReads reads,
            PageStore pages,
            Outbox outbox,
            OutboxPublisher publisher,
            PageDispatcher dispatcher,
            DeploymentDirectory deployments,
            IncidentResponder responder) {
        this.deployments = deployments;
        this.responder = responder;
        this.pool = pool;
        this.incidents = incidents;
        this.reads = reads;
        this.pages = pages;
        this.outbox = outbox;
        this.publisher = publisher;
        this.dispatcher = dispatcher;
    }

    /** What on-call declares: {@code POST /api/v1/incidents}. */
    public record Declaration(
            Severity severity,
            String application,
            Environment environment,
            String summary,
            String description) {}

    /**
     * The runbook's incident-response script, started by a person. The incident concerns the deployment active in
     * the application and environment (else the latest one there; none known is a 422 naming {@code application}).
     * Every declaration is an incident of its own (rule and cause {@code declared}), except a repeat with the same
     * Idempotency-Key by the same caller while the first is unresolved. It announces itself
     * (IncidentOpened with {@code declaredBy}: the notifier tells the team, the planner stops an active deployment
     * for a P0/P1) and a P0/P1 pages on-call. One transaction: the incident, its timeline, the event and the page.
     */
    public Uni<Declared> declare(Declaration d, String actor, String idempotencyKey) {
        UUID id = UUID.randomUUID();
        // With an Idempotency-Key, a repeated declaration by the same caller (a retried request) is
        // the
        // incident it opened, as long as that one is unresolved; without one each is an incident of
        // its own.
        String dedupKey =
                idempotencyKey == null
                        ? DECLARED + "/" + id
                        : DECLARED + "/" + actor + "/" + idempotencyKey;
        return pool.withTransaction(
                        tx ->
                                incidents
                                        .unresolvedWithKey(tx, dedupKey)
                                        .flatMap(
                                                earlier ->
                                                        earlier.isPresent()
                                                                ? Uni.createFrom()
                                                                        .item(
                                                                                new Opened(
                                                                                        earlier
                                                                                                .get(),
                                                                                        false))
                                                                : deployments
                                                                        .current(
                                                                                tx,
                                                                                d.application(),
                                                                                d.environment())
                                                                        .flatMap(
                                                                                found ->
                                                                                        open(
                                                                                                tx,
                                                                                                id,
                                                                                                dedupKey,
                                                                                                d,
                                                                                                actor,
                                                                                                found
                                                                                                        .orElseThrow(
                                                                                                                () ->
                                                                                                                        unknownDeployment(
                                                                                                                                d))))
                                                                        .replaceWith(
                                                                                new Opened(
                                                                                        id, true))))
                .invoke(
                        () -> {
                            publisher.publishSoon();
                            dispatcher.wake();
                        })
                .flatMap(
                        opened ->
                                reads.find(opened.id())
                                        .map(
                                                found ->
                                                        new Declared(
                                                                found.orElseThrow(),
                                                                opened.created())));
    }

    private record Opened(UUID id, boolean created) {}

    /** The declared incident, and whether this request opened it (false: an earlier one with its key did). */
    public record Declared(Incident incident, boolean created) {}

    private Uni<Void> open(
            SqlConnection tx,
            UUID id,
            String dedupKey,
            Declaration d,
            String actor,
            UUID deploymentId) {
        boolean urgent = d.severity() == Severity.P0 || d.severity() == Severity.P1;
        Instant now = Instant.now();
        Incident draft =
                Incident.opening(
                        id,
                        deploymentId,
                        null,
                        d.application(),
                        d.environment().wireName(),
                        d.severity(),
                        d.summary(),
                        DECLARED,
                        DECLARED,
                        dedupKey,
                        now);
        String detail =
                d.severity()
                        + " declared for deployment "
                        + deploymentId
                        + ": "
                        + d.summary()
                        + (d.description() == null ? "" : "\n" + d.description());
        Uni<Void> chain =
                incidents
                        .open(tx, draft)
                        .flatMap(x -> incidents.log(tx, id, "declared", actor, detail))
                        .flatMap(
                                x ->
                                        outbox.append(
                                                tx,
                                                new IncidentOpened(
                                                        id,
                                                        deploymentId,
                                                        d.application(),
                                                        d.environment(),
                                                        d.severity(),
                                                        d.summary(),
                                                        DECLARED,
                                                        now,
                                                        actor)))
                        .replaceWithVoid();
        if (urgent) {
            chain = chain.flatMap(x -> responder.pageOnCall(tx, id));
        }
        return chain;
    }

    private static ProblemException unknownDeployment(Declaration d) {
        return new ProblemException(
                Problem.invalid(
                        422,
                        "Unprocessable Content",
                        List.of(
                                new Problem.FieldError(
                                        "application",
                                        "Stride knows no deployment of "
                                                + d.application()
                                                + " in "
                                                + d.environment().wireName()
                                                + ": an incident is declared for an application"
                                                + " and environment Stride deploys"))));
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
