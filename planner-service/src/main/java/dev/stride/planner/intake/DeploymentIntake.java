package dev.stride.planner.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.InvalidEventException;
import dev.stride.kit.messaging.Outbox;
import dev.stride.kit.messaging.ProcessedEvents;
import dev.stride.kit.messaging.ReceivedEvent;
import dev.stride.kit.problem.Problem;
import dev.stride.kit.problem.ProblemException;
import dev.stride.planner.persistence.Deployment;
import dev.stride.planner.persistence.DeploymentStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Takes deployment requests in, from REST and from Kafka, under the same rules. A request that passes is
 * stored as REQUESTED; from REST, its DeploymentRequested event goes to the outbox in the same transaction,
 * and is marked processed for the Kafka intake so the planner never applies its own event twice.
 */
@ApplicationScoped
public class DeploymentIntake {

    /** The processed-event consumer name of the Kafka intake. */
    public static final String CONSUMER = "planner.deployment-intake";
    public static final String REST_ORIGIN = "rest";
    private static final Logger LOG = Logger.getLogger(DeploymentIntake.class);

    private final Pool pool;
    private final DeploymentStore store;
    private final Outbox outbox;
    private final ProcessedEvents processed;
    private final DeploymentRequestValidator validator = new DeploymentRequestValidator();

    public DeploymentIntake(Pool pool, DeploymentStore store, Outbox outbox, ProcessedEvents processed) {
        this.pool = pool;
        this.store = store;
        this.outbox = outbox;
        this.processed = processed;
    }

    /** What an accepted REST request returns: the deployment, and whether it is a replay of an earlier one. */
    public record Accepted(Deployment deployment, boolean replayed) {
    }

    public Uni<Accepted> submit(JsonNode body, String idempotencyKey) {
        List<Violation> violations = validator.validate(body);
        if (!violations.isEmpty()) {
            throw new ProblemException(Problem.invalid(422, "Invalid deployment request", violations.stream()
                    .map(v -> new Problem.FieldError(v.field(), v.message())).toList()));
        }
        DeploymentRequested request = bind(body, UUID.randomUUID());
        String fingerprint = fingerprint(body);
        return pool.withTransaction(tx -> store.insert(tx, request, REST_ORIGIN, idempotencyKey, fingerprint)
                        .flatMap(inserted -> inserted
                                ? announce(tx, request).replaceWith(Boolean.TRUE)
                                : Uni.createFrom().item(Boolean.FALSE)))
                .flatMap(inserted -> inserted
                        ? store.find(request.deploymentId()).map(d -> new Accepted(d.orElseThrow(), false))
                        : replay(idempotencyKey, fingerprint));
    }

    private Uni<Void> announce(SqlConnection tx, DeploymentRequested request) {
        return outbox.append(tx, request)
                .flatMap(event -> processed.markProcessed(tx, CONSUMER, event.id(), event.type()))
                .replaceWithVoid();
    }

    // The insert did nothing, so the idempotency key is taken (ids are fresh UUIDs).
    private Uni<Accepted> replay(String idempotencyKey, String fingerprint) {
        return pool.withConnection(c -> store.findByIdempotencyKey(c, idempotencyKey)).map(found -> {
            Deployment existing = found.orElseThrow(() -> new IllegalStateException(
                    "insert skipped but no deployment holds idempotency key"));
            if (!fingerprint.equals(existing.requestFingerprint())) {
                throw new ProblemException(Problem.invalid(422, "Idempotency-Key reused",
                        List.of(new Problem.FieldError("Idempotency-Key", "was used for a different request "
                                + "(deployment " + existing.id() + "); use a new key for a new request"))));
            }
            return new Accepted(existing, true);
        });
    }

    /**
     * The Kafka intake's effect, inside the consumer's transaction: stores a DeploymentRequested published by
     * another system. The schema has passed; the intake rules apply as for REST, and a violation dead-letters
     * the record.
     */
    public Uni<Void> accept(SqlConnection tx, ReceivedEvent<DeploymentRequested> event) {
        JsonNode data = event.envelope().data().deepCopy();
        ((ObjectNode) data).remove("deploymentId");
        List<Violation> violations = validator.validate(data, true);
        if (!violations.isEmpty()) {
            throw new InvalidEventException("invalid deployment request: " + violations.stream()
                    .map(v -> "data." + v.field() + ": " + v.message()).collect(Collectors.joining("; ")));
        }
        DeploymentRequested request = bind(data, event.data().deploymentId());
        return store.insert(tx, request, event.envelope().source(), null, fingerprint(data))
                .invoke(inserted -> {
                    if (!inserted) {
                        LOG.infof("Deployment %s already exists; event %s changes nothing", request.deploymentId(),
                                event.envelope().id());
                    }
                })
                .replaceWithVoid();
    }

    /** Binds a validated request to its record, with the given id and the commit time as an instant. */
    static DeploymentRequested bind(JsonNode body, UUID id) {
        ObjectNode withId = ((ObjectNode) body.deepCopy()).put("deploymentId", id.toString());
        JsonNode commitTime = withId.get("commitTime");
        if (commitTime != null && commitTime.isTextual()) {
            withId.put("commitTime", OffsetDateTime.parse(commitTime.asText()).toInstant().toString());
        }
        try {
            return EventCodec.mapper().treeToValue(withId, DeploymentRequested.class);
        } catch (JsonProcessingException e) {
            // The validator passed, so this is our bug, not the caller's. The message could quote the request.
            throw new IllegalStateException("a validated request does not bind to DeploymentRequested ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String fingerprint(JsonNode body) {
        try {
            byte[] canonical = EventCodec.mapper().copy()
                    .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                    .writeValueAsBytes(EventCodec.mapper().treeToValue(body, Object.class));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
