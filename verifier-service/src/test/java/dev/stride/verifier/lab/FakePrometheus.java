package dev.stride.verifier.lab;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that answers Prometheus' query API at once: 50 (percent, or ms) for a query that names a
 * version starting with {@code bad}, 1 for any other. It counts every query by its PromQL and evaluation time, so a
 * test sees whether one measurement was taken twice.
 */
public final class FakePrometheus implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

    private FakePrometheus() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(threads);
        server.createContext(
                "/api/v1/query",
                exchange -> {
                    Map<String, String> params = new ConcurrentHashMap<>();
                    for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
                        int eq = pair.indexOf('=');
                        params.put(
                                URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                    String query = params.getOrDefault("query", "");
                    asked.computeIfAbsent(
                                    query + " @" + params.get("time"), k -> new AtomicInteger())
                            .incrementAndGet();
                    String value = query.contains("version=\"bad") ? "50" : "1";
                    byte[] body =
                            ("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
                                            + "\"value\":["
                                            + params.get("time")
                                            + ",\""
                                            + value
                                            + "\"]}]}}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.start();
    }

    public static FakePrometheus start() {
        try {
            return new FakePrometheus();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How often each query was asked, by "PromQL @time". */
    public Map<String, Integer> asked() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        asked.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
