package dev.stride.verifier.api;

import dev.stride.kit.problem.ProblemException;
import dev.stride.kit.security.Roles;
import dev.stride.verifier.query.AnalysisReads;
import dev.stride.verifier.query.AnalysisReads.AnalysisList;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** A deployment's analyses with their measurements and check results: for people and the dashboard. */
@Path("/api/v1/analyses")
@Produces(MediaType.APPLICATION_JSON)
public class AnalysisResource {

    private final AnalysisReads reads;

    public AnalysisResource(AnalysisReads reads) {
        this.reads = reads;
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.REQUESTER, Roles.APPROVER, Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "A deployment's analyses, measurements and check results")
    public Uni<AnalysisList> list(
            @Parameter(description = "The deployment's id", required = true)
                    @QueryParam("deploymentId")
                    String id) {
        if (id == null || id.isBlank()) {
            throw ProblemException.badRequest("deploymentId", "is required");
        }
        UUID deploymentId;
        try {
            deploymentId = UUID.fromString(id.strip());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("deploymentId", "must be a UUID");
        }
        return reads.of(deploymentId);
    }
}
