package dev.stride.notifier.channel.statuspage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.notifier.channel.Delivery;
import dev.stride.notifier.channel.DeliveryFailure;
import dev.stride.notifier.channel.HttpCalls;
import dev.stride.notifier.channel.NotificationChannel;
import dev.stride.notifier.channel.Sent;
import dev.stride.notifier.channel.statuspage.StatuspageIncidents.PageIncident;
import dev.stride.notifier.notice.Notice;
import dev.stride.notifier.notice.StatusUpdate;
import io.smallrye.mutiny.Uni;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The runbook's status-page update, on Statuspage's API: an incident is created ({@code investigating}, impact from
 * the severity, affected components degraded) for a production rollback, a failed deployment or a P0/P1 incident,
 * and moved through {@code identified}, {@code monitoring} and {@code resolved} as the rollback and the incident
 * progress. The status-page incident's id is stored per deployment, so every update goes to the one it belongs to.
 * Before the create call the deployment's row is marked {@code creating}; a retry that finds the mark (the call went
 * out but its answer was not stored) looks for the incident among the page's unresolved ones before creating one.
 * It hears only the events that move the status page, and takes no test message (that would open a public incident).
 */
public final class StatuspageChannel implements NotificationChannel {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How much earlier than our note of a create call Statuspage's clock may date the incident. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final String name;
    private final String apiBase;
    private final String pageId;
    private final String apiKey;
    private final List<String> components;
    private final StatuspageIncidents incidents;
    private final HttpCalls http;

    public StatuspageChannel(
            String name,
            String apiBase,
            String pageId,
            String apiKey,
            List<String> components,
            StatuspageIncidents incidents,
            HttpCalls http) {
        this.name = name;
        this.apiBase = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        this.pageId = pageId;
        this.apiKey = apiKey;
        this.components = List.copyOf(components);
        this.incidents = incidents;
        this.http = http;
    }

    @Override
    public boolean carries(Optional<Notice> notice) {
        return notice.map(n -> n.status() != null).orElse(false);
    }

    @Override
    public String endpoint() {
        return HttpCalls.endpoint(URI.create(apiBase));
    }

    @Override
    public Optional<String> notTestedBecause() {
        return Optional.of("a test must not open a public incident");
    }

    @Override
    public Uni<Sent> send(Delivery delivery) {
        Notice notice = delivery.notice();
        if (notice == null || notice.status() == null) {
            return Uni.createFrom().item(Sent.skipped("nothing for the status page"));
        }
        return incidents
                .find(name, delivery.deploymentId())
                .flatMap(
                        existing ->
                                existing.isPresent() && existing.get().creating()
                                        ? lookUp(delivery, existing.get())
                                                .flatMap(
                                                        found ->
                                                                found.isPresent()
                                                                                && notice.status()
                                                                                                .step()
                                                                                        == StatusUpdate
                                                                                                .Step
                                                                                                .OPEN
                                                                                && notice
                                                                                                .incidentId()
                                                                                        == null
                                                                        ? Uni.createFrom()
                                                                                .item(
                                                                                        Sent.sent(
                                                                                                "status-page incident "
                                                                                                        + found.get()
                                                                                                                .pageIncidentId()
                                                                                                        + " created (by an earlier attempt)"))
                                                                        : apply(
                                                                                delivery, notice,
                                                                                found))
                                        : apply(
                                                delivery,
                                                notice,
                                                existing.filter(i -> !i.resolved())));
    }

    /**
     * An earlier create call's answer was never stored (the call may or may not have gone through): the incident is
     * looked for among the page's unresolved ones by the name it was created with, no older than the attempt, and
     * adopted if found. Not found: there is no open incident, and an OPEN creates one.
     */
    private Uni<Optional<PageIncident>> lookUp(Delivery delivery, PageIncident creating) {
        HttpRequest request =
                authorized(URI.create(apiBase + "/v1/pages/" + pageId + "/incidents/unresolved"))
                        .GET()
                        .build();
        return http.send(request, "Statuspage channel " + name)
                .flatMap(
                        response -> {
                            Optional<JsonNode> found = createdEarlier(response.body(), creating);
                            if (found.isEmpty()) {
                                return Uni.createFrom().item(Optional.<PageIncident>empty());
                            }
                            String id = found.get().path("id").asText();
                            String status = found.get().path("status").asText("investigating");
                            return incidents
                                    .created(
                                            name,
                                            delivery.deploymentId(),
                                            id,
                                            creating.strideIncidentId())
                                    .flatMap(
                                            x ->
                                                    incidents.moved(
                                                            name,
                                                            delivery.deploymentId(),
                                                            status,
                                                            creating.strideIncidentId(),
                                                            creating.strideIncidentOpen()))
                                    .replaceWith(
                                            Optional.of(
                                                    new PageIncident(
                                                            id,
                                                            status,
                                                            creating.strideIncidentId(),
                                                            creating.strideIncidentOpen(),
                                                            creating.createdAt(),
                                                            null)));
                        });
    }

    /** The newest unresolved incident named as {@code creating} was, created at most a few minutes before it. */
    static Optional<JsonNode> createdEarlier(String body, PageIncident creating) {
        Instant earliest = creating.createdAt().minus(CLOCK_SKEW);
        JsonNode list;
        try {
            list = JSON.readTree(body);
        } catch (Exception e) {
            throw DeliveryFailure.transientFailure(
                    "Statuspage's list of unresolved incidents does not parse");
        }
        JsonNode best = null;
        Instant bestAt = null;
        for (JsonNode incident : list) {
            if (!incident.path("id").isTextual()
                    || !incident.path("name").asText().equals(creating.creatingName())) {
                continue;
            }
            Instant at;
            try {
                at = OffsetDateTime.parse(incident.path("created_at").asText()).toInstant();
            } catch (DateTimeException e) {
                continue;
            }
            if (!at.isBefore(earliest) && (bestAt == null || at.isAfter(bestAt))) {
                best = incident;
                bestAt = at;
            }
        }
        return Optional.ofNullable(best);
    }

    private Uni<Sent> apply(Delivery delivery, Notice notice, Optional<PageIncident> open) {
        StatusUpdate update = notice.status();
        if (update.step() == StatusUpdate.Step.OPEN) {
            if (open.isEmpty()) {
                return create(delivery, notice);
            }
            if (notice.incidentId() != null) {
                // A Stride incident on a deployment already on the page: the cause is known, the
                // impact may grow.
                return patch(
                                delivery,
                                open.get(),
                                "identified",
                                notice,
                                componentStatus(update.impact()))
                        .flatMap(
                                sent ->
                                        incidents
                                                .moved(
                                                        name,
                                                        delivery.deploymentId(),
                                                        "identified",
                                                        notice.incidentId(),
                                                        true)
                                                .replaceWith(sent));
            }
            return Uni.createFrom()
                    .item(
                            Sent.skipped(
                                    "status-page incident "
                                            + open.get().pageIncidentId()
                                            + " is already open"));
        }
        if (open.isEmpty()) {
            return Uni.createFrom()
                    .item(Sent.skipped("no open status-page incident for this deployment"));
        }
        PageIncident incident = open.get();
        return switch (update.step()) {
            case IDENTIFIED ->
                    move(
                            delivery,
                            incident,
                            "identified",
                            notice,
                            null,
                            incident.strideIncidentOpen());
            case MONITORING ->
                    move(
                            delivery,
                            incident,
                            "monitoring",
                            notice,
                            null,
                            incident.strideIncidentOpen());
            case RESOLVED ->
                    incident.strideIncidentOpen()
                            ? Uni.createFrom()
                                    .item(
                                            Sent.skipped(
                                                    "a Stride incident is still open for this deployment"))
                            : move(delivery, incident, "resolved", notice, "operational", false);
            case INCIDENT_RESOLVED ->
                    move(delivery, incident, "resolved", notice, "operational", false);
            case OPEN -> throw new IllegalStateException("handled above");
        };
    }

    private Uni<Sent> move(
            Delivery delivery,
            PageIncident incident,
            String status,
            Notice notice,
            String componentStatus,
            boolean strideIncidentOpen) {
        return patch(delivery, incident, status, notice, componentStatus)
                .flatMap(
                        sent ->
                                incidents
                                        .moved(
                                                name,
                                                delivery.deploymentId(),
                                                status,
                                                notice.incidentId(),
                                                strideIncidentOpen)
                                        .replaceWith(sent));
    }

    private Uni<Sent> create(Delivery delivery, Notice notice) {
        ObjectNode incident = JSON.createObjectNode();
        ObjectNode body =
                incident.putObject("incident")
                        .put("name", notice.status().name())
                        .put("status", "investigating")
                        .put("impact_override", notice.status().impact())
                        .put("body", notice.text())
                        .put("deliver_notifications", true);
        withComponents(body, componentStatus(notice.status().impact()));
        HttpRequest request =
                authorized(URI.create(apiBase + "/v1/pages/" + pageId + "/incidents"))
                        .POST(HttpRequest.BodyPublishers.ofString(incident.toString()))
                        .build();
        // Noted first: should the answer not be stored, the retry looks the incident up rather than
        // create another.
        return incidents
                .creating(
                        name, delivery.deploymentId(), notice.status().name(), notice.incidentId())
                .flatMap(x -> http.send(request, "Statuspage channel " + name))
                .flatMap(
                        response -> {
                            String id = id(response.body());
                            return incidents
                                    .created(name, delivery.deploymentId(), id, notice.incidentId())
                                    .replaceWith(
                                            Sent.sent(
                                                    "status-page incident "
                                                            + id
                                                            + " created (investigating)"));
                        });
    }

    private Uni<Sent> patch(
            Delivery delivery,
            PageIncident incident,
            String status,
            Notice notice,
            String componentStatus) {
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode body =
                patch.putObject("incident").put("status", status).put("body", notice.text());
        if (componentStatus != null) {
            withComponents(body, componentStatus);
        }
        HttpRequest request =
                authorized(
                                URI.create(
                                        apiBase
                                                + "/v1/pages/"
                                                + pageId
                                                + "/incidents/"
                                                + incident.pageIncidentId()))
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(patch.toString()))
                        .build();
        return http.send(request, "Statuspage channel " + name)
                .map(
                        response ->
                                Sent.sent(
                                        "status-page incident "
                                                + incident.pageIncidentId()
                                                + " "
                                                + status));
    }

    private void withComponents(ObjectNode body, String status) {
        if (components.isEmpty()) {
            return;
        }
        components.forEach(body.putArray("component_ids")::add);
        ObjectNode states = body.putObject("components");
        components.forEach(c -> states.put(c, status));
    }

    private HttpRequest.Builder authorized(URI uri) {
        return http.request()
                .uri(uri)
                .header("Authorization", "OAuth " + apiKey)
                .header("Content-Type", "application/json");
    }

    /** Statuspage's component status for an incident's impact. */
    static String componentStatus(String impact) {
        if ("critical".equals(impact)) {
            return "major_outage";
        }
        if ("major".equals(impact)) {
            return "partial_outage";
        }
        return "degraded_performance";
    }

    private String id(String body) {
        try {
            JsonNode id = JSON.readTree(body).path("id");
            if (id.isTextual() && !id.asText().isBlank()) {
                return id.asText();
            }
        } catch (Exception e) {
            // Reported below.
        }
        throw DeliveryFailure.permanent(
                "Statuspage channel "
                        + name
                        + " created an incident but its answer names "
                        + "no incident id");
    }
}
