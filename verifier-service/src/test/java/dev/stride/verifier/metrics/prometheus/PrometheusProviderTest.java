package dev.stride.verifier.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.stride.verifier.analysis.Sample;
import dev.stride.verifier.lab.BlackHoles;
import dev.stride.verifier.metrics.Reading;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Prometheus provider against a fake of its HTTP API: values, "no data" and errors kept apart. */
class PrometheusProviderTest {

    private HttpServer server;
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicReference<Integer> status = new AtomicReference<>(200);
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private final AtomicReference<String> query = new AtomicReference<>();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/api/v1/query",
                exchange -> {
                    authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
                    query.set(exchange.getRequestURI().getQuery());
                    if (body.get() == null) {
                        return; // never answers: a timeout
                    }
                    byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(status.get(), bytes.length);
                    exchange.getResponseBody().write(bytes);
                    exchange.close();
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aOneSeriesVectorIsAValue() {
        body.set(vector("[{\"metric\":{},\"value\":[1700000000.1,\"2.5\"]}]"));
        Reading reading = measure(provider(Optional.empty()));
        assertThat(reading).isEqualTo(Reading.value(2.5));
        assertThat(query.get()).contains("query=sum(x)").contains("time=1700000000.000");
    }

    @Test
    void anEmptyVectorAndNanAreNoData() {
        body.set(vector("[]"));
        assertThat(measure(provider(Optional.empty())).kind()).isEqualTo(Sample.Kind.NO_DATA);
        body.set(vector("[{\"metric\":{},\"value\":[1700000000.1,\"NaN\"]}]"));
        Reading nan = measure(provider(Optional.empty()));
        assertThat(nan.kind()).isEqualTo(Sample.Kind.NO_DATA);
        assertThat(nan.message()).isEqualTo("the result is NaN");
    }

    @Test
    void aScalarIsAValueAndInfinityIsOne() {
        body.set(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000000,\"+Inf\"]}}");
        assertThat(measure(provider(Optional.empty())))
                .isEqualTo(Reading.value(Double.POSITIVE_INFINITY));
    }

    @Test
    void manySeriesAServerErrorABadQueryAndATimeoutAreErrors() {
        body.set(
                vector(
                        "[{\"metric\":{\"a\":\"1\"},\"value\":[1,\"1\"]},{\"metric\":{\"a\":\"2\"},\"value\":[1,\"2\"]}]"));
        assertThat(measure(provider(Optional.empty())).message())
                .startsWith("the query returned 2 series");
        status.set(503);
        body.set("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"overloaded\"}");
        assertThat(measure(provider(Optional.empty())))
                .isEqualTo(Reading.error("Prometheus answered HTTP 503: overloaded"));
        status.set(400);
        body.set("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}");
        assertThat(measure(provider(Optional.empty())).kind()).isEqualTo(Sample.Kind.ERROR);
        body.set(null);
        assertThat(measure(provider(Optional.empty())))
                .isEqualTo(Reading.error("Prometheus did not answer in time"));
    }

    @Test
    void anAnswerThatStopsHalfwayIsATimeoutWithinTheTimeout() {
        server.createContext(
                "/stall/api/v1/query",
                exchange -> {
                    // Headers and a first part of the body, then nothing: the client's request
                    // timeout has stopped counting.
                    exchange.sendResponseHeaders(200, 1000);
                    exchange.getResponseBody()
                            .write("{\"status\":".getBytes(StandardCharsets.UTF_8));
                    exchange.getResponseBody().flush();
                });
        PrometheusProvider provider = provider(Optional.empty());
        long began = System.nanoTime();
        Reading reading =
                provider.measure(
                                "http://127.0.0.1:" + server.getAddress().getPort() + "/stall",
                                "sum(x)",
                                Instant.ofEpochSecond(1_700_000_000))
                        .await()
                        .atMost(Duration.ofSeconds(10));
        assertThat(reading).isEqualTo(Reading.error("Prometheus did not answer in time"));
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void blackHolesAreTimeoutsWithinTheTimeoutAndSayWhichKind() {
        try (BlackHoles holes = BlackHoles.open()) {
            PrometheusProvider provider = provider(Optional.empty());
            long began = System.nanoTime();
            assertThat(
                            provider.measure(holes.silent(), "sum(x)", Instant.now())
                                    .await()
                                    .atMost(Duration.ofSeconds(10)))
                    .isEqualTo(Reading.error("Prometheus did not answer in time"));
            assertThat(
                            provider.measure(holes.unreachable(), "sum(x)", Instant.now())
                                    .await()
                                    .atMost(Duration.ofSeconds(10)))
                    .isEqualTo(Reading.error("connecting to Prometheus timed out"));
            assertThat(Duration.ofNanos(System.nanoTime() - began))
                    .as("one timeout each, at most")
                    .isLessThan(Duration.ofMillis(2500));
            assertThat(holes.unreachableHangs()).isTrue();
        }
    }

    @Test
    void aQueryGoesToTheEndpointItNamesAndTheDefaultOtherwise() throws IOException {
        body.set(vector("[{\"metric\":{},\"value\":[1,\"7\"]}]"));
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        PrometheusProvider provider =
                new PrometheusProvider(
                        "http://127.0.0.1:" + closed,
                        Duration.ofSeconds(1),
                        Optional.empty(),
                        Optional.empty());
        assertThat(
                        provider.measure(
                                        "http://127.0.0.1:" + server.getAddress().getPort(),
                                        "sum(x)",
                                        Instant.now())
                                .await()
                                .atMost(Duration.ofSeconds(10)))
                .isEqualTo(Reading.value(7));
        assertThat(
                        provider.measure(null, "sum(x)", Instant.now())
                                .await()
                                .atMost(Duration.ofSeconds(10)))
                .isEqualTo(Reading.error("Prometheus refused the connection"));
    }

    @Test
    void aTimeoutOfZeroStopsTheStartNamingItsKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                new PrometheusProvider(
                                        "http://127.0.0.1:9",
                                        Duration.ZERO,
                                        Optional.empty(),
                                        Optional.empty()))
                .hasMessageContaining("stride.verifier.prometheus.timeout");
    }

    @Test
    void aRefusedConnectionIsAnError() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        PrometheusProvider provider =
                new PrometheusProvider(
                        "http://127.0.0.1:" + closed,
                        Duration.ofSeconds(1),
                        Optional.empty(),
                        Optional.empty());
        assertThat(measure(provider)).isEqualTo(Reading.error("Prometheus refused the connection"));
    }

    @Test
    void theBearerTokenComesFromItsFileAndNeverAppearsInAMessage() throws IOException {
        Path token = Files.createTempFile("prometheus-token", "");
        try {
            Files.writeString(token, "t0ps3cret\n");
            status.set(401);
            body.set("{\"status\":\"error\",\"error\":\"unauthorized\"}");
            Reading reading = measure(provider(Optional.of(token.toString())));
            assertThat(authorization.get()).isEqualTo("Bearer t0ps3cret");
            assertThat(reading.message())
                    .isEqualTo("Prometheus answered HTTP 401: unauthorized")
                    .doesNotContain("t0ps3cret");
        } finally {
            Files.deleteIfExists(token);
        }
    }

    private PrometheusProvider provider(Optional<String> tokenFile) {
        return new PrometheusProvider(
                "http://127.0.0.1:" + server.getAddress().getPort(),
                Duration.ofSeconds(1),
                tokenFile,
                Optional.empty());
    }

    private static Reading measure(PrometheusProvider provider) {
        return provider.measure("sum(x)", Instant.ofEpochSecond(1_700_000_000))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    private static String vector(String result) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                + result
                + "}}";
    }
}
