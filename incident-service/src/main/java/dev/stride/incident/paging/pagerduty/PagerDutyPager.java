package dev.stride.incident.paging.pagerduty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.Severity;
import dev.stride.incident.paging.Page;
import dev.stride.incident.paging.Pager;
import dev.stride.incident.paging.PagerException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * PagerDuty Events API v2: {@code POST {url}/v2/enqueue} with {@code event_action} trigger, acknowledge or resolve
 * and the incident's {@code dedup_key}. The routing key (an integration key, a secret) comes from configuration,
 * normally the environment variable {@code STRIDE_INCIDENT_PAGERDUTY_ROUTING_KEY} filled from a secret; it goes
 * into the request body and nowhere else: not into logs, errors or the incident. Every call has two deadlines,
 * {@code connect-timeout} to connect and {@code timeout} for the answer, so a PagerDuty that never accepts or never
 * answers costs a bounded time; such a failure names the endpoint (host and port, which hold no secret).
 */
@ApplicationScoped
public class PagerDutyPager implements Pager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SUMMARY = 1024;
    private static final int MAX_ERROR = 300;

    private final URI enqueue;
    private final String endpoint;
    private final Optional<String> routingKey;
    private final Duration timeout;
    private final Duration connectTimeout;
    private final HttpClient http;

    public PagerDutyPager(
            @ConfigProperty(
                            name = "stride.incident.pagerduty.url",
                            defaultValue = "https://events.pagerduty.com")
                    String url,
            @ConfigProperty(name = "stride.incident.pagerduty.routing-key")
                    Optional<String> routingKey,
            @ConfigProperty(name = "stride.incident.pagerduty.timeout", defaultValue = "5s")
                    Duration timeout,
            @ConfigProperty(name = "stride.incident.pagerduty.connect-timeout", defaultValue = "2s")
                    Duration connectTimeout) {
        positive("stride.incident.pagerduty.timeout", timeout);
        positive("stride.incident.pagerduty.connect-timeout", connectTimeout);
        this.enqueue = enqueueUri(url);
        this.endpoint = endpoint(enqueue);
        this.routingKey = routingKey.filter(key -> !key.isBlank());
        this.timeout = timeout;
        this.connectTimeout = connectTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    }

    /** A timeout of 0 would be no deadline (or the HTTP client's own exception, naming no key): the start fails. */
    static void positive(String key, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalStateException(key + " must be more than 0, was " + value);
        }
    }

    private static URI enqueueUri(String url) {
        try {
            URI uri = URI.create(url.replaceAll("/+$", "") + "/v2/enqueue");
            if (uri.getHost() == null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("stride.incident.pagerduty.url is not an http(s) URL");
        }
    }

    /** {@code host:port} of the Events API, for errors and logs. */
    static String endpoint(URI uri) {
        int port =
                uri.getPort() >= 0
                        ? uri.getPort()
                        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    @Override
    public boolean isConfigured() {
        return routingKey.isPresent();
    }

    @Override
    public Uni<Void> send(Page page) {
        String key =
                routingKey.orElseThrow(
                        () -> new PagerException("no PagerDuty routing key configured", false));
        HttpRequest request =
                HttpRequest.newBuilder(enqueue)
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(page, key)))
                        .build();
        return Uni.createFrom()
                .completionStage(
                        () -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .onFailure()
                .transform(
                        e ->
                                new PagerException(
                                        unanswered(
                                                e instanceof CompletionException
                                                                && e.getCause() != null
                                                        ? e.getCause()
                                                        : e,
                                                key),
                                        true))
                .map(
                        response -> {
                            int status = response.statusCode();
                            if (status >= 200 && status < 300) {
                                return null;
                            }
                            String detail =
                                    "PagerDuty answered HTTP "
                                            + status
                                            + ": "
                                            + mask(response.body(), key);
                            throw new PagerException(
                                    detail.length() > MAX_ERROR
                                            ? detail.substring(0, MAX_ERROR)
                                            : detail,
                                    status == 429 || status >= 500);
                        });
    }

    /** Why PagerDuty gave no answer, naming its endpoint and the deadline it missed. */
    private String unanswered(Throwable cause, String key) {
        if (cause instanceof HttpConnectTimeoutException) {
            return "could not connect to PagerDuty ("
                    + endpoint
                    + ") within "
                    + connectTimeout.toMillis()
                    + " ms";
        }
        if (cause instanceof HttpTimeoutException) {
            return "PagerDuty ("
                    + endpoint
                    + ") did not answer within "
                    + timeout.toMillis()
                    + " ms";
        }
        if (cause instanceof ConnectException) {
            return "PagerDuty (" + endpoint + ") refused the connection";
        }
        return "PagerDuty ("
                + endpoint
                + ") unreachable: "
                + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + mask(cause.getMessage(), key));
    }

    /** The Events API v2 document; {@code payload} only with a trigger, as the API asks. */
    static String body(Page page, String routingKey) {
        ObjectNode body =
                JSON.createObjectNode()
                        .put("routing_key", routingKey)
                        .put("event_action", page.action().wireName())
                        .put("dedup_key", page.dedupKey());
        if (page.action() == Page.Action.TRIGGER) {
            String summary =
                    "["
                            + page.severity()
                            + "] "
                            + page.title()
                            + ": "
                            + page.application()
                            + " in "
                            + page.environment()
                            + " (deployment "
                            + page.deploymentId()
                            + ")";
            ObjectNode payload =
                    body.putObject("payload")
                            .put(
                                    "summary",
                                    summary.length() > MAX_SUMMARY
                                            ? summary.substring(0, MAX_SUMMARY)
                                            : summary)
                            .put(
                                    "source",
                                    "stride/" + page.application() + "/" + page.environment())
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
