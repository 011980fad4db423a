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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The demo's application: one version of it, on loopback. {@code GET /} answers after about {@code latency-ms}
 * (plus or minus 20%) and fails with a 500 for about {@code error-ratio} of the requests; {@code /metrics} exposes
 * Micrometer's {@code http_server_requests_seconds} histogram labelled with {@code version} and {@code track}, so
 * Prometheus can compute the error rate and p95 per version; {@code /health} answers 200. With {@code
 * database-url}, each {@code GET /} also reads one order from the app's own database, the columns {@code reads}
 * names (v1 {@code id,total_cents}; v2 also {@code currency}, which v2's expand migration adds): a version whose
 * column is missing answers 500, as a real one would.
 */
final class SampleApp {

    static final Set<String> OPTIONS =
            Set.of(
                    "port",
                    "version",
                    "track",
                    "error-ratio",
                    "latency-ms",
                    "database-url",
                    "database-user",
                    "database-password-file",
                    "reads");

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
        Orders orders =
                options.text("database-url", null) == null
                        ? null
                        : new Orders(
                                options.text("database-url", null),
                                options.text("database-user", "stride_demo_app"),
                                Path.of(options.text("database-password-file", "")),
                                options.text("reads", "id,total_cents"));
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
                    String order = orders == null ? "" : orders.read();
                    boolean fail = random.nextDouble() < errorRatio || order == null;
                    int status = fail ? 500 : 200;
                    reply(
                            exchange,
                            status,
                            fail
                                    ? "error from " + version + "\n"
                                    : "hello from " + version + order + "\n",
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

    /** One order read per request over one shared connection, made again after a failure. */
    private static final class Orders {
        private final String url;
        private final Properties login = new Properties();
        private final String query;
        private Connection connection;

        Orders(String url, String user, Path passwordFile, String reads) throws IOException {
            if (!reads.matches("[a-z_]+(,[a-z_]+)*")) {
                throw new IllegalArgumentException("--reads must be column names, got " + reads);
            }
            this.url = url;
            login.setProperty("user", user);
            login.setProperty("password", Files.readString(passwordFile).strip());
            // Deadlines on everything: connecting, and every statement.
            login.setProperty("connectTimeout", "2");
            login.setProperty("socketTimeout", "5");
            login.setProperty("ApplicationName", "stride-demo-app");
            query = "SELECT " + reads + " FROM orders ORDER BY id LIMIT 1";
        }

        /** ", order {columns}" or null when the database or the columns are not there. */
        synchronized String read() {
            try {
                if (connection == null || connection.isClosed()) {
                    connection = DriverManager.getConnection(url, login);
                }
                try (Statement s = connection.createStatement();
                        ResultSet rows = s.executeQuery(query)) {
                    if (!rows.next()) {
                        return ", no order";
                    }
                    StringBuilder order = new StringBuilder(", order");
                    for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                        order.append(' ').append(rows.getString(i));
                    }
                    return order.toString();
                }
            } catch (SQLException e) {
                close();
                return null;
            }
        }

        private void close() {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (SQLException ignored) {
                // It was broken already.
            }
            connection = null;
        }
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
