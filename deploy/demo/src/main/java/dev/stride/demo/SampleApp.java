package dev.stride.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The demo's application: one version of it, on loopback. {@code GET /} answers after about {@code latency-ms}
 * (plus or minus 20%) and fails with a 500 for about {@code error-ratio} of the requests; {@code /metrics} exposes
 * Micrometer's {@code http_server_requests_seconds} histogram labelled with {@code version} and {@code track}, so
 * Prometheus can compute the error rate and p95 per version; {@code /health} answers 200.
 */
final class SampleApp {

    static final Set<String> OPTIONS =
            Set.of("port", "version", "track", "error-ratio", "latency-ms");

    private SampleApp() {}

    static void run(Options options) throws IOException {
        int port = options.integer("port", 18081);
        String version = options.text("version", "v1");
        String track = options.text("track", "stable");
        double errorRatio = options.decimal("error-ratio", 0);
        int latencyMs = options.integer("latency-ms", 20);
        if (errorRatio < 0 || errorRatio > 1) {
            throw new IllegalArgumentException(
                    "--error-ratio must be from 0 to 1, got " + errorRatio);
        }
        // The simpleclient registry (deprecated by Micrometer) keeps the text format the demo's
        // queries were written for.
        @SuppressWarnings("deprecation")
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer server =
                HttpServer.create(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext(
                "/metrics",
                exchange ->
                        reply(
                                exchange,
                                200,
                                registry.scrape(),
                                "text/plain; version=0.0.4; charset=utf-8"));
        server.createContext(
                "/health",
                exchange ->
                        reply(
                                exchange,
                                200,
                                "{\"status\":\"UP\",\"version\":\"" + version + "\"}",
                                "application/json"));
        server.createContext(
                "/",
                exchange -> {
                    long start = System.nanoTime();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long pause = Math.round(latencyMs * (0.8 + 0.4 * random.nextDouble()));
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    boolean fail = random.nextDouble() < errorRatio;
                    int status = fail ? 500 : 200;
                    reply(
                            exchange,
                            status,
                            fail ? "error from " + version + "\n" : "hello from " + version + "\n",
                            "text/plain");
                    Timer.builder("http.server.requests")
                            .tags(
                                    "method",
                                    exchange.getRequestMethod(),
                                    "uri",
                                    "/",
                                    "status",
                                    Integer.toString(status),
                                    "outcome",
                                    fail ? "SERVER_ERROR" : "SUCCESS",
                                    "version",
                                    version,
                                    "track",
                                    track)
                            .publishPercentileHistogram()
                            .register(registry)
                            .record(Duration.ofNanos(System.nanoTime() - start));
                });
        server.start();
        System.out.printf(
                "demo app %s (%s) on http://127.0.0.1:%d/ (error ratio %.2f, latency %d ms)%n",
                version, track, port, errorRatio, latencyMs);
    }

    static void reply(HttpExchange exchange, int status, String body, String type)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
