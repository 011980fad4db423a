package dev.stride.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The packaged executor ({@code target/quarkus-app/quarkus-run.jar}) as its own process, for the tests that kill it
 * (failsafe, after packaging): started with the infrastructure's settings as system properties, its output
 * appended to {@code log}, claims taken up again one second after a worker is gone.
 */
public final class PackagedExecutor {

    private final Map<String, String> infrastructure;
    private final Path log;
    private final int port;

    public PackagedExecutor(Map<String, String> infrastructure, Path log) throws IOException {
        this.infrastructure = Map.copyOf(infrastructure);
        this.log = log;
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    /** Launches it with {@code settings} (each {@code -Dkey=value}) and returns at once. */
    public Process launch(List<String> settings) throws IOException {
        File jar = new File("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("the packaged executor (mvn package runs before this test)").exists();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        infrastructure.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-Dquarkus.http.port=" + port);
        // Taken up again quickly once its worker is gone.
        command.add("-Dstride.executor.stale-after=1s");
        command.add("-Xmx256m");
        command.addAll(settings);
        command.add("-jar");
        command.add(jar.getAbsolutePath());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Launches it and waits until it reports ready; fails at once if it exits. */
    public Process start() throws IOException {
        Process process = launch(List.of());
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .failFast("the executor exited; its log: " + log, () -> !process.isAlive())
                .ignoreExceptions()
                .until(
                        () ->
                                http.send(
                                                        HttpRequest.newBuilder(
                                                                        URI.create(
                                                                                "http://localhost:"
                                                                                        + port
                                                                                        + "/q/health/ready"))
                                                                .build(),
                                                        HttpResponse.BodyHandlers.discarding())
                                                .statusCode()
                                        == 200);
        return process;
    }
}
