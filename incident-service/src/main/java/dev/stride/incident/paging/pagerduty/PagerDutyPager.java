package dev.stride.incident.paging.pagerduty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.Severity;
import dev.stride.incident.paging.Page;
import dev.stride.incident.paging.Pager;
import dev.stride.incident.paging.PagerException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * PagerDuty Events API v2: {@code POST {url}/v2/enqueue} with {@code event_action} trigger, acknowledge or resolve
 * and the incident's {@code dedup_key}. The routing key (an integration key, a secret) comes from configuration,
 * normally the environment variable {@code STRIDE_INCIDENT_PAGERDUTY_ROUTING_KEY} filled from a secret; it goes
 * into the request body and nowhere else: not into logs, errors or the incident.
 */
@ApplicationScoped
public class PagerDutyPager implements Pager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SUMMARY = 1024;
    private static final int MAX_ERROR = 300;

    private final URI enqueue;
    private final Optional<String> routingKey;
    private final Duration timeout;
    private final HttpClient http;

    public PagerDutyPager(
            @ConfigProperty(name = "stride.incident.pagerduty.url", defaultValue = "https://events.pagerduty.com") String url,
            @ConfigProperty(name = "stride.incident.pagerduty.routing-key") Optional<String> routingKey,
            @ConfigProperty(name = "stride.incident.pagerduty.timeout", defaultValue = "5s") Duration timeout) {
        this.enqueue = URI.create(url.replaceAll("/+$", "") + "/v2/enqueue");
        this.routingKey = routingKey.filter(key -> !key.isBlank());
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public boolean isConfigured() {
        return routingKey.isPresent();
    }

    @Override
    public Uni<Void> send(Page page) {
        String key = routingKey.orElseThrow(() -> new PagerException("no PagerDuty routing key configured", false));
        HttpRequest request = HttpRequest.newBuilder(enqueue).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(page, key))).build();
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .onFailure().transform(e -> new PagerException("PagerDuty unreachable: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + mask(e.getMessage(), key)), true))
                .map(response -> {
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        return null;
                    }
                    String detail = "PagerDuty answered HTTP " + status + ": " + mask(response.body(), key);
                    throw new PagerException(detail.length() > MAX_ERROR ? detail.substring(0, MAX_ERROR) : detail,
                            status == 429 || status >= 500);
                });
    }

    /** The Events API v2 document; {@code payload} only with a trigger, as the API asks. */
    static String body(Page page, String routingKey) {
        ObjectNode body = JSON.createObjectNode()
                .put("routing_key", routingKey)
                .put("event_action", page.action().wireName())
                .put("dedup_key", page.dedupKey());
        if (page.action() == Page.Action.TRIGGER) {
            String summary = "[" + page.severity() + "] " + page.title() + ": " + page.application() + " in "
                    + page.environment() + " (deployment " + page.deploymentId() + ")";
            ObjectNode payload = body.putObject("payload")
                    .put("summary", summary.length() > MAX_SUMMARY ? summary.substring(0, MAX_SUMMARY) : summary)
                    .put("source", "stride/" + page.application() + "/" + page.environment())
                    .put("severity", severity(page.severity()))
                    .put("component", page.application())
                    .put("group", page.environment())
                    .put("class", page.cause());
            payload.putObject("custom_details")
                    .put("incident_id", page.incidentId().toString())
                    .put("deployment_id", page.deploymentId().toString())
                    .put("stride_severity", page.severity().name())
                    .put("rule", page.rule());
            body.put("client", "Stride");
        }
        return body.toString();
    }

    /** PagerDuty's four severities for the runbook's four levels. */
    static String severity(Severity severity) {
        return switch (severity) {
            case P0 -> "critical";
            case P1 -> "error";
            case P2 -> "warning";
            case P3 -> "info";
        };
    }

    private static String mask(String text, String secret) {
        return text == null ? "" : text.replace(secret, "***");
    }
}
