package dev.stride.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.executor.PackagedExecutor;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.haproxy.HaproxyUnderTest;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged executor killed (SIGKILL) after it has written a weight to a real HAProxy and before it reads it
 * back, then started again: the new process re-verifies the execution from its step log and the phase is started
 * exactly once. The kill comes from outside: the executor reaches HAProxy's runtime API through a relay in this
 * test, which forwards every command and kills the executor on the first read that follows a write. Runs after
 * packaging (failsafe).
 */
class ExecutorRestartIT {

    private final KafkaTestResource kafka = new KafkaTestResource();
    private final PostgresTestResource postgres = new PostgresTestResource();
    private final JwtTestResource keys = new JwtTestResource();
    private final EventCodec codec = new EventCodec();
    private Map<String, String> infrastructure;
    private HaproxyUnderTest haproxy;
    private Relay relay;
    private volatile Process executor;
    private Path log;
    private PackagedExecutor packaged;

    @BeforeEach
    void infrastructure() throws IOException {
        Map<String, String> all = new HashMap<>(kafka.start());
        all.putAll(postgres.start());
        all.putAll(keys.start());
        infrastructure = all;
        haproxy = HaproxyUnderTest.start();
        relay = new Relay(haproxy);
        log = Path.of("target", "executor-restart-it.log");
        Files.deleteIfExists(log);
        packaged = new PackagedExecutor(infrastructure, log);
    }

    @AfterEach
    void stop() throws IOException {
        if (executor != null) {
            executor.destroyForcibly();
        }
        relay.close();
        haproxy.close();
        postgres.stop();
        kafka.stop();
        keys.stop();
    }

    @Test
    void aPhaseWrittenButNotReadBackWhenTheExecutorDiesIsStartedOnceAfterTheRestart()
            throws Exception {
        UUID id = UUID.randomUUID();
        HaproxyTarget target =
                new HaproxyTarget(
                        null,
                        relay.address(),
                        HaproxyUnderTest.BACKEND,
                        HaproxyUnderTest.STABLE,
                        HaproxyUnderTest.CANARY);
        Process first = startExecutor();
        relay.killAfterWrite(first);

        TopicReader.publish(
                bootstrap(),
                EventType.PHASE_REQUESTED.topic(),
                id.toString(),
                codec.encode(
                        codec.wrap(
                                new PhaseRequested(
                                        id, 1, 1, PhaseType.TRAFFIC, target, Map.of("weight", 30)),
                                "/stride/planner")));

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !first.isAlive());
        assertThat(relay.killed())
                .as("killed by the relay, between the write and the read-back")
                .isTrue();
        assertThat(haproxy.api().getWeight(HaproxyUnderTest.BACKEND, HaproxyUnderTest.CANARY))
                .as("HAProxy took the write")
                .isEqualTo(30);
        assertThat(TopicReader.events(bootstrap(), EventType.PHASE_STARTED, id.toString()))
                .isEmpty();
        assertThat(steps(id)).containsExactly("read:ok", "apply TRAFFIC:ok");

        startExecutor();

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> "DONE".equals(status(id)));
        // The execution ends with its events in the outbox; they reach Kafka once the publisher has
        // sent them all.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> unpublished() == 0);
        List<JsonNode> started =
                TopicReader.events(bootstrap(), EventType.PHASE_STARTED, id.toString());
        assertThat(started).hasSize(1);
        assertThat(started.get(0).path("observedWeights").path("canary").asInt()).isEqualTo(30);
        // The new process read the platform, found the write in place and did not write again.
        assertThat(steps(id))
                .containsExactly("read:ok", "apply TRAFFIC:ok", "read:ok", "apply:skipped");
        // Both servers' weights were written once, by the first process only.
        assertThat(relay.commands()).filteredOn(c -> c.startsWith("set weight")).hasSize(2);
        int canary = haproxy.send(200).getOrDefault(HaproxyUnderTest.CANARY, 0);
        assertThat(canary).as("requests on the canary at 30%").isBetween(45, 75);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "stride.executor.workers=-1 | stride.executor.workers must be from 1 to 1024, got -1",
                "stride.kubernetes.request-timeout=0s | stride.kubernetes.request-timeout must be a duration "
                        + "above zero",
                "stride.executor.aws.api-call-attempt-timeout=0ms | stride.executor.aws.api-call-attempt-timeout must be a "
                        + "duration above zero"
            })
    void aBadSettingStopsTheExecutorAtStartNamingTheKey(String setting, String message)
            throws Exception {
        Process process = launch(List.of("-D" + setting));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive());
        assertThat(process.exitValue()).isNotZero();
        assertThat(Files.readString(log)).contains(message);
    }

    private Process startExecutor() throws IOException {
        Process process = packaged.start();
        executor = process;
        return process;
    }

    private Process launch(List<String> settings) throws IOException {
        Process process = packaged.launch(settings);
        executor = process;
        return process;
    }

    private String bootstrap() {
        return infrastructure.get("kafka.bootstrap.servers");
    }

    private List<String> steps(UUID id) throws SQLException {
        return query(
                "SELECT s.call, s.result FROM execution_step s JOIN execution e ON e.id = s.execution_id "
                        + "WHERE e.deployment_id = ? ORDER BY s.id",
                id,
                rs -> rs.getString(1) + ":" + rs.getString(2));
    }

    private String status(UUID id) throws SQLException {
        List<String> statuses =
                query(
                        "SELECT status FROM execution WHERE deployment_id = ?",
                        id,
                        rs -> rs.getString(1));
        return statuses.isEmpty() ? null : statuses.get(0);
    }

    private long unpublished() throws SQLException {
        try (Connection c =
                        DriverManager.getConnection(
                                infrastructure.get("quarkus.datasource.jdbc.url"),
                                infrastructure.get("quarkus.datasource.username"),
                                infrastructure.get("quarkus.datasource.password"));
                PreparedStatement statement =
                        c.prepareStatement(
                                "SELECT count(*) FROM outbox WHERE published_at IS NULL");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, UUID id, Row<T> row) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection(
                                infrastructure.get("quarkus.datasource.jdbc.url"),
                                infrastructure.get("quarkus.datasource.username"),
                                infrastructure.get("quarkus.datasource.password"));
                PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setObject(1, id);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.read(rs));
                }
            }
            return rows;
        }
    }

    /**
     * A TCP stand-in for HAProxy's runtime API: one command per connection, forwarded to the real HAProxy and its
     * reply sent back. Armed with a process, it kills that process (SIGKILL) on the first {@code get weight}
     * after a write ({@code set weight}, {@code set server}), without forwarding it.
     */
    private static final class Relay implements AutoCloseable {
        private final HaproxyUnderTest haproxy;
        private final ServerSocket server;
        private final List<String> commands = new CopyOnWriteArrayList<>();
        private final AtomicBoolean killed = new AtomicBoolean();
        private volatile Process victim;
        private volatile boolean written;

        Relay(HaproxyUnderTest haproxy) throws IOException {
            this.haproxy = haproxy;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::serve, "haproxy-relay");
            accept.setDaemon(true);
            accept.start();
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        void killAfterWrite(Process process) {
            victim = process;
        }

        boolean killed() {
            return killed.get();
        }

        List<String> commands() {
            return commands;
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    handle(socket);
                } catch (IOException e) {
                    // Closed, or the executor died mid-command: go on with the next connection.
                }
            }
        }

        private void handle(Socket socket) throws IOException {
            String command = readLine(socket.getInputStream());
            commands.add(command);
            Process target = victim;
            // The apply writes weights and states; the first read after a write is the read-back.
            if (target != null && written && command.startsWith("get weight")) {
                victim = null;
                // Marked before the kill: the test sees the process gone as soon as it is, and must
                // find the mark.
                killed.set(true);
                target.destroyForcibly();
                try {
                    target.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (command.startsWith("set ")) {
                written = true;
            }
            String reply;
            try {
                reply = haproxy.api().command(command);
            } catch (PlatformException e) {
                reply = e.getMessage();
            }
            OutputStream out = socket.getOutputStream();
            out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                line.append((char) b);
            }
            return line.toString().strip();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
