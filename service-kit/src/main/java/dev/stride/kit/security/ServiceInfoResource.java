package dev.stride.kit.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Which service this is and who the caller is to it: lets CI check its token before it deploys anything. */
@Path("/api/v1/service")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceInfoResource {

    private final SecurityIdentity identity;
    private final String service;

    public ServiceInfoResource(
            SecurityIdentity identity,
            @ConfigProperty(name = "stride.service.name") String service) {
        this.identity = identity;
        this.service = service;
    }

    /** The service, and the caller's identity and roles as its token says. */
    public record ServiceInfo(String service, String caller, Set<String> roles) {}

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.REQUESTER, Roles.APPROVER, Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "This service, and who the caller is to it")
    public ServiceInfo info() {
        return new ServiceInfo(service, Caller.name(identity), new TreeSet<>(identity.getRoles()));
    }
}
