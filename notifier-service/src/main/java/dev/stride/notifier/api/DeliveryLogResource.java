package dev.stride.notifier.api;

import dev.stride.kit.problem.ProblemException;
import dev.stride.kit.security.Roles;
import dev.stride.notifier.delivery.DeliveryLog;
import dev.stride.notifier.delivery.DeliveryView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The delivery log of a deployment: what went to which channel, and how it went. */
@Path("/api/v1/deliveries")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryLogResource {

    static final java.util.regex.Pattern UUID_TEXT =
            java.util.regex.Pattern.compile(
                    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final DeliveryLog log;

    public DeliveryLogResource(DeliveryLog log) {
        this.log = log;
    }

    /** One deployment's deliveries, oldest first. */
    public record DeliveryList(UUID deploymentId, List<DeliveryView> items) {}

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.REQUESTER, Roles.APPROVER, Roles.OPERATOR, Roles.ADMIN})
    @Operation(
            summary = "The delivery log of a deployment (or of a test notification)",
            description =
                    "One row per event and channel: status (PENDING, SENDING, SENT, SKIPPED, FAILED), "
                            + "attempts, the last error and what was done. Channels appear by name; secrets are masked.")
    public Uni<DeliveryList> list(@QueryParam("deploymentId") String deploymentId) {
        UUID id = uuid(deploymentId);
        return log.of(id).map(items -> new DeliveryList(id, items));
    }

    private static UUID uuid(String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badRequest("deploymentId", "is required");
        }
        if (!UUID_TEXT.matcher(value.strip()).matches()) {
            throw ProblemException.badRequest("deploymentId", "must be a UUID");
        }
        return UUID.fromString(value.strip());
    }
}
