package dev.stride.notifier.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.CloudEvent;
import dev.stride.events.EventCodec;
import dev.stride.kit.problem.ProblemException;
import dev.stride.kit.security.Caller;
import dev.stride.kit.security.Roles;
import dev.stride.notifier.channel.Channels;
import dev.stride.notifier.delivery.DeliveryLog;
import dev.stride.notifier.notice.Notice;
import dev.stride.notifier.notice.Notices;
import dev.stride.notifier.routing.Routes;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Sends a test message to every channel of a route, through the delivery log like any event, so it proves the
 * whole path (configuration, secrets, rate limits). A channel that says a test must not reach it is left out
 * ({@code NOT_TESTED} with its reason: Statuspage, as a test must not open a public incident).
 */
@Path("/api/v1/notifications/test")
public class NotificationTestResource {

    static final String TEST_TYPE = "dev.stride.notification.test.v1";
    static final int MAX_MESSAGE = 500;
    static final int MAX_SHOWN = 64;

    private final Routes routes;
    private final Channels channels;
    private final Notices notices;
    private final DeliveryLog log;
    private final SecurityIdentity identity;

    public NotificationTestResource(
            Routes routes,
            Channels channels,
            Notices notices,
            DeliveryLog log,
            SecurityIdentity identity) {
        this.routes = routes;
        this.channels = channels;
        this.notices = notices;
        this.log = log;
        this.identity = identity;
    }

    /** What was queued: follow it with {@code GET /api/v1/deliveries?deploymentId=<testId>}. */
    public record TestQueued(UUID testId, String route, List<Queued> channels) {}

    /** One channel of the route: {@code PENDING}, or {@code NOT_TESTED} with the reason. */
    public record Queued(String channel, String type, String status, String reason) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(
            summary = "Send a test message to a route",
            description =
                    "Body: {\"route\": \"<route name or on-call>\", \"message\": \"optional text\"}. Answers 202 "
                            + "with a testId; its deliveries are listed by GET /api/v1/deliveries?deploymentId=<testId>.")
    public Uni<Response> send(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest(
                    "route", "is required (the body must be a JSON object)");
        }
        JsonNode routeNode = body.path("route");
        if (!routeNode.isTextual() || routeNode.asText().isBlank()) {
            throw ProblemException.badRequest("route", "is required: one of " + routes.names());
        }
        String route = routeNode.asText();
        List<String> members =
                routes.channelsOf(route)
                        .orElseThrow(
                                () ->
                                        ProblemException.badRequest(
                                                "route",
                                                "no route named '"
                                                        + shown(route)
                                                        + "'; configured: "
                                                        + routes.names()));
        JsonNode messageNode = body.path("message");
        if (!messageNode.isMissingNode() && !messageNode.isNull() && !messageNode.isTextual()) {
            throw ProblemException.badRequest("message", "must be a string");
        }
        String message = messageNode.isTextual() ? messageNode.asText() : "";
        if (message.length() > MAX_MESSAGE
                || message.chars().anyMatch(c -> c < 0x20 && c != '\n')) {
            throw ProblemException.badRequest(
                    "message",
                    "must be at most " + MAX_MESSAGE + " characters without control characters");
        }
        String caller = Caller.name(identity);
        UUID testId = UUID.randomUUID();
        CloudEvent event =
                new CloudEvent(
                        CloudEvent.SPEC_VERSION,
                        UUID.randomUUID().toString(),
                        TEST_TYPE,
                        "/stride/notifier",
                        Instant.now().truncatedTo(ChronoUnit.MILLIS),
                        testId.toString(),
                        CloudEvent.DATA_CONTENT_TYPE,
                        EventCodec.mapper()
                                .valueToTree(
                                        Map.of(
                                                "route",
                                                route,
                                                "message",
                                                message,
                                                "requestedBy",
                                                caller)));
        Notice notice =
                notices.test(
                        event,
                        route,
                        message.isBlank()
                                ? "Requested by " + caller + "."
                                : message + " (requested by " + caller + ")");
        String payload = new EventCodec().encode(event);

        List<Queued> queued = new ArrayList<>();
        List<String> toSend = new ArrayList<>();
        for (String name : members) {
            Channels.Configured channel = channels.get(name).orElseThrow();
            // Shown in upper case (SLACK, STATUSPAGE, WEBHOOK), as when the types were an enum.
            String type = channel.type().toUpperCase(Locale.ROOT);
            Optional<String> notTested = channel.channel().notTestedBecause();
            if (notTested.isPresent()) {
                queued.add(new Queued(name, type, "NOT_TESTED", notTested.get()));
            } else {
                queued.add(new Queued(name, type, "PENDING", null));
                toSend.add(name);
            }
        }
        return log.queueTest(
                        UUID.fromString(event.id()),
                        TEST_TYPE,
                        testId,
                        route,
                        notice,
                        payload,
                        toSend)
                .map(
                        x ->
                                Response.accepted(new TestQueued(testId, route, queued))
                                        .location(
                                                URI.create(
                                                        "/api/v1/deliveries?deploymentId="
                                                                + testId))
                                        .build());
    }

    /** A caller's text as a problem may quote it: at most {@link #MAX_SHOWN} characters, control characters as '?'. */
    static String shown(String text) {
        String cut = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
        StringBuilder shown = new StringBuilder(cut.length());
        cut.codePoints()
                .forEach(
                        c ->
                                shown.appendCodePoint(
                                        Character.isISOControl(c)
                                                        || Character.getType(c) == Character.FORMAT
                                                ? '?'
                                                : c));
        return shown.toString();
    }
}
