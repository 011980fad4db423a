package dev.stride.notifier.channel;

import io.smallrye.mutiny.Uni;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The HTTP calls channels make, and what their answers mean for a delivery: 2xx went through; 429 (with its
 * {@code Retry-After}), 408, 5xx and network failures are worth another attempt; any other status is not. Every call
 * has two deadlines, one to connect and one for the answer, so an endpoint that never accepts or never answers costs
 * a bounded time. Failure messages name the channel, the status, and for an endpoint that did not answer its host
 * and port (people need to know which one), never the URL's path or query (Slack's token is its path).
 */
public final class HttpCalls {

    private static final int BODY_EXCERPT = 300;
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private final HttpClient client;
    private final Duration connectTimeout;
    private final Duration timeout;

    public HttpCalls(Duration connectTimeout, Duration timeout) {
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
        this.client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(connectTimeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
    }

    /** A request builder with this client's time limit for the answer. */
    public HttpRequest.Builder request() {
        return HttpRequest.newBuilder().timeout(timeout);
    }

    /** Where a URL's calls go, as {@code host:port}: what a bulkhead counts and an error may name (no secret). */
    public static String endpoint(URI uri) {
        int port =
                uri.getPort() >= 0
                        ? uri.getPort()
                        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String host = uri.getHost();
        return (host != null && host.contains(":") && !host.startsWith("[")
                        ? "[" + host + "]"
                        : host)
                + ":"
                + port;
    }

    /** Sends {@code request}; emits the response if it is 2xx, else fails with a {@link DeliveryFailure}. */
    public Uni<HttpResponse<String>> send(HttpRequest request, String what) {
        return Uni.createFrom()
                .deferred(
                        () ->
                                Uni.createFrom()
                                        .completionStage(
                                                client.sendAsync(
                                                        request,
                                                        HttpResponse.BodyHandlers.ofString())))
                .onFailure()
                .transform(
                        e -> {
                            Throwable cause =
                                    e instanceof CompletionException && e.getCause() != null
                                            ? e.getCause()
                                            : e;
                            if (cause instanceof DeliveryFailure failure) {
                                return failure;
                            }
                            return DeliveryFailure.transientFailure(
                                    what + ": " + unanswered(endpoint(request.uri()), cause));
                        })
                .map(
                        response -> {
                            int status = response.statusCode();
                            if (status >= 200 && status < 300) {
                                return response;
                            }
                            String message =
                                    what + " answered HTTP " + status + excerpt(response.body());
                            if (status == 429) {
                                throw new DeliveryFailure(
                                        message,
                                        true,
                                        retryAfter(response).orElse(DEFAULT_RETRY_AFTER));
                            }
                            throw new DeliveryFailure(
                                    message, status == 408 || status >= 500, null);
                        });
    }

    /** Why an endpoint gave no answer, in words that name it and the deadline it missed. */
    private String unanswered(String endpoint, Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return "could not connect to "
                    + endpoint
                    + " within "
                    + connectTimeout.toMillis()
                    + " ms";
        }
        if (cause instanceof HttpTimeoutException) {
            return endpoint + " did not answer within " + timeout.toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            return endpoint + " refused the connection";
        }
        return "call to " + endpoint + " failed: " + cause.getClass().getSimpleName();
    }

    /** Seconds, or an HTTP date, as RFC 9110 allows. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Retry-After")
                .map(String::strip)
                .flatMap(
                        value -> {
                            try {
                                return Optional.of(
                                        Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
                            } catch (NumberFormatException notSeconds) {
                                try {
                                    Duration until =
                                            Duration.between(
                                                    java.time.Instant.now(),
                                                    ZonedDateTime.parse(
                                                                    value,
                                                                    DateTimeFormatter
                                                                            .RFC_1123_DATE_TIME)
                                                            .toInstant());
                                    return Optional.of(until.isNegative() ? Duration.ZERO : until);
                                } catch (DateTimeParseException notADate) {
                                    return Optional.empty();
                                }
                            }
                        });
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return ": "
                + (flat.length() > BODY_EXCERPT ? flat.substring(0, BODY_EXCERPT) + "..." : flat);
    }
}
