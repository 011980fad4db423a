package dev.stride.kit.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error a Stride API returns is a problem document: the caller's mistakes with their status and the
 * field at fault, the framework's own (404 route, 405, 406, 415) with theirs, and anything unexpected as a
 * 500 that reveals nothing but an id to find it in the log.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        if (status >= 500) {
            return unexpected(e);
        }
        return respond(Problem.of(status, title, e.getMessage()));
    }

    // Authentication runs when an endpoint needs it (quarkus.http.auth.proactive=false), so its
    // failures arrive
    // here and are answered as problems like every other error. The token itself is never echoed.
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e) {
        return Response.fromResponse(
                        respond(
                                Problem.of(
                                        401,
                                        "Unauthorized",
                                        "a valid bearer token is required (Authorization: Bearer <JWT>)")))
                .header("WWW-Authenticate", "Bearer")
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "Forbidden", "the token's roles do not allow this action"));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(
                Problem.of(
                        400,
                        "Bad Request",
                        "the body is not valid JSON: " + e.getOriginalMessage()));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        String reference = java.util.UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error, reference %s", reference);
        return respond(
                Problem.of(
                        500,
                        "Internal Server Error",
                        "an unexpected error occurred; quote reference " + reference));
    }

    public static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
