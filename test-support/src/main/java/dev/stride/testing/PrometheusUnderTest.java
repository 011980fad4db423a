package dev.stride.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Prometheus (the Debian package's binary, {@code /usr/bin/prometheus}) on a free loopback port with its own
 * configuration and data directory, scraping the given targets. {@link #stop()} and {@link #start()} take it down and
 * bring it back on the same port and data (to test a provider that goes away); {@link #close()} removes everything.
 * Install it with {@code deploy/stride test}, which installs the package when missing.
 */
public final class PrometheusUnderTest implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Path dir;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process process;

    private PrometheusUnderTest(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts Prometheus scraping {@code targets} ({@code host:port}, path {@code /metrics}) every
     * {@code scrapeInterval}, and waits until it is ready.
     */
    public static PrometheusUnderTest start(List<String> targets, Duration scrapeInterval)
            throws IOException {
        binary();
        Path dir = Files.createTempDirectory("stride-prometheus-");
        long interval = Math.max(1, scrapeInterval.toMillis());
        String targetList =
                targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));
        Files.writeString(
                dir.resolve("prometheus.yml"),
                """
                global:
                  scrape_interval: %1$dms
                  evaluation_interval: %1$dms
                scrape_configs:
                  - job_name: app
                    scrape_interval: %1$dms
                    scrape_timeout: %2$dms
                    metrics_path: /metrics
                    static_configs:
                      - targets: [%3$s]
                """
                        .formatted(interval, Math.max(1, interval * 9 / 10), targetList));
        PrometheusUnderTest prometheus = new PrometheusUnderTest(dir, freePort());
        try {
            prometheus.start();
        } catch (RuntimeException | Error e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    /** The HTTP API's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The running process's id (for CPU figures in benchmarks), or -1. */
    public long pid() {
        return isRunning() ? process.pid() : -1;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts (again) on the same port with the same data; waits until ready. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        try {
            process =
                    new ProcessBuilder(
                                    binary().toString(),
                                    "--config.file=" + dir.resolve("prometheus.yml"),
                                    "--storage.tsdb.path=" + dir.resolve("data"),
                                    "--storage.tsdb.retention.time=1h",
                                    "--web.listen-address=127.0.0.1:" + port,
                                    "--log.level=warn")
                            .redirectErrorStream(true)
                            .redirectOutput(
                                    ProcessBuilder.Redirect.appendTo(
                                            dir.resolve("prometheus.log").toFile()))
                            .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        try {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(50))
                    .failFast(() -> !started.isAlive())
                    .until(this::ready);
        } catch (org.awaitility.core.ConditionTimeoutException
                | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError(
                    (started.isAlive()
                                    ? "prometheus not ready within 30 s"
                                    : "prometheus exited with " + started.exitValue())
                            + ":\n"
                            + log(),
                    e);
        }
    }

    /** Stops the process (the port and the data stay for {@link #start()}). */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Runs an instant query and returns the raw JSON answer. */
    public String query(String promql) {
        try {
            return http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    url()
                                                            + "/api/v1/query?query="
                                                            + java.net.URLEncoder.encode(
                                                                    promql,
                                                                    java.nio.charset
                                                                            .StandardCharsets
                                                                            .UTF_8)))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private boolean ready() {
        try {
            return http.send(
                                    HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                                            .timeout(Duration.ofSeconds(1))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String log() {
        return LocalBinaries.log(dir.resolve("prometheus.log"));
    }

    private static Path binary() {
        return LocalBinaries.find("prometheus", BINARY);
    }

    private static int freePort() throws IOException {
        return LocalBinaries.freePort();
    }
}
