package dev.stride.executor.traffic.haproxy;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.testing.LocalBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real HAProxy (the Debian package's binary) in front of two tiny HTTP servers answering {@code stable} and
 * {@code canary}, with its runtime API on a UNIX socket and on a TCP port. Backend {@code app} starts with the
 * stable server at weight 100 and the canary at 0, as a deployment would find it.
 */
public final class HaproxyUnderTest implements AutoCloseable {

    public static final String BACKEND = "app";
    public static final String STABLE = "stable";
    public static final String CANARY = "canary";

    private static final Path BINARY = Path.of("/usr/sbin/haproxy");

    static {
        // The JDK's HttpServer flushes the headers and the body as two segments; with Nagle on, the
        // body waits for
        // HAProxy's delayed ACK, 40 ms a request. Read once, when the first HttpServer in this JVM
        // starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final Path dir;
    private final HttpServer stableServer;
    private final HttpServer canaryServer;
    private final int frontendPort;
    private final int apiPort;
    private final Process process;
    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();

    private HaproxyUnderTest(
            Path dir,
            HttpServer stableServer,
            HttpServer canaryServer,
            int frontendPort,
            int apiPort,
            Process process) {
        this.dir = dir;
        this.stableServer = stableServer;
        this.canaryServer = canaryServer;
        this.frontendPort = frontendPort;
        this.apiPort = apiPort;
        this.process = process;
    }

    public static HaproxyUnderTest start() throws IOException {
        return start(0);
    }

    /**
     * With {@code more} backends {@code app-1} ... {@code app-<more>} beside {@code app}, each with its own stable
     * (weight 100) and canary (weight 0) server on the same two answering servers: one per deployment, for tests
     * that run many deployments at once.
     */
    public static HaproxyUnderTest start(int more) throws IOException {
        Path binary = binary();
        Path dir = Files.createTempDirectory("stride-haproxy-");
        HttpServer stable = answering(STABLE);
        HttpServer canary = answering(CANARY);
        int frontendPort = freePort();
        int apiPort = freePort();
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(
                config,
                """
                global
                    stats socket %1$s mode 600 level admin
                    stats socket ipv4@127.0.0.1:%2$d level admin

                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s

                frontend web
                    bind 127.0.0.1:%3$d
                    default_backend %4$s

                backend %4$s
                    balance roundrobin
                    server %5$s 127.0.0.1:%6$d weight 100
                    server %7$s 127.0.0.1:%8$d weight 0
                """
                                .formatted(
                                        dir.resolve("admin.sock"),
                                        apiPort,
                                        frontendPort,
                                        BACKEND,
                                        STABLE,
                                        stable.getAddress().getPort(),
                                        CANARY,
                                        canary.getAddress().getPort())
                        + moreBackends(
                                more,
                                stable.getAddress().getPort(),
                                canary.getAddress().getPort()));
        Process process =
                new ProcessBuilder(binary.toString(), "-f", config.toString(), "-db")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("haproxy.log").toFile())
                        .start();
        HaproxyUnderTest haproxy =
                new HaproxyUnderTest(dir, stable, canary, frontendPort, apiPort, process);
        try {
            haproxy.awaitRuntimeApi();
        } catch (RuntimeException | Error e) {
            haproxy.close();
            throw e;
        }
        return haproxy;
    }

    private static String moreBackends(int more, int stablePort, int canaryPort) {
        StringBuilder config = new StringBuilder();
        for (int i = 1; i <= more; i++) {
            config.append(
                    """

                    backend %1$s-%2$d
                        balance roundrobin
                        server %3$s 127.0.0.1:%4$d weight 100
                        server %5$s 127.0.0.1:%6$d weight 0
                    """
                            .formatted(BACKEND, i, STABLE, stablePort, CANARY, canaryPort));
        }
        return config.toString();
    }

    /** The runtime API socket's absolute path. */
    public String socket() {
        return dir.resolve("admin.sock").toString();
    }

    /** The runtime API's TCP address, host:port. */
    public String address() {
        return "127.0.0.1:" + apiPort;
    }

    public HaproxyRuntimeApi api() {
        return HaproxyRuntimeApi.unixSocket(
                Path.of(socket()), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    /** Sends {@code requests} HTTP requests through the frontend; returns how many each server answered. */
    public Map<String, Integer> send(int requests) {
        Map<String, Integer> answeredBy = new TreeMap<>(Map.of(STABLE, 0, CANARY, 0));
        URI uri = URI.create("http://127.0.0.1:" + frontendPort + "/");
        for (int i = 0; i < requests; i++) {
            try {
                HttpResponse<String> response =
                        http.send(
                                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString());
                answeredBy.merge(
                        response.statusCode() == 200
                                ? response.body()
                                : "status " + response.statusCode(),
                        1,
                        Integer::sum);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        // Shows in target/surefire-reports/*-output.txt: how the requests actually split.
        System.out.println(requests + " requests through HAProxy: " + answeredBy);
        return answeredBy;
    }

    /**
     * Whether {@code server} is in drain mode, from {@code show servers state}: its srv_admin_state has the forced
     * drain bit (0x08, SRV_ADMF_FDRAIN in HAProxy's server-t.h).
     */
    boolean draining(String server) throws PlatformException {
        List<String> lines =
                api().command("show servers state " + BACKEND)
                        .lines()
                        .filter(line -> !line.isBlank())
                        .toList();
        List<String> header = List.of(lines.get(1).substring(2).split(" "));
        int name = header.indexOf("srv_name");
        int admin = header.indexOf("srv_admin_state");
        return lines.stream()
                .skip(2)
                .map(line -> line.split(" "))
                .filter(columns -> columns[name].equals(server))
                .map(columns -> (Integer.parseInt(columns[admin]) & 0x08) != 0)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no server " + server + " in " + lines));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stableServer.stop(0);
        canaryServer.stop(0);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private void awaitRuntimeApi() {
        HaproxyRuntimeApi api = api();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> {
                            if (!process.isAlive()) {
                                fail("haproxy exited with " + process.exitValue() + ":\n" + log());
                            }
                            try {
                                api.getWeight(BACKEND, STABLE);
                                return true;
                            } catch (PlatformException e) {
                                return false;
                            }
                        });
    }

    private String log() {
        return LocalBinaries.log(dir.resolve("haproxy.log"));
    }

    private static Path binary() {
        return LocalBinaries.find("haproxy", BINARY);
    }

    private static HttpServer answering(String body) throws IOException {
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        server.createContext(
                "/",
                exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    exchange.sendResponseHeaders(200, bytes.length);
                    exchange.getResponseBody().write(bytes);
                    exchange.close();
                });
        server.start();
        return server;
    }

    private static int freePort() throws IOException {
        return LocalBinaries.freePort();
    }
}
