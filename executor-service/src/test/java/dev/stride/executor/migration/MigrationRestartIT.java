package dev.stride.executor.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.executor.PackagedExecutor;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged executor killed (SIGKILL) in the middle of a migration script, then started again. The script
 * blocks inside its transaction on an advisory lock this test holds, so the kill lands after V1 committed and
 * while V2's ALTER TABLE is applied but not committed. PostgreSQL rolls V2 back when its session ends; the
 * restarted executor takes the phase up again, reuses the backup it had recorded, applies V2 and reports the
 * phase once. Runs after packaging (failsafe).
 */
class MigrationRestartIT {

    /** The key of the advisory lock V2 waits for. */
    private static final long GATE = 4242;

    private final KafkaTestResource kafka = new KafkaTestResource();
    private final PostgresTestResource postgres = new PostgresTestResource();
    private final JwtTestResource keys = new JwtTestResource();
    private final EventCodec codec = new EventCodec();
    private Map<String, String> infrastructure;
    private FreshDatabase fresh;
    private volatile Process executor;
    private PackagedExecutor packaged;

    @TempDir Path scripts;
    @TempDir Path backups;
    @TempDir Path secrets;

    @BeforeEach
    void infrastructure() throws IOException {
        Map<String, String> all = new HashMap<>(kafka.start());
        all.putAll(postgres.start());
        all.putAll(keys.start());
        infrastructure = all;
        fresh = new FreshDatabase();
        Path log = Path.of("target", "migration-restart-it.log");
        Files.deleteIfExists(log);
        packaged = new PackagedExecutor(infrastructure, log);
    }

    @AfterEach
    void stop() {
        if (executor != null) {
            executor.destroyForcibly();
        }
        fresh.drop();
        postgres.stop();
        kafka.stop();
        keys.stop();
    }

    @Test
    void aKillInTheMiddleOfAScriptLeavesTheSchemaConsistentAndTheRestartCompletesThePhaseOnce()
            throws Exception {
        Files.writeString(
                scripts.resolve("V1__orders.sql"), "CREATE TABLE orders (id INT PRIMARY KEY);");
        Files.writeString(
                scripts.resolve("V2__orders_currency.sql"),
                "ALTER TABLE orders ADD COLUMN currency TEXT;\nSELECT pg_advisory_xact_lock("
                        + GATE
                        + ");");
        Path password = secrets.resolve("db-password");
        Files.writeString(password, fresh.database.password());
        UUID id = UUID.randomUUID();

        Process first;
        try (Connection gate = target()) {
            try (Statement hold = gate.createStatement()) {
                hold.execute("SELECT pg_advisory_lock(" + GATE + ")");
            }
            first = startExecutor();
            publish(id, password);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> waitingOnTheGate() == 1);
            assertThat(recordedBackups(id))
                    .as("backed up and recorded before migrating")
                    .isEqualTo(1);

            first.destroyForcibly();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !first.isAlive());
            // The gate opens: the orphaned session finishes V2's statement, cannot answer its dead
            // client, and its transaction is rolled back.
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> migrationSessions() == 0);
        assertThat(fresh.columns("orders")).as("V2 rolled back as a whole").isEqualTo("id");
        assertThat(history()).containsExactly("1");
        assertThat(completed(id)).isEmpty();

        startExecutor();

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !completed(id).isEmpty());
        JsonNode done = completed(id).get(0);
        assertThat(done.path("outcome").asText()).isEqualTo("PASSED");
        assertThat(done.path("summary").asText()).contains("applied [2]", "versions now [1, 2]");
        assertThat(fresh.columns("orders")).isEqualTo("currency,id");
        assertThat(history()).containsExactly("1", "2");
        try (Stream<Path> files = Files.list(backups)) {
            assertThat(files.toList())
                    .as("one backup, taken before the kill and reused")
                    .hasSize(1);
        }
        assertThat(steps(id)).contains("backup:ok", "backup:skipped");
        assertThat(TopicReader.events(bootstrap(), EventType.PHASE_STARTED, id.toString()))
                .hasSize(1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> completed(id).size() == 1);
    }

    private void publish(UUID id, Path password) {
        Map<String, Object> parameters =
                MigrationParameters.of(fresh, password, scripts, backups)
                        .stage("expand", true, "2")
                        .map();
        TopicReader.publish(
                bootstrap(),
                EventType.PHASE_REQUESTED.topic(),
                id.toString(),
                codec.encode(
                        codec.wrap(
                                new PhaseRequested(
                                        id,
                                        1,
                                        1,
                                        PhaseType.MIGRATION,
                                        new HaproxyTarget(
                                                "/run/haproxy/admin.sock",
                                                null,
                                                "orders",
                                                "stable",
                                                "canary"),
                                        parameters),
                                "/stride/planner")));
    }

    private List<JsonNode> completed(UUID id) {
        return TopicReader.events(bootstrap(), EventType.PHASE_COMPLETED, id.toString());
    }

    private Connection target() throws SQLException {
        return fresh.connect();
    }

    private long waitingOnTheGate() throws SQLException {
        return count(
                target(),
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stride-executor-migration' "
                        + "AND wait_event_type = 'Lock' AND datname = current_database()");
    }

    private long migrationSessions() throws SQLException {
        return count(
                target(),
                "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'stride-executor-migration%' "
                        + "AND datname = current_database()");
    }

    private List<String> history() throws SQLException {
        try (Connection c = target();
                Statement s = c.createStatement();
                ResultSet rows =
                        s.executeQuery(
                                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            List<String> versions = new ArrayList<>();
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
            return versions;
        }
    }

    private long recordedBackups(UUID id) throws SQLException {
        try (Connection c = own();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT count(*) FROM migration_backup WHERE deployment_id = ?")) {
            s.setObject(1, id);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private List<String> steps(UUID id) throws SQLException {
        try (Connection c = own();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT s.call, s.result FROM execution_step s JOIN execution e "
                                        + "ON e.id = s.execution_id WHERE e.deployment_id = ? ORDER BY s.id")) {
            s.setObject(1, id);
            List<String> steps = new ArrayList<>();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    steps.add(rows.getString(1) + ":" + rows.getString(2));
                }
            }
            return steps;
        }
    }

    private Connection own() throws SQLException {
        return DriverManager.getConnection(
                infrastructure.get("quarkus.datasource.jdbc.url"),
                infrastructure.get("quarkus.datasource.username"),
                infrastructure.get("quarkus.datasource.password"));
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Connection c = connection;
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private Process startExecutor() throws IOException {
        executor = packaged.start();
        return executor;
    }

    private String bootstrap() {
        return infrastructure.get("kafka.bootstrap.servers");
    }
}
