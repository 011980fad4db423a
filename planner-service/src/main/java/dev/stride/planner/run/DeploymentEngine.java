package dev.stride.planner.run;

import dev.stride.events.CloudEvent;
import dev.stride.events.EventType;
import dev.stride.events.StrideEvent;
import dev.stride.kit.messaging.Outbox;
import dev.stride.kit.messaging.ProcessedEvents;
import dev.stride.planner.machine.DeploymentMachine;
import dev.stride.planner.machine.DeploymentState;
import dev.stride.planner.machine.Step;
import dev.stride.planner.persistence.DeploymentQueue;
import dev.stride.planner.persistence.DeploymentStore;
import dev.stride.planner.rules.PlannerRules;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Runs one input through the state machine inside the caller's transaction: takes the lock of the deployment's
 * application and environment, loads the deployment, applies the pure transition, and writes the new state, the
 * timeline and the events to publish (outbox) together. When a deployment ends, the next one in its queue starts
 * in the same transaction.
 */
@ApplicationScoped
public class DeploymentEngine {

    /**
     * Consumers of the planner's own topics: its own events are marked processed when written. The names are
     * rows of {@code processed_event} in existing databases, so they keep the word "intake".
     */
    public static final Map<EventType, String> OWN_CONSUMERS =
            Map.of(
                    EventType.DEPLOYMENT_REQUESTED, "planner.deployment-intake",
                    EventType.ROLLBACK_REQUESTED, "planner.rollback-intake");

    private static final Logger LOG = Logger.getLogger(DeploymentEngine.class);

    private final DeploymentStore store;
    private final DeploymentQueue queue;
    private final Outbox outbox;
    private final ProcessedEvents processed;
    private final DeploymentMachine machine;
    private final Clock clock;

    public DeploymentEngine(
            DeploymentStore store,
            DeploymentQueue queue,
            Outbox outbox,
            ProcessedEvents processed,
            PlannerRules rules) {
        this.store = store;
        this.queue = queue;
        this.outbox = outbox;
        this.processed = processed;
        this.machine = new DeploymentMachine(rules.deadlineMargin());
        this.clock = Clock.systemUTC();
    }

    /** What a transition may look at beyond the deployment itself. */
    public record Situation(Instant now, boolean anotherActive) {}

    @FunctionalInterface
    public interface Input {
        Step apply(DeploymentMachine machine, DeploymentState state, Situation situation);
    }

    public DeploymentMachine machine() {
        return machine;
    }

    /** Applies {@code input} to deployment {@code id}; emits empty when there is no such deployment. */
    public Uni<Optional<Step>> apply(SqlConnection tx, UUID id, Input input) {
        return apply(tx, id, input, null);
    }

    public Uni<Optional<Step>> apply(
            SqlConnection tx, UUID id, Input input, String approvalComment) {
        return queue.scopeOf(tx, id)
                .flatMap(
                        scope -> {
                            if (scope.isEmpty()) {
                                return Uni.createFrom().item(Optional.empty());
                            }
                            String application = scope.get()[0];
                            String environment = scope.get()[1];
                            return queue.lockScope(tx, application, environment)
                                    .flatMap(locked -> store.loadForUpdate(tx, id))
                                    .flatMap(
                                            found ->
                                                    queue.anotherActive(
                                                                    tx,
                                                                    application,
                                                                    environment,
                                                                    id)
                                                            .flatMap(
                                                                    active -> {
                                                                        DeploymentState before =
                                                                                found.orElseThrow()
                                                                                        .state();
                                                                        Instant now =
                                                                                clock.instant();
                                                                        Step step =
                                                                                input.apply(
                                                                                        machine,
                                                                                        before,
                                                                                        new Situation(
                                                                                                now,
                                                                                                active));
                                                                        if (step.isRefused()
                                                                                || !step
                                                                                        .changedAnything()) {
                                                                            return Uni.createFrom()
                                                                                    .item(
                                                                                            Optional
                                                                                                    .of(
                                                                                                            step));
                                                                        }
                                                                        return write(
                                                                                        tx,
                                                                                        before,
                                                                                        step,
                                                                                        approvalComment,
                                                                                        now)
                                                                                .flatMap(
                                                                                        x ->
                                                                                                before.status()
                                                                                                                        .isFinal()
                                                                                                                || !step.state()
                                                                                                                        .status()
                                                                                                                        .isFinal()
                                                                                                        ? Uni
                                                                                                                .createFrom()
                                                                                                                .voidItem()
                                                                                                        : startNext(
                                                                                                                tx,
                                                                                                                application,
                                                                                                                environment))
                                                                                .replaceWith(
                                                                                        Optional.of(
                                                                                                step));
                                                                    }));
                        });
    }

    private Uni<Void> write(
            SqlConnection tx,
            DeploymentState before,
            Step step,
            String approvalComment,
            Instant now) {
        return store.save(tx, before, step.state(), step.timeline(), approvalComment, now)
                .flatMap(x -> publish(tx, step.events()));
    }

    private Uni<Void> publish(SqlConnection tx, List<StrideEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom()
                .iterable(events)
                .onItem()
                .transformToUniAndConcatenate(
                        event ->
                                outbox.append(tx, event).flatMap(envelope -> markOwn(tx, envelope)))
                .collect()
                .last()
                .replaceWithVoid();
    }

    private Uni<Void> markOwn(SqlConnection tx, CloudEvent envelope) {
        String consumer = EventType.ofType(envelope.type()).map(OWN_CONSUMERS::get).orElse(null);
        return consumer == null
                ? Uni.createFrom().voidItem()
                : processed
                        .markProcessed(tx, consumer, envelope.id(), envelope.type())
                        .replaceWithVoid();
    }

    // The scope lock is held: the queue cannot change under us.
    private Uni<Void> startNext(SqlConnection tx, String application, String environment) {
        return queue.nextQueued(tx, application, environment)
                .flatMap(
                        next ->
                                next.isEmpty()
                                        ? Uni.createFrom().voidItem()
                                        : queue.anotherActive(
                                                        tx, application, environment, next.get())
                                                .flatMap(
                                                        busy ->
                                                                busy
                                                                        ? Uni.createFrom()
                                                                                .voidItem()
                                                                        : start(
                                                                                tx,
                                                                                next.get(),
                                                                                application,
                                                                                environment)));
    }

    private Uni<Void> start(SqlConnection tx, UUID id, String application, String environment) {
        LOG.infof("Starting queued deployment %s of %s to %s", id, application, environment);
        return store.loadForUpdate(tx, id)
                .flatMap(
                        found -> {
                            DeploymentState before = found.orElseThrow().state();
                            Instant now = clock.instant();
                            Step step = machine.dequeue(before, now);
                            return step.changedAnything()
                                    ? write(tx, before, step, null, now)
                                    : Uni.createFrom().voidItem();
                        });
    }
}
