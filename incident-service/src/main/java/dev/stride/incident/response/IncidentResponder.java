package dev.stride.incident.response;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.IncidentOpened;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import dev.stride.events.Severity;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import dev.stride.incident.paging.Page;
import dev.stride.incident.paging.PageStore;
import dev.stride.incident.record.DeploymentDirectory;
import dev.stride.incident.record.Incident;
import dev.stride.incident.record.IncidentStore;
import dev.stride.incident.rules.ClassificationRule;
import dev.stride.incident.rules.IncidentRules;
import dev.stride.incident.rules.Signal;
import dev.stride.kit.messaging.Outbox;
import dev.stride.kit.messaging.ProcessedEvents;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The runbook's incident-response script, per arriving signal: classify it; open an incident for its deployment and
 * cause, or attach it to the one already open; on a new P0/P1 ask for a rollback (when the signal comes from a
 * running deployment) and page on-call; on any new incident announce it (IncidentOpened: the notifier tells the
 * team). Every signal also lands in the timeline of the deployment's other unresolved incidents. All of it happens
 * in the caller's transaction, events through the outbox, pages through the page table.
 */
@ApplicationScoped
public class IncidentResponder {

    public static final String ACTOR = "incident-service";

    /**
     * The consumer of {@code stride.rollback-requested}. The service's own RollbackRequested is marked processed
     * for it when written, so hearing it back changes nothing (as the planner does with its own).
     */
    public static final String ROLLBACK_REQUESTED_CONSUMER = "incident.rollback-requested";

    private static final Logger LOG = Logger.getLogger(IncidentResponder.class);

    private final IncidentRules rules;
    private final IncidentStore incidents;
    private final DeploymentDirectory deployments;
    private final PageStore pages;
    private final Outbox outbox;
    private final ProcessedEvents processed;

    public IncidentResponder(
            IncidentRules rules,
            IncidentStore incidents,
            DeploymentDirectory deployments,
            PageStore pages,
            Outbox outbox,
            ProcessedEvents processed) {
        this.rules = rules;
        this.incidents = incidents;
        this.deployments = deployments;
        this.pages = pages;
        this.outbox = outbox;
        this.processed = processed;
    }

    /** What an arriving signal concerns: its deployment, attempt, and where that runs. */
    record Context(
            UUID deploymentId,
            Integer attempt,
            String application,
            Environment environment,
            Instant at) {}

    public Uni<Void> breach(SqlClient tx, ThresholdBreached e, Instant at) {
        String what =
                e.metric()
                        + " "
                        + (e.observedValue() == null ? "(no value)" : e.observedValue())
                        + " against "
                        + e.threshold()
                        + " over "
                        + e.window()
                        + " ("
                        + e.kind().name().toLowerCase(Locale.ROOT)
                        + ", action "
                        + e.action().name().toLowerCase(Locale.ROOT)
                        + ", attempt "
                        + e.attempt()
                        + ", phase "
                        + e.phase()
                        + ")";
        return context(tx, e.deploymentId(), e.attempt(), e.application(), e.environment(), at)
                .flatMap(c -> respond(tx, c, Signal.of(e, c.environment()), "breach", what, true));
    }

    /**
     * A rollback someone asked for ({@code source}: the event's envelope source). Who asked decides
     * ({@link Signal.Requester}): by default a manual one in production opens a P2; an automatic one opens nothing
     * here, its breach was classified already. While the deployment has an unresolved incident, a request only joins
     * its timeline: the rollback is part of that incident, never a second one. The service's own requests are
     * skipped (they are marked processed when written; this is the guard should one arrive anyway).
     */
    public Uni<Void> rollbackRequested(
            SqlClient tx, RollbackRequested e, String source, Instant at) {
        if (outbox.source().equals(source)) {
            return Uni.createFrom().voidItem();
        }
        Signal.Requester requester = Signal.Requester.of(source, e.requestedBy());
        String kind = requester.wireName() + "-rollback";
        String what =
                "rollback of attempt "
                        + e.attempt()
                        + " requested by "
                        + e.requestedBy()
                        + (e.reason() == null || e.reason().isBlank() ? "" : ": " + e.reason());
        return context(tx, e.deploymentId(), e.attempt(), null, null, at)
                .flatMap(
                        c ->
                                incidents
                                        .unresolvedOf(tx, e.deploymentId())
                                        .flatMap(
                                                open ->
                                                        open.isEmpty()
                                                                ? respond(
                                                                        tx,
                                                                        c,
                                                                        Signal.of(
                                                                                requester,
                                                                                c.environment()),
                                                                        kind,
                                                                        what,
                                                                        false)
                                                                : each(
                                                                        open,
                                                                        id ->
                                                                                incidents.log(
                                                                                        tx, id,
                                                                                        kind, ACTOR,
                                                                                        what))));
    }

    public Uni<Void> rollbackCompleted(SqlClient tx, RollbackCompleted e, Instant at) {
        String what =
                "rollback of attempt "
                        + e.attempt()
                        + " "
                        + e.outcome().name().toLowerCase(Locale.ROOT)
                        + (e.detail() == null || e.detail().isBlank() ? "" : ": " + e.detail());
        return context(tx, e.deploymentId(), e.attempt(), null, null, at)
                .flatMap(
                        c ->
                                respond(
                                        tx,
                                        c,
                                        Signal.of(e, c.environment()),
                                        "rollback-" + e.outcome().name().toLowerCase(Locale.ROOT),
                                        what,
                                        false));
    }

    /**
     * The planner paused a deployment. Without an unresolved incident of the deployment the rules decide (a paused
     * production deployment is P2); with one, the pause joins its timeline (a declared incident's pause, a pause
     * after a breach that opened one): it is part of that incident, never a second one.
     */
    public Uni<Void> deploymentPaused(SqlClient tx, DeploymentPaused e, Instant at) {
        String what =
                "paused by "
                        + e.pausedBy()
                        + " at phase "
                        + e.phase()
                        + (e.reason() == null || e.reason().isBlank() ? "" : ": " + e.reason());
        Context c =
                new Context(e.deploymentId(), e.attempt(), e.application(), e.environment(), at);
        return incidents
                .unresolvedOf(tx, e.deploymentId())
                .flatMap(
                        open ->
                                open.isEmpty()
                                        ? respond(tx, c, Signal.of(e), "paused", what, true)
                                        : each(
                                                open,
                                                id ->
                                                        incidents.log(
                                                                tx, id, "paused", ACTOR, what)));
    }

    public Uni<Void> deploymentFinished(SqlClient tx, DeploymentFinished e, Instant at) {
        String what =
                "deployment finished "
                        + e.outcome()
                        + (e.reason() == null || e.reason().isBlank() ? "" : ": " + e.reason());
        Context c = new Context(e.deploymentId(), null, e.application(), e.environment(), at);
        return respond(tx, c, Signal.of(e), "deployment-finished", what, false);
    }

    private Uni<Context> context(
            SqlClient tx,
            UUID deploymentId,
            Integer attempt,
            String application,
            Environment environment,
            Instant at) {
        if (application != null && environment != null) {
            return Uni.createFrom()
                    .item(new Context(deploymentId, attempt, application, environment, at));
        }
        return deployments
                .find(tx, deploymentId)
                .map(
                        known ->
                                new Context(
                                        deploymentId,
                                        attempt,
                                        application != null
                                                ? application
                                                : known.map(DeploymentDirectory.Known::application)
                                                        .orElse(null),
                                        environment != null
                                                ? environment
                                                : known.map(DeploymentDirectory.Known::environment)
                                                        .orElse(null),
                                        at));
    }

    private Uni<Void> respond(
            SqlClient tx, Context c, Signal signal, String kind, String what, boolean running) {
        Optional<ClassificationRule> rule = rules.classify(signal);
        Uni<Optional<UUID>> matched =
                rule.isEmpty()
                        ? Uni.createFrom().item(Optional.empty())
                        : openOrAttach(tx, c, rule.get(), kind, what, running);
        return matched.flatMap(
                own ->
                        incidents
                                .unresolvedOf(tx, c.deploymentId())
                                .flatMap(
                                        others ->
                                                each(
                                                        others.stream()
                                                                .filter(
                                                                        id ->
                                                                                own.map(
                                                                                                o ->
                                                                                                        !o
                                                                                                                .equals(
                                                                                                                        id))
                                                                                        .orElse(
                                                                                                true))
                                                                .toList(),
                                                        id ->
                                                                incidents.log(
                                                                        tx, id, kind, ACTOR,
                                                                        what))));
    }

    private Uni<Optional<UUID>> openOrAttach(
            SqlClient tx,
            Context c,
            ClassificationRule rule,
            String kind,
            String what,
            boolean running) {
        if (c.application() == null || c.environment() == null) {
            LOG.warnf(
                    "Rule %s matched a %s of deployment %s, but its application and environment are unknown (no "
                            + "DeploymentRequested or DeploymentFinished seen): no incident opened",
                    rule.name(), kind, c.deploymentId());
            return Uni.createFrom().item(Optional.empty());
        }
        String key = Incident.dedupKey(c.deploymentId(), rule.cause());
        Incident draft =
                Incident.opening(
                        UUID.randomUUID(),
                        c.deploymentId(),
                        c.attempt(),
                        c.application(),
                        c.environment().wireName(),
                        rule.severity(),
                        rule.title(),
                        rule.cause(),
                        rule.name(),
                        key,
                        c.at());
        return incidents
                .open(tx, draft)
                .flatMap(
                        opened ->
                                opened
                                        ? respondToNew(tx, c, draft, kind, what, running)
                                                .replaceWith(Optional.of(draft.id()))
                                        : incidents
                                                .unresolvedWithKey(tx, key)
                                                .flatMap(
                                                        existing ->
                                                                existing.map(
                                                                                id ->
                                                                                        incidents
                                                                                                .log(
                                                                                                        tx,
                                                                                                        id,
                                                                                                        kind,
                                                                                                        ACTOR,
                                                                                                        what
                                                                                                                + " (again)")
                                                                                                .replaceWith(
                                                                                                        existing))
                                                                        .orElseGet(
                                                                                () ->
                                                                                        Uni
                                                                                                .createFrom()
                                                                                                .item(
                                                                                                        Optional
                                                                                                                .empty()))));
    }

    private Uni<Void> respondToNew(
            SqlClient tx, Context c, Incident i, String kind, String what, boolean running) {
        boolean urgent = i.severity() == Severity.P0 || i.severity() == Severity.P1;
        Uni<Void> chain =
                incidents
                        .log(
                                tx,
                                i.id(),
                                "opened",
                                ACTOR,
                                i.severity() + " by rule " + i.rule() + " on " + kind + ": " + what)
                        .flatMap(
                                x ->
                                        outbox.append(
                                                tx,
                                                new IncidentOpened(
                                                        i.id(),
                                                        i.deploymentId(),
                                                        i.application(),
                                                        c.environment(),
                                                        i.severity(),
                                                        i.title(),
                                                        what,
                                                        i.openedAt())))
                        .replaceWithVoid();
        if (urgent && running && c.attempt() != null) {
            String reason =
                    "incident " + i.id() + " (" + i.severity() + ", " + i.rule() + "): " + what;
            chain =
                    chain.flatMap(
                                    x ->
                                            outbox.append(
                                                    tx,
                                                    new RollbackRequested(
                                                            i.deploymentId(),
                                                            c.attempt(),
                                                            reason,
                                                            ACTOR)))
                            .flatMap(
                                    envelope ->
                                            processed.markProcessed(
                                                    tx,
                                                    ROLLBACK_REQUESTED_CONSUMER,
                                                    envelope.id(),
                                                    envelope.type()))
                            .flatMap(
                                    x ->
                                            incidents.log(
                                                    tx,
                                                    i.id(),
                                                    "rollback-requested",
                                                    ACTOR,
                                                    "rollback of attempt "
                                                            + c.attempt()
                                                            + " requested"));
        }
        if (urgent) {
            chain = chain.flatMap(x -> pageOnCall(tx, i.id()));
        }
        return chain;
    }

    /** Queues the on-call page of a new P0/P1 incident, in the caller's transaction, and says so in its timeline. */
    public Uni<Void> pageOnCall(SqlClient tx, UUID incidentId) {
        return pages.enqueue(tx, incidentId, Page.Action.TRIGGER)
                .flatMap(x -> incidents.markPaged(tx, incidentId))
                .flatMap(
                        x ->
                                incidents.log(
                                        tx,
                                        incidentId,
                                        "page-queued",
                                        ACTOR,
                                        "on-call page queued"));
    }

    private static Uni<Void> each(
            List<UUID> ids, java.util.function.Function<UUID, Uni<Void>> action) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom()
                .iterable(ids)
                .onItem()
                .transformToUniAndConcatenate(id -> action.apply(id))
                .collect()
                .last()
                .replaceWithVoid();
    }
}
