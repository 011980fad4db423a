package dev.stride.planner.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.kit.problem.Problem;
import dev.stride.kit.problem.ProblemException;
import dev.stride.kit.security.Caller;
import dev.stride.kit.security.Roles;
import dev.stride.planner.machine.Step;
import dev.stride.planner.query.DeploymentView;
import dev.stride.planner.query.DeploymentViews;
import dev.stride.planner.run.DeploymentEngine;
import dev.stride.planner.run.OperatorActions;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * What on-call engineers do by hand: approve ({@code stride-approver}), pause, resume, abort, promote, roll back
 * ({@code stride-operator}). Each takes an optional JSON body ({@code reason}, or {@code comment} for approvals),
 * records the caller the verified token names (never a header or the body), and answers the deployment, or a
 * 409 problem when its state does not allow the action (403 for a requester approving their own deployment).
 */
@Path("/api/v1/deployments/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class DeploymentControlResource {

    private static final int MAX_TEXT = 1024;

    private final OperatorActions actions;
    private final DeploymentViews views;
    private final RequestDocuments documents;
    private final SecurityIdentity identity;

    public DeploymentControlResource(
            OperatorActions actions,
            DeploymentViews views,
            RequestDocuments documents,
            SecurityIdentity identity) {
        this.actions = actions;
        this.views = views;
        this.documents = documents;
        this.identity = identity;
    }

    @POST
    @Path("/approvals")
    @RolesAllowed({Roles.APPROVER, Roles.ADMIN})
    @Operation(
            summary =
                    "Approve a deployment waiting in AWAITING_APPROVAL, or the database restore a rollback"
                            + " waits for (not by its requester)")
    public Uni<DeploymentView> approve(
            @PathParam("id") String id, @Context HttpServerRequest http, byte[] body) {
        return act(
                id,
                http,
                body,
                "comment",
                (actor, comment) ->
                        (machine, state, situation) ->
                                machine.approve(
                                        state,
                                        actor,
                                        comment,
                                        situation.anotherActive(),
                                        situation.now()));
    }

    @POST
    @Path("/pause")
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Pause a deployment IN_PROGRESS: traffic stays where it is")
    public Uni<DeploymentView> pause(
            @PathParam("id") String id, @Context HttpServerRequest http, byte[] body) {
        return act(
                id,
                http,
                body,
                "reason",
                (actor, reason) ->
                        (machine, state, situation) ->
                                machine.pause(
                                        state,
                                        actor,
                                        reason == null
                                                ? null
                                                : "paused by " + actor + ": " + reason,
                                        situation.now()));
    }

    @POST
    @Path("/resume")
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Resume a PAUSED deployment")
    public Uni<DeploymentView> resume(
            @PathParam("id") String id, @Context HttpServerRequest http, byte[] body) {
        return act(
                id,
                http,
                body,
                "reason",
                (actor, reason) ->
                        (machine, state, situation) ->
                                machine.resume(state, actor, situation.now()));
    }

    @POST
    @Path("/abort")
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Abort: traffic back to stable, the deployment ends ABORTED")
    public Uni<DeploymentView> abort(
            @PathParam("id") String id, @Context HttpServerRequest http, byte[] body) {
        return act(
                id,
                http,
                body,
                "reason",
                (actor, reason) ->
                        (machine, state, situation) ->
                                machine.abort(state, actor, reason, situation.now()));
    }

    @POST
    @Path("/promote")
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Skip the remaining analysis and go to full traffic")
    public Uni<DeploymentView> promote(
            @PathParam("id") String id, @Context HttpServerRequest http, byte[] body) {
        return act(
                id,
                http,
                body,
                "reason",
                (actor, reason) ->
                        (machine, state, situation) ->
                                machine.promote(state, actor, situation.now()));
    }

    @POST
    @Path("/rollback")
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Roll back now, with a reason")
    public Uni<DeploymentView> rollback(
            @PathParam("id") String id, @Context HttpServerRequest http, byte[] body) {
        return act(
                id,
                http,
                body,
                "reason",
                (actor, reason) ->
                        (machine, state, situation) ->
                                machine.rollBack(state, actor, reason, true, situation.now()));
    }

    /**
     * One manual action: who the token names, the body's optional text field {@code field}, and the transition
     * they make. An approval's comment is kept with the approval.
     */
    private Uni<DeploymentView> act(
            String id,
            HttpServerRequest http,
            byte[] body,
            String field,
            BiFunction<String, String, DeploymentEngine.Input> action) {
        String actor = caller();
        String text = text(http, body, field);
        return control(id, "comment".equals(field) ? text : null, action.apply(actor, text));
    }

    private Uni<DeploymentView> control(
            String id, String approvalComment, DeploymentEngine.Input input) {
        UUID uuid = DeploymentViews.parseId(id);
        return actions.apply(uuid, input, approvalComment)
                .flatMap(
                        result -> {
                            Step step =
                                    result.orElseThrow(
                                            () ->
                                                    ProblemException.notFound(
                                                            "no deployment has id " + uuid));
                            if (step.isRefused()) {
                                throw new ProblemException(
                                        step.forbidden()
                                                ? Problem.of(403, "Forbidden", step.refusal())
                                                : Problem.of(409, "Conflict", step.refusal()));
                            }
                            return views.byId(uuid);
                        });
    }

    private String caller() {
        return Caller.name(identity);
    }

    /** The optional JSON body: nothing, or an object with at most the one text field {@code name}. */
    private String text(HttpServerRequest http, byte[] body, String name) {
        if (body == null || body.length == 0) {
            return null;
        }
        JsonNode document = documents.read(http.getHeader("Content-Type"), body);
        if (!document.isObject()) {
            throw ProblemException.badRequest(
                    "(body)", "must be a JSON object with an optional '" + name + "'");
        }
        Iterator<String> fields = document.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!field.equals(name)) {
                throw ProblemException.badRequest(
                        field, "unknown field; the body may hold only '" + name + "'");
            }
        }
        JsonNode value = document.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()
                || value.asText().isBlank()
                || value.asText().length() > MAX_TEXT
                || value.asText().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ProblemException(
                    Problem.invalid(
                            400,
                            "Bad Request",
                            List.of(
                                    new Problem.FieldError(
                                            name,
                                            "must be a non-blank string of at most "
                                                    + MAX_TEXT
                                                    + " characters without control characters"))));
        }
        return value.asText();
    }
}
