package dev.stride.notifier.channel;

import io.smallrye.mutiny.Uni;
import java.net.http.HttpClient;
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
 * {@code Retry-After}), 408, 5xx and network failures are worth another attempt; any other status is not. Failure
 * messages name the channel and the status, never the URL.
 */
public final class HttpCalls {

    private static final int BODY_EXCERPT = 300;
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private final HttpClient client;
    private final Duration timeout;

    public HttpCalls(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A request builder with this client's time limit. */
    public HttpRequest.Builder request() {
        return HttpRequest.newBuilder().timeout(timeout);
    }

    /** Sends {@code request}; emits the response if it is 2xx, else fails with a {@link DeliveryFailure}. */
    public Uni<HttpResponse<String>> send(HttpRequest request, String what) {
        return Uni.createFrom().deferred(() -> Uni.createFrom()
                        .completionStage(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())))
                .onFailure().transform(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof DeliveryFailure failure) {
                        return failure;
                    }
                    String reason = cause instanceof HttpTimeoutException ? "timed out"
                            : "failed: " + cause.getClass().getSimpleName();
                    return DeliveryFailure.transientFailure(what + " " + reason);
                })
                .map(response -> {
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        return response;
                    }
                    String message = what + " answered HTTP " + status + excerpt(response.body());
                    if (status == 429) {
                        throw new DeliveryFailure(message, true, retryAfter(response).orElse(DEFAULT_RETRY_AFTER));
                    }
                    throw new DeliveryFailure(message, status == 408 || status >= 500, null);
                });
    }

    /** Seconds, or an HTTP date, as RFC 9110 allows. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(String::strip).flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Duration until = Duration.between(java.time.Instant.now(),
                            ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
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
        return ": " + (flat.length() > BODY_EXCERPT ? flat.substring(0, BODY_EXCERPT) + "..." : flat);
    }
}
