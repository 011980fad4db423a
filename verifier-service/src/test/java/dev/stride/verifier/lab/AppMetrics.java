package dev.stride.verifier.lab;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * A stand-in for the demo's sample app: a /metrics endpoint in Prometheus text format with Micrometer's
 * {@code http_server_requests_seconds} histogram for a stable (1.0.0) and a canary (2.0.0) track. Each scrape is one
 * step of traffic: 100 requests on each track, of which the canary fails half while {@link #failing} is set. The
 * endpoint can be stopped (its scrapes then fail) and started again on the same port.
 */
public final class AppMetrics {

    public static final String STABLE_VERSION = "1.0.0";
    public static final String CANARY_VERSION = "2.0.0";

    private int port;
    private HttpServer server;
    private volatile boolean failing;
    private volatile boolean unhealthy;
    private volatile Instant firstFailingScrape;
    private long stableOk;
    private long canaryOk;
    private long canaryErrors;

    private AppMetrics(int port) {
        this.port = port;
    }

    public static AppMetrics start() throws IOException {
        AppMetrics app = new AppMetrics(0);
        app.up();
        return app;
    }

    public String target() {
        return "127.0.0.1:" + port;
    }

    public synchronized void up() throws IOException {
        if (server != null) {
            return;
        }
        // The port is the one the first start got; a restart may have to wait for the old socket to
        // be let go.
        int wanted = port;
        server =
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(10))
                        .pollInterval(java.time.Duration.ofMillis(100))
                        .ignoreExceptionsInstanceOf(java.net.BindException.class)
                        .until(
                                () ->
                                        HttpServer.create(
                                                new InetSocketAddress(
                                                        InetAddress.getLoopbackAddress(), wanted),
                                                0),
                                java.util.Objects::nonNull);
        port = server.getAddress().getPort();
        server.createContext(
                "/metrics",
                exchange -> {
                    byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders()
                            .add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        // The release's health endpoint, probed by the verifier: 200 for a version it runs, 503
        // while
        // unhealthy, 404 for a version it does not run (a probe URL rendered wrong).
        server.createContext(
                "/health",
                exchange -> {
                    String query = exchange.getRequestURI().getRawQuery();
                    int status =
                            unhealthy
                                    ? 503
                                    : ("version=" + CANARY_VERSION).equals(query)
                                                    || ("version=" + STABLE_VERSION).equals(query)
                                            ? 200
                                            : 404;
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
        server.start();
    }

    /** From now on /health answers 503 (or 200 again). */
    public void unhealthy(boolean unhealthy) {
        this.unhealthy = unhealthy;
    }

    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** From the next scrape on, the canary fails half its requests (or none). */
    public void failing(boolean failing) {
        if (failing && !this.failing) {
            firstFailingScrape = null;
        }
        this.failing = failing;
    }

    /** When the first scrape showing failures was served since {@link #failing(boolean)} turned them on. */
    public Instant firstFailingScrape() {
        return firstFailingScrape;
    }

    private synchronized String scrape() {
        stableOk += 100;
        if (failing) {
            canaryOk += 50;
            canaryErrors += 50;
            if (firstFailingScrape == null) {
                firstFailingScrape = Instant.now();
            }
        } else {
            canaryOk += 100;
        }
        StringBuilder text =
                new StringBuilder()
                        .append(
                                "# HELP http_server_requests_seconds Duration of HTTP server request handling\n")
                        .append("# TYPE http_server_requests_seconds histogram\n");
        series(text, STABLE_VERSION, "stable", "200", stableOk, 0.02);
        series(text, CANARY_VERSION, "canary", "200", canaryOk, 0.03);
        series(text, CANARY_VERSION, "canary", "500", canaryErrors, 0.01);
        return text.toString();
    }

    // Every request of a series takes `seconds`: all fall in the buckets from 0.05 up.
    private static void series(
            StringBuilder text,
            String version,
            String track,
            String status,
            long count,
            double seconds) {
        String labels =
                "method=\"GET\",outcome=\""
                        + (status.startsWith("5") ? "SERVER_ERROR" : "SUCCESS")
                        + "\",status=\""
                        + status
                        + "\",uri=\"/\",version=\""
                        + version
                        + "\",track=\""
                        + track
                        + "\"";
        for (String le : new String[] {"0.01", "0.05", "0.1", "0.5", "+Inf"}) {
            long inBucket = "+Inf".equals(le) || Double.parseDouble(le) >= seconds ? count : 0;
            text.append("http_server_requests_seconds_bucket{")
                    .append(labels)
                    .append(",le=\"")
                    .append(le)
                    .append("\"} ")
                    .append(inBucket)
                    .append('\n');
        }
        text.append("http_server_requests_seconds_count{")
                .append(labels)
                .append("} ")
                .append(count)
                .append('\n');
        text.append("http_server_requests_seconds_sum{")
                .append(labels)
                .append("} ")
                .append(String.format(Locale.ROOT, "%.3f", count * seconds))
                .append('\n');
    }
}
