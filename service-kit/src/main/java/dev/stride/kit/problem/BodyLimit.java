package dev.stride.kit.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.math.BigInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body over the HTTP layer's limit ({@code quarkus.http.limits.max-body-size}) announced by its Content-Length is
 * refused at once, before any of it is read: a 413 problem document naming the limit, then the connection closes.
 * Without this the HTTP layer answers a bare 413 and closes, and a client still uploading (a 20 MB body) gets no
 * answer at all. Installed on every service's router ahead of every other route.
 */
@ApplicationScoped
public class BodyLimit {

    private final long limit;
    private final ObjectMapper json;

    public BodyLimit(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
                    MemorySize limit,
            ObjectMapper json) {
        this.limit = limit.asLongValue();
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    void check(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || !tooLong(length.strip())) {
            context.next();
            return;
        }
        String body;
        try {
            body =
                    json.writeValueAsString(
                            Problem.of(
                                    413,
                                    "Content Too Large",
                                    "the body is "
                                            + length.strip()
                                            + " bytes; at most "
                                            + limit
                                            + " are accepted"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        context.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body)
                .onComplete(done -> context.request().connection().close());
    }

    private boolean tooLong(String length) {
        if (length.isEmpty() || !length.chars().allMatch(Character::isDigit)) {
            return false; // not a length: the HTTP layer refuses it
        }
        return new BigInteger(length).compareTo(BigInteger.valueOf(limit)) > 0;
    }
}
