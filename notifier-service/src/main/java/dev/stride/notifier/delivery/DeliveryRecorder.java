package dev.stride.notifier.delivery;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.DeploymentResumed;
import dev.stride.events.IncidentOpened;
import dev.stride.events.IncidentResolved;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.Severity;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.kit.messaging.ReceivedEvent;
import dev.stride.notifier.channel.Channels;
import dev.stride.notifier.notice.DeploymentDirectory;
import dev.stride.notifier.notice.DeploymentFacts;
import dev.stride.notifier.notice.Notice;
import dev.stride.notifier.notice.Notices;
import dev.stride.notifier.routing.Routes;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns one event into its delivery-log rows, in the caller's transaction: learns what the event says of its
 * deployment, makes its notice (a rollback's "initiated" once per attempt), and writes one row per channel of its route that carries it (each channel says what
 * it carries: Slack the events that make a message, Statuspage those that move the status page, webhooks every
 * event). {@link DeliverySender} sends them.
 */
@ApplicationScoped
public class DeliveryRecorder {

    private final DeploymentDirectory directory;
    private final Notices notices;
    private final Routes routes;
    private final Channels channels;
    private final DeliveryStore deliveries;

    public DeliveryRecorder(
            DeploymentDirectory directory,
            Notices notices,
            Routes routes,
            Channels channels,
            DeliveryStore deliveries) {
        this.directory = directory;
        this.notices = notices;
        this.routes = routes;
        this.channels = channels;
        this.deliveries = deliveries;
    }

    /**
     * Records the deliveries of {@code event} ({@code payload}: the record as it arrived) and adds their channels to
     * {@code touched}.
     */
    public Uni<Void> record(
            SqlConnection tx,
            ReceivedEvent<StrideEvent> event,
            String payload,
            Set<String> touched) {
        StrideEvent data = event.data();
        UUID eventId = UUID.fromString(event.envelope().id());
        return directory
                .learn(tx, data.deploymentId(), factsIn(data))
                .flatMap(
                        facts ->
                                announces(tx, data, eventId)
                                        .flatMap(
                                                announce ->
                                                        announce
                                                                ? afterRollback(tx, data)
                                                                        .map(
                                                                                restore ->
                                                                                        notices.of(
                                                                                                event
                                                                                                        .envelope(),
                                                                                                data,
                                                                                                facts,
                                                                                                restore))
                                                                : Uni.createFrom()
                                                                        .item(
                                                                                Optional
                                                                                        .<Notice>
                                                                                                empty()))
                                        .map(notice -> new Told(facts, notice)))
                .flatMap(
                        told -> {
                            DeploymentFacts facts = told.facts();
                            Optional<Notice> notice = told.notice();
                            return Multi.createFrom()
                                    .iterable(
                                            routes.channelsFor(
                                                    facts.application(),
                                                    facts.environment(),
                                                    severity(data)))
                                    .onItem()
                                    .transformToUniAndConcatenate(
                                            pick -> {
                                                if (!channels.get(pick.channel())
                                                        .orElseThrow()
                                                        .channel()
                                                        .carries(notice)) {
                                                    return Uni.createFrom().voidItem();
                                                }
                                                touched.add(pick.channel());
                                                return deliveries
                                                        .record(
                                                                tx,
                                                                eventId,
                                                                event.envelope().type(),
                                                                data.deploymentId(),
                                                                pick.channel(),
                                                                pick.route(),
                                                                notice.orElse(null),
                                                                payload)
                                                        .replaceWithVoid();
                                            })
                                    .collect()
                                    .last()
                                    .replaceWithVoid();
                        });
    }

    private record Told(DeploymentFacts facts, Optional<Notice> notice) {}

    /**
     * Whether the event makes its notice. A RollbackRequested does only if it is the first for its attempt: the
     * planner and the incident service may both ask to roll back one attempt, and people are told once. (Channels
     * that carry every event, webhooks, still get the later requests.)
     */
    private Uni<Boolean> announces(SqlConnection tx, StrideEvent data, UUID eventId) {
        if (data instanceof RollbackRequested r) {
            return directory.firstRollbackRequest(
                    tx, r.deploymentId(), r.attempt(), eventId, r.requestedBy());
        }
        return Uni.createFrom().item(true);
    }

    /**
     * Whether a MIGRATION phase's event belongs to an attempt that has been rolled back: then it is the rollback's
     * database restore, the only migration the planner asks for after a rollback.
     */
    private Uni<Boolean> afterRollback(SqlConnection tx, StrideEvent data) {
        int attempt;
        if (data instanceof PhaseStarted s && s.phaseType() == PhaseType.MIGRATION) {
            attempt = s.attempt();
        } else if (data instanceof PhaseCompleted c && c.phaseType() == PhaseType.MIGRATION) {
            attempt = c.attempt();
        } else {
            return Uni.createFrom().item(false);
        }
        return directory.rolledBack(tx, data.deploymentId(), attempt);
    }

    private static DeploymentFacts factsIn(StrideEvent data) {
        if (data instanceof DeploymentRequested r) {
            var rollback = r.rollback();
            return new DeploymentFacts(
                    r.application(),
                    r.environment().wireName(),
                    r.version(),
                    rollback == null || rollback.rollbackStrategy() == null
                            ? null
                            : rollback.rollbackStrategy().verificationDelay());
        }
        if (data instanceof DeploymentFinished f) {
            return new DeploymentFacts(
                    f.application(),
                    f.environment() == null ? null : f.environment().wireName(),
                    f.version());
        }
        if (data instanceof IncidentOpened o) {
            return new DeploymentFacts(
                    o.application(),
                    o.environment() == null ? null : o.environment().wireName(),
                    null);
        }
        if (data instanceof DeploymentPaused p) {
            return new DeploymentFacts(
                    p.application(),
                    p.environment() == null ? null : p.environment().wireName(),
                    null);
        }
        if (data instanceof DeploymentResumed r) {
            return new DeploymentFacts(
                    r.application(),
                    r.environment() == null ? null : r.environment().wireName(),
                    null);
        }
        if (data instanceof ThresholdBreached b) {
            return new DeploymentFacts(
                    b.application(),
                    b.environment() == null ? null : b.environment().wireName(),
                    null);
        }
        return DeploymentFacts.UNKNOWN;
    }

    private static Severity severity(StrideEvent data) {
        if (data instanceof IncidentOpened o) {
            return o.severity();
        }
        if (data instanceof IncidentResolved r) {
            return r.severity();
        }
        return null;
    }
}
