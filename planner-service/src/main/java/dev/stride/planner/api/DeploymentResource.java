package dev.stride.planner.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.spec.EnvironmentCatalog;
import dev.stride.kit.problem.ProblemException;
import dev.stride.kit.security.Caller;
import dev.stride.kit.security.Roles;
import dev.stride.planner.admission.DeploymentAdmission;
import dev.stride.planner.machine.DeploymentStatus;
import dev.stride.planner.query.DeploymentList;
import dev.stride.planner.query.DeploymentQuery;
import dev.stride.planner.query.DeploymentView;
import dev.stride.planner.query.DeploymentViews;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** CI's entry point: post a deployment, read it back, list them. */
@Path("/api/v1/deployments")
@Produces(MediaType.APPLICATION_JSON)
public class DeploymentResource {

    static final int MAX_PAGE_SIZE = 100;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final RequestDocuments documents;
    private final DeploymentAdmission admission;
    private final DeploymentViews views;
    private final SecurityIdentity identity;
    private final EnvironmentCatalog environments;

    public DeploymentResource(
            RequestDocuments documents,
            DeploymentAdmission admission,
            DeploymentViews views,
            SecurityIdentity identity,
            EnvironmentCatalog environments) {
        this.environments = environments;
        this.documents = documents;
        this.admission = admission;
        this.views = views;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.REQUESTER, Roles.ADMIN})
    @Operation(
            summary = "Request a deployment",
            description =
                    "Accepts JSON or YAML (application/yaml) holding application, environment, version, "
                            + "artifact, target, the runbook's deployment block and optionally its rollback and checks "
                            + "blocks; requestedBy is the caller the token names. Answers 202 with the stored deployment; "
                            + "the same Idempotency-Key returns the same deployment.")
    @RequestBody(
            content = {
                @Content(mediaType = "application/json"),
                @Content(mediaType = "application/yaml")
            })
    public Uni<Response> create(
            @HeaderParam("Content-Type") String contentType,
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            byte[] body) {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw ProblemException.badRequest(
                    "Idempotency-Key", "must be 1 to 255 visible ASCII characters");
        }
        var document = documents.read(contentType, body);
        if (document instanceof ObjectNode request) {
            // Who asks is who the token says, whatever the body claims.
            request.put("requestedBy", Caller.name(identity));
        }
        return admission
                .submit(document, idempotencyKey)
                .flatMap(
                        accepted ->
                                views.byId(accepted.deploymentId())
                                        .map(
                                                view -> {
                                                    Response.ResponseBuilder response =
                                                            Response.accepted(view)
                                                                    .location(
                                                                            URI.create(
                                                                                    "/api/v1/deployments/"
                                                                                            + view
                                                                                                    .id()));
                                                    if (accepted.replayed()) {
                                                        response.header(
                                                                "Idempotent-Replayed", "true");
                                                    }
                                                    return response.build();
                                                }));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.VIEWER, Roles.REQUESTER, Roles.APPROVER, Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Get one deployment")
    public Uni<DeploymentView> get(@PathParam("id") String id) {
        return views.byId(id);
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.REQUESTER, Roles.APPROVER, Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "List deployments, newest first")
    public Uni<DeploymentList> list(
            @QueryParam("application") String application,
            @QueryParam("environment") String environment,
            @QueryParam("status") String status,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        DeploymentQuery query =
                new DeploymentQuery(
                        application(application),
                        environment(environment),
                        status(status),
                        number("page", page, 0, 0, Integer.MAX_VALUE / MAX_PAGE_SIZE),
                        number("size", size, 20, 1, MAX_PAGE_SIZE));
        return views.list(query);
    }

    private static Optional<String> blankToEmpty(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static Optional<String> application(String value) {
        return blankToEmpty(value)
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

    private Optional<String> environment(String value) {
        return blankToEmpty(value)
                .map(
                        env -> {
                            try {
                                return environments.require(env).wireName();
                            } catch (IllegalArgumentException e) {
                                throw ProblemException.badRequest("environment", e.getMessage());
                            }
                        });
    }

    private static Optional<DeploymentStatus> status(String value) {
        return blankToEmpty(value)
                .map(
                        text ->
                                DeploymentStatus.parse(text)
                                        .orElseThrow(
                                                () ->
                                                        ProblemException.badRequest(
                                                                "status",
                                                                "must be one of "
                                                                        + DeploymentStatus.names()
                                                                        + ", not '"
                                                                        + text
                                                                        + "'")));
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
