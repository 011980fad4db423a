package dev.stride.verifier.metrics.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stride.verifier.ConfigCheck;
import dev.stride.verifier.metrics.MetricProvider;
import dev.stride.verifier.metrics.Reading;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Prometheus through its HTTP API ({@code GET /api/v1/query}). An empty vector or NaN is "no data"; a timeout, a
 * refused connection or an error status is a provider error. The bearer token is read from a file (a mounted
 * secret) for each query, so a rotated token is picked up, and never appears in a message; TLS trusts the JVM's
 * CAs or the PEM bundle configured. Non-blocking: the JDK client's own threads wait, not the caller's. Made by
 * {@link PrometheusProducer} from the {@code stride.verifier.prometheus.*} keys.
 */
public class PrometheusProvider implements MetricProvider {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final Duration timeout;
    private final Optional<Path> tokenFile;
    private final HttpClient http;

    /** The provider's name, as deployments and configuration name it ({@code stride.verifier.provider}). */
    public static final String TYPE = "prometheus";

    public PrometheusProvider(
            String url, Duration timeout, Optional<String> tokenFile, Optional<String> caFile) {
        this.base = base(url);
        this.timeout = ConfigCheck.positive("stride.verifier.prometheus.timeout", timeout);
        this.tokenFile = tokenFile.filter(f -> !f.isBlank()).map(Path::of);
        HttpClient.Builder builder =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        // Connecting gets half the timeout, so a Prometheus whose port does not
                        // accept (a full backlog, a
                        // dropped SYN) reads as "connecting timed out", apart from one that accepts
                        // and never answers.
                        .connectTimeout(timeout.dividedBy(2));
        caFile.filter(f -> !f.isBlank()).ifPresent(f -> builder.sslContext(trusting(Path.of(f))));
        this.http = builder.build();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Uni<Reading> measure(String endpoint, String query, Instant at) {
        HttpRequest request;
        try {
            URI on = endpoint == null || endpoint.isBlank() ? base : base(endpoint);
            String time = String.format(Locale.ROOT, "%.3f", at.toEpochMilli() / 1000.0);
            HttpRequest.Builder builder =
                    HttpRequest.newBuilder(
                                    on.resolve(
                                            "api/v1/query?query="
                                                    + URLEncoder.encode(
                                                            query, StandardCharsets.UTF_8)
                                                    + "&time="
                                                    + time))
                            .timeout(timeout)
                            .header("Accept", "application/json")
                            .GET();
            bearerToken().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
            request = builder.build();
        } catch (IOException | RuntimeException e) {
            return Uni.createFrom()
                    .item(Reading.error("cannot build the request: " + e.getMessage()));
        }
        // The client's own timeouts cover connecting and the wait for the answer's headers, not its
        // body: a
        // Prometheus that sends headers and then stalls would hold the measurement for ever. The
        // deadline on the
        // whole call bounds it (DNS, connect, TLS, request, every byte of the answer); its
        // cancellation ends the
        // exchange.
        return Uni.createFrom()
                .completionStage(
                        () -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .ifNoItem()
                .after(timeout)
                .failWith(() -> new HttpTimeoutException("deadline"))
                .map(PrometheusProvider::read)
                .onFailure()
                .recoverWithItem(PrometheusProvider::failed);
    }

    private static URI base(String url) {
        return URI.create(url.endsWith("/") ? url : url + "/");
    }

    /** One number out of an answer: a one-element vector or a scalar. */
    static Reading read(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            return Reading.error(
                    "Prometheus answered HTTP " + status + " with a body that is not JSON");
        }
        if (status != 200 || !"success".equals(body.path("status").asText())) {
            String error = body.path("error").asText("");
            return Reading.error(
                    "Prometheus answered HTTP " + status + (error.isEmpty() ? "" : ": " + error));
        }
        JsonNode data = body.path("data");
        JsonNode result = data.path("result");
        return switch (data.path("resultType").asText()) {
            case "scalar" -> number(result.path(1).asText());
            case "vector" -> {
                if (result.isEmpty()) {
                    yield Reading.noData("the query returned an empty vector");
                }
                if (result.size() > 1) {
                    yield Reading.error(
                            "the query returned "
                                    + result.size()
                                    + " series; a metric query must return one (aggregate it, e.g. with sum)");
                }
                yield number(result.get(0).path("value").path(1).asText());
            }
            default ->
                    Reading.error(
                            "the query returned a "
                                    + data.path("resultType").asText()
                                    + "; a metric query must return one sample (an instant vector or a scalar)");
        };
    }

    private static Reading number(String text) {
        return switch (text) {
            case "NaN" -> Reading.noData("the result is NaN");
            case "+Inf" -> Reading.value(Double.POSITIVE_INFINITY);
            case "-Inf" -> Reading.value(Double.NEGATIVE_INFINITY);
            default -> {
                try {
                    yield Reading.value(Double.parseDouble(text));
                } catch (NumberFormatException e) {
                    yield Reading.error("the result is not a number");
                }
            }
        };
    }

    private static Reading failed(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
        if (cause instanceof HttpConnectTimeoutException) {
            return Reading.error("connecting to Prometheus timed out");
        }
        if (cause instanceof HttpTimeoutException) {
            return Reading.error("Prometheus did not answer in time");
        }
        if (cause instanceof java.net.ConnectException) {
            return Reading.error("Prometheus refused the connection");
        }
        return Reading.error("Prometheus could not be asked: " + cause.getClass().getSimpleName());
    }

    private Optional<String> bearerToken() throws IOException {
        if (tokenFile.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(tokenFile.get()).strip());
    }

    private static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stride.verifier.prometheus.ca-file", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "stride.verifier.prometheus.ca-file holds no usable certificate", e);
        }
    }
}
