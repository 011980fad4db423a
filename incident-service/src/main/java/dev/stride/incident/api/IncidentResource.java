package dev.stride.incident.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.Severity;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.EnvironmentCatalog;
import dev.stride.incident.query.IncidentReads;
import dev.stride.incident.record.Incident;
import dev.stride.incident.record.IncidentQuery;
import dev.stride.incident.record.IncidentStatus;
import dev.stride.incident.response.IncidentActions;
import dev.stride.kit.problem.ProblemException;
import dev.stride.kit.security.Caller;
import dev.stride.kit.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Incidents for people: list and read them (any Stride role); declare one, acknowledge, resolve, add notes and the
 * post-incident review ({@code stride-operator}, {@code stride-admin}). The actor is the caller the verified token names.
 */
@Path("/api/v1/incidents")
@Produces(MediaType.APPLICATION_JSON)
public class IncidentResource {

    private static final java.util.regex.Pattern IDEMPOTENCY_KEY =
            java.util.regex.Pattern.compile("[\\x21-\\x7e]{1,255}");

    static final int MAX_PAGE_SIZE = 100;
    static final int MAX_SUMMARY = 200;

    private final IncidentReads reads;
    private final IncidentActions actions;
    private final SecurityIdentity identity;
    private final EnvironmentCatalog environments;

    public IncidentResource(
            IncidentReads reads,
            IncidentActions actions,
            SecurityIdentity identity,
            EnvironmentCatalog environments) {
        this.environments = environments;
        this.reads = reads;
        this.actions = actions;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.REQUESTER, Roles.APPROVER, Roles.OPERATOR, Roles.ADMIN})
    @Operation(
            summary = "List incidents, newest first",
            description =
                    "Filters: status (OPEN, ACKNOWLEDGED, RESOLVED), severity (P0-P3), application, environment; "
                            + "page from 0, size 1 to 100. Listed incidents carry no timeline.")
    public Uni<IncidentList> list(
            @QueryParam("status") String status,
            @QueryParam("severity") String severity,
            @QueryParam("application") String application,
            @QueryParam("environment") String environment,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        IncidentQuery query =
                new IncidentQuery(
                        present(status)
                                .map(
                                        s ->
                                                IncidentStatus.parse(s)
                                                        .orElseThrow(
                                                                () ->
                                                                        ProblemException.badRequest(
                                                                                "status",
                                                                                "must be one of "
                                                                                        + IncidentStatus
                                                                                                .names()
                                                                                        + ", not '"
                                                                                        + s
                                                                                        + "'"))),
                        present(severity).map(s -> severity(s)),
                        application(application),
                        environment(environments, environment),
                        number("page", page, 0, 0, Integer.MAX_VALUE / MAX_PAGE_SIZE),
                        number("size", size, 20, 1, MAX_PAGE_SIZE));
        return reads.list(query)
                .map(
                        result ->
                                new IncidentList(
                                        result.items(),
                                        query.page(),
                                        query.size(),
                                        result.total()));
    }

    /** A page of incidents. */
    public record IncidentList(List<Incident> items, int page, int size, long totalItems) {}

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.VIEWER, Roles.REQUESTER, Roles.APPROVER, Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Get one incident with its timeline")
    public Uni<Incident> get(@PathParam("id") String id) {
        UUID uuid = id(id);
        return reads.find(uuid)
                .map(
                        found ->
                                found.orElseThrow(
                                        () ->
                                                ProblemException.notFound(
                                                        "no incident has id " + uuid)));
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(
            summary = "Declare an incident (on-call)",
            description =
                    "Body {\"severity\": \"P0\"-\"P3\", \"application\", \"environment\", \"summary\","
                            + " \"description\" (optional)}. The incident concerns the deployment active in that"
                            + " application and environment, else the latest one there. P0/P1: on-call is paged and"
                            + " the planner stops an active deployment (rollback by default); P2/P3: the team is"
                            + " told. 201 with the incident and its Location. A retry with the same"
                            + " Idempotency-Key header (1 to 255 visible ASCII characters) by the same caller"
                            + " answers 200 with the incident the first opened, while it is unresolved.")
    public Uni<Response> declare(
            @HeaderParam("Idempotency-Key") String idempotencyKey, byte[] body) {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw ProblemException.badRequest(
                    "Idempotency-Key", "must be 1 to 255 visible ASCII characters");
        }
        JsonNode document =
                Bodies.object(
                        body,
                        Set.of("severity", "application", "environment", "summary", "description"));
        String severity = Bodies.text(document, "severity", true);
        String application = application(Bodies.text(document, "application", true)).orElseThrow();
        String environment =
                environment(environments, Bodies.text(document, "environment", true)).orElseThrow();
        String summary = Bodies.text(document, "summary", true);
        if (summary.length() > MAX_SUMMARY || summary.contains("\n")) {
            throw ProblemException.badRequest(
                    "summary", "must be one line of at most " + MAX_SUMMARY + " characters");
        }
        IncidentActions.Declaration declaration =
                new IncidentActions.Declaration(
                        severity(severity),
                        application,
                        Environment.fromWire(environment),
                        summary,
                        Bodies.text(document, "description", false));
        return actions.declare(declaration, caller(), idempotencyKey)
                .map(
                        declared -> {
                            URI at = URI.create("/api/v1/incidents/" + declared.incident().id());
                            return (declared.created()
                                            ? Response.created(at)
                                            : Response.ok().location(at))
                                    .entity(declared.incident())
                                    .build();
                        });
    }

    @POST
    @Path("/{id}/acknowledge")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(
            summary =
                    "Acknowledge an incident (optional body {\"note\": ...}); acknowledges its page too")
    public Uni<Incident> acknowledge(@PathParam("id") String id, byte[] body) {
        UUID uuid = id(id);
        String note = Bodies.text(Bodies.object(body, Set.of("note")), "note", false);
        return actions.acknowledge(uuid, caller(), note);
    }

    @POST
    @Path("/{id}/resolve")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(
            summary =
                    "Resolve an incident with a resolution note ({\"resolution\": ...}); resolves its page")
    public Uni<Incident> resolve(@PathParam("id") String id, byte[] body) {
        UUID uuid = id(id);
        String resolution =
                Bodies.text(Bodies.object(body, Set.of("resolution")), "resolution", true);
        return actions.resolve(uuid, caller(), resolution);
    }

    @POST
    @Path("/{id}/notes")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Add a note to the incident's timeline ({\"note\": ...})")
    public Uni<Incident> note(@PathParam("id") String id, byte[] body) {
        UUID uuid = id(id);
        String note = Bodies.text(Bodies.object(body, Set.of("note")), "note", true);
        return actions.note(uuid, caller(), note);
    }

    @PUT
    @Path("/{id}/review")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(
            summary = "Set the post-incident review: {\"rootCause\": ..., \"actionItems\": [...]}")
    public Uni<Incident> review(@PathParam("id") String id, byte[] body) {
        UUID uuid = id(id);
        JsonNode document = Bodies.object(body, Set.of("rootCause", "actionItems"));
        return actions.review(
                uuid,
                caller(),
                Bodies.text(document, "rootCause", false),
                Bodies.texts(document, "actionItems"));
    }

    private String caller() {
        return Caller.name(identity);
    }

    static UUID id(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("id", "must be a UUID");
        }
    }

    static Optional<String> present(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    static Optional<String> application(String value) {
        return present(value)
                .map(
                        name -> {
                            if (name.length() > 63
                                    || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                                throw ProblemException.badRequest(
                                        "application",
                                        "must be an application name (at most 63 characters, no control characters)");
                            }
                            return name;
                        });
    }

    /** A configured environment's name; a 400 naming the field lists the configured ones. */
    static Optional<String> environment(EnvironmentCatalog environments, String value) {
        return present(value)
                .map(
                        env -> {
                            try {
                                return environments.require(env).wireName();
                            } catch (IllegalArgumentException e) {
                                throw ProblemException.badRequest("environment", e.getMessage());
                            }
                        });
    }

    private static Severity severity(String value) {
        return Arrays.stream(Severity.values())
                .filter(s -> s.name().equalsIgnoreCase(value))
                .findFirst()
                .orElseThrow(
                        () ->
                                ProblemException.badRequest(
                                        "severity",
                                        "must be one of P0, P1, P2, P3, not '" + value + "'"));
    }

    private static int number(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest(
                name,
                "must be a whole number from " + min + " to " + max + ", not '" + value + "'");
    }
}
