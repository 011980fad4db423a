package dev.stride.planner.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.InvalidEventException;
import dev.stride.events.check.Violation;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.Platforms;
import dev.stride.kit.messaging.Outbox;
import dev.stride.kit.messaging.ProcessedEvents;
import dev.stride.kit.messaging.ReceivedEvent;
import dev.stride.kit.problem.Problem;
import dev.stride.kit.problem.ProblemException;
import dev.stride.planner.persistence.DeploymentQueue;
import dev.stride.planner.persistence.DeploymentStore;
import dev.stride.planner.persistence.StoredDeployment;
import dev.stride.planner.plan.PhaseCompiler;
import dev.stride.planner.plan.PhasePlan;
import dev.stride.planner.rules.PlannerRules;
import dev.stride.planner.run.DeploymentEngine;
import dev.stride.planner.validation.DeploymentRequestValidator;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Admits deployment requests, from REST and from Kafka, under the same rules. A request that passes is stored
 * with its compiled plan and admitted by the state machine (approvals, the queue, or start) in one transaction;
 * from REST its DeploymentRequested goes to the outbox in that transaction too, marked processed for the Kafka
 * consumer so the planner never applies its own event twice. The environment progression rule refuses a REST
 * request with a 409 and a Kafka request with DeploymentFinished(REJECTED).
 */
@ApplicationScoped
public class DeploymentAdmission {

    /** The processed-event consumer name of DeploymentRequested from Kafka. */
    public static final String CONSUMER =
            DeploymentEngine.OWN_CONSUMERS.get(EventType.DEPLOYMENT_REQUESTED);

    public static final String REST_ORIGIN = "rest";
    private static final Logger LOG = Logger.getLogger(DeploymentAdmission.class);

    private final Pool pool;
    private final DeploymentStore store;
    private final DeploymentQueue queue;
    private final Outbox outbox;
    private final ProcessedEvents processed;
    private final DeploymentEngine engine;
    private final PlannerRules rules;
    private final DeploymentRequestValidator validator;
    private final PhaseCompiler compiler = new PhaseCompiler();

    public DeploymentAdmission(
            Pool pool,
            DeploymentStore store,
            DeploymentQueue queue,
            Outbox outbox,
            ProcessedEvents processed,
            DeploymentEngine engine,
            PlannerRules rules) {
        this.pool = pool;
        this.store = store;
        this.validator = new DeploymentRequestValidator(Platforms.standard(), rules.environments());
        this.queue = queue;
        this.outbox = outbox;
        this.processed = processed;
        this.engine = engine;
        this.rules = rules;
    }

    /** What an accepted REST request returns: the deployment's id, and whether it is a replay of an earlier one. */
    public record Accepted(UUID deploymentId, boolean replayed) {}

    public Uni<Accepted> submit(JsonNode body, String idempotencyKey) {
        List<Violation> violations = validator.validate(body);
        if (!violations.isEmpty()) {
            throw new ProblemException(
                    Problem.invalid(
                            422,
                            "Invalid deployment request",
                            violations.stream()
                                    .map(v -> new Problem.FieldError(v.field(), v.message()))
                                    .toList()));
        }
        DeploymentRequested request = bind(body, UUID.randomUUID());
        String fingerprint = fingerprint(body);
        return pool.withTransaction(
                        tx ->
                                queue.lockScope(
                                                tx,
                                                request.application(),
                                                request.environment().wireName())
                                        .flatMap(
                                                locked ->
                                                        idempotencyKey == null
                                                                ? Uni.createFrom()
                                                                        .item(Boolean.FALSE)
                                                                : store.idempotencyKeyTaken(
                                                                        tx, idempotencyKey))
                                        .flatMap(
                                                taken ->
                                                        taken
                                                                ? Uni.createFrom()
                                                                        .item(Boolean.FALSE)
                                                                : progressionViolation(tx, request)
                                                                        .flatMap(
                                                                                violation -> {
                                                                                    if (violation
                                                                                            .isPresent()) {
                                                                                        throw new ProblemException(
                                                                                                Problem
                                                                                                        .of(
                                                                                                                409,
                                                                                                                "Environment progression",
                                                                                                                violation
                                                                                                                        .get()));
                                                                                    }
                                                                                    return create(
                                                                                            tx,
                                                                                            request,
                                                                                            REST_ORIGIN,
                                                                                            idempotencyKey,
                                                                                            fingerprint,
                                                                                            true);
                                                                                })))
                .flatMap(
                        created ->
                                created
                                        ? Uni.createFrom()
                                                .item(new Accepted(request.deploymentId(), false))
                                        : replay(idempotencyKey, fingerprint));
    }

    /** Inserts the deployment and its plan, announces it when asked to, and admits it. False if it already existed. */
    private Uni<Boolean> create(
            SqlConnection tx,
            DeploymentRequested request,
            String origin,
            String idempotencyKey,
            String fingerprint,
            boolean announce) {
        PhasePlan plan = compiler.compile(request, rules.checkDefaults(request.environment()));
        int approvals = rules.requiredApprovals(request.application(), request.environment());
        return store.insert(tx, request, plan, approvals, origin, idempotencyKey, fingerprint)
                .flatMap(
                        inserted -> {
                            if (!inserted) {
                                return Uni.createFrom().item(Boolean.FALSE);
                            }
                            Uni<Void> announced =
                                    announce ? announce(tx, request) : Uni.createFrom().voidItem();
                            return announced
                                    .flatMap(
                                            x ->
                                                    engine.apply(
                                                            tx,
                                                            request.deploymentId(),
                                                            (machine, state, situation) ->
                                                                    machine.admit(
                                                                            state,
                                                                            situation
                                                                                    .anotherActive(),
                                                                            situation.now())))
                                    .replaceWith(Boolean.TRUE);
                        });
    }

    private Uni<Void> announce(SqlConnection tx, DeploymentRequested request) {
        return outbox.append(tx, request)
                .flatMap(event -> processed.markProcessed(tx, CONSUMER, event.id(), event.type()))
                .replaceWithVoid();
    }

    /** Why the progression rule refuses this request, if it does. */
    private Uni<Optional<String>> progressionViolation(
            SqlConnection tx, DeploymentRequested request) {
        Optional<Environment> before =
                rules.requiredPredecessor(request.application(), request.environment());
        if (before.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return store.succeededIn(
                        tx, request.application(), before.get().wireName(), request.version())
                .map(
                        ok ->
                                ok
                                        ? Optional.empty()
                                        : Optional.of(
                                                request.application()
                                                        + " "
                                                        + request.version()
                                                        + " must have SUCCEEDED in "
                                                        + before.get().wireName()
                                                        + " before it goes to "
                                                        + request.environment().wireName()));
    }

    // The idempotency key was used before (ids are fresh UUIDs, so the insert cannot clash
    // otherwise).
    private Uni<Accepted> replay(String idempotencyKey, String fingerprint) {
        return pool.withConnection(c -> store.findByIdempotencyKey(c, idempotencyKey))
                .map(
                        found -> {
                            StoredDeployment existing =
                                    found.orElseThrow(
                                            () ->
                                                    new IllegalStateException(
                                                            "insert skipped but no deployment holds idempotency key"));
                            if (!fingerprint.equals(existing.requestFingerprint())) {
                                throw new ProblemException(
                                        Problem.invalid(
                                                422,
                                                "Idempotency-Key reused",
                                                List.of(
                                                        new Problem.FieldError(
                                                                "Idempotency-Key",
                                                                "was used for a different request "
                                                                        + "(deployment "
                                                                        + existing.state().id()
                                                                        + "); use a new key for a new request"))));
                            }
                            return new Accepted(existing.state().id(), true);
                        });
    }

    /**
     * What a DeploymentRequested from Kafka does, inside the consumer's transaction: stores a request published by
     * another system. The schema has passed; the rules apply as for REST (fields this version does not
     * know are ignored), and a violation dead-letters the record. A progression violation is not the record's
     * fault: the deployment is stored REJECTED and DeploymentFinished(REJECTED) says why.
     */
    public Uni<Void> accept(SqlConnection tx, ReceivedEvent<DeploymentRequested> event) {
        JsonNode data = event.envelope().data().deepCopy();
        ((ObjectNode) data).remove("deploymentId");
        List<Violation> violations = validator.validate(data, true);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(
                    "invalid deployment request: "
                            + violations.stream()
                                    .map(v -> "data." + v.field() + ": " + v.message())
                                    .collect(Collectors.joining("; ")));
        }
        DeploymentRequested request = bind(data, event.data().deploymentId());
        String origin = event.envelope().source();
        return queue.lockScope(tx, request.application(), request.environment().wireName())
                .flatMap(locked -> progressionViolation(tx, request))
                .flatMap(
                        violation ->
                                violation.isEmpty()
                                        ? create(
                                                tx, request, origin, null, fingerprint(data), false)
                                        : reject(
                                                tx,
                                                request,
                                                origin,
                                                fingerprint(data),
                                                violation.get()))
                .invoke(
                        created -> {
                            if (!created) {
                                LOG.infof(
                                        "Deployment %s already exists; event %s changes nothing",
                                        request.deploymentId(), event.envelope().id());
                            }
                        })
                .replaceWithVoid();
    }

    private Uni<Boolean> reject(
            SqlConnection tx,
            DeploymentRequested request,
            String origin,
            String fingerprint,
            String why) {
        return store.insert(tx, request, new PhasePlan(List.of()), 0, origin, null, fingerprint)
                .flatMap(
                        inserted ->
                                !inserted
                                        ? Uni.createFrom().item(Boolean.FALSE)
                                        : engine.apply(
                                                        tx,
                                                        request.deploymentId(),
                                                        (machine, state, situation) ->
                                                                machine.reject(
                                                                        state,
                                                                        why,
                                                                        situation.now()))
                                                .replaceWith(Boolean.TRUE));
    }

    /** Binds a validated request to its record, with the given id and the commit time as an instant. */
    static DeploymentRequested bind(JsonNode body, UUID id) {
        ObjectNode withId = ((ObjectNode) body.deepCopy()).put("deploymentId", id.toString());
        JsonNode commitTime = withId.get("commitTime");
        if (commitTime != null && commitTime.isTextual()) {
            withId.put(
                    "commitTime", OffsetDateTime.parse(commitTime.asText()).toInstant().toString());
        }
        try {
            return EventCodec.mapper().treeToValue(withId, DeploymentRequested.class);
        } catch (JsonProcessingException e) {
            // The validator passed, so this is our bug, not the caller's. The message could quote
            // the request.
            throw new IllegalStateException(
                    "a validated request does not bind to DeploymentRequested ("
                            + e.getClass().getSimpleName()
                            + ")");
        }
    }

    private static String fingerprint(JsonNode body) {
        try {
            byte[] canonical =
                    EventCodec.mapper()
                            .copy()
                            .configure(
                                    com.fasterxml.jackson.databind.SerializationFeature
                                            .ORDER_MAP_ENTRIES_BY_KEYS,
                                    true)
                            .writeValueAsBytes(EventCodec.mapper().treeToValue(body, Object.class));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
