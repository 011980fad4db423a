package dev.stride.executor.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MIGRATION phases through the executor over real Kafka, against a fresh database per test on the local
 * PostgreSQL, with the real pg_dump and Flyway: what the phase does, in what order, what it reports, and what it
 * leaves alone when it fails.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class MigrationFlowTest {

    private final EventCodec codec = new EventCodec();
    private FreshDatabase fresh;
    private Path passwordFile;

    @TempDir Path scripts;
    @TempDir Path backups;
    @TempDir Path secrets;

    @BeforeEach
    void database() throws IOException {
        fresh = new FreshDatabase();
        passwordFile = secrets.resolve("db-password");
        Files.writeString(passwordFile, fresh.database.password() + "\n");
    }

    @AfterEach
    void drop() {
        fresh.drop();
    }

    @Test
    void theExpandPhaseBacksUpFirstAndTheContractPhaseMigratesTheRestAfter() throws Exception {
        script("V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY, total_cents INT);");
        script("V2__orders_currency.sql", "ALTER TABLE orders ADD COLUMN currency TEXT;");
        script("V3__drop_total.sql", "ALTER TABLE orders DROP COLUMN total_cents;");
        UUID id = UUID.randomUUID();

        publish(migration(id, 1, expandThenContract(), "expand", true, "2"));

        JsonNode expand = awaitCompleted(id, 1);
        assertThat(expand.path("outcome").asText()).isEqualTo("PASSED");
        List<Path> dumps = dumps();
        assertThat(dumps).hasSize(1);
        Path dump = dumps.get(0);
        assertThat(dump.getFileName().toString())
                .startsWith("orders-staging-" + id + "-a1-p1-")
                .endsWith(".dump");
        String sha256 = DatabaseBackups.sha256Of(dump);
        assertThat(expand.path("summary").asText())
                .contains("backup " + dump, "sha256 " + sha256, "versions now [1, 2]")
                .contains("the old version runs on it too");
        assertThat(columns()).isEqualTo("currency,id,total_cents");
        assertThat(steps(id))
                .containsExactly(
                        "credentials:ok",
                        "backup location:ok",
                        "lock:ok",
                        "scripts:ok",
                        "flyway info:ok",
                        "flyway validate:ok",
                        "backup:ok",
                        "flyway migrate:ok",
                        "flyway info:ok",
                        "migrate expand:ok");
        assertThat(events(EventType.PHASE_STARTED, id)).hasSize(1);

        publish(migration(id, 7, expandThenContract(), "contract", false, "3"));

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> completed(id).size() == 2);
        JsonNode contract = completed(id).get(1);
        assertThat(contract.path("phase").asInt()).isEqualTo(7);
        assertThat(contract.path("outcome").asText()).isEqualTo("PASSED");
        assertThat(contract.path("summary").asText())
                .contains("applied [3]", "versions now [1, 2, 3]")
                .doesNotContain("backup");
        assertThat(columns()).isEqualTo("currency,id");
        assertThat(dumps()).as("the contract phase takes no second backup").hasSize(1);
    }

    @Test
    void aFailingScriptFailsThePhaseAndTheBackupIsKeptAndNamed() throws Exception {
        script("V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY, total_cents INT);");
        script("V2__broken.sql", "ALTER TABLE orders ADD COLUMN currency TEXT;\nALTER TABLE nope;");
        UUID id = UUID.randomUUID();

        publish(migration(id, 1, List.of(expand("1"), expand("2")), "expand", true, "2"));

        JsonNode failed = awaitCompleted(id, 1);
        assertThat(failed.path("outcome").asText()).isEqualTo("FAILED");
        Path dump = dumps().get(0);
        assertThat(failed.path("summary").asText())
                .contains("failing script rolled back")
                .contains("applied now: [1]")
                .contains(
                        "the backup "
                                + dump
                                + " (sha256 "
                                + DatabaseBackups.sha256Of(dump)
                                + ") is kept");
        assertThat(columns()).as("V2 rolled back as a whole").isEqualTo("id,total_cents");
        assertThat(Files.size(dump)).isPositive();
    }

    @Test
    void whatCannotBeResolvedOrReachedFailsBeforeAnythingChanges() throws Exception {
        script("V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);");
        String unset = "STRIDE_TEST_UNSET_" + UUID.randomUUID().toString().replace('-', '_');

        UUID noPassword = UUID.randomUUID();
        Map<String, Object> envReference =
                migration(noPassword, 1, List.of(expand("1")), "expand", true, "1").parameters();
        @SuppressWarnings("unchecked")
        Map<String, Object> credentials = (Map<String, Object>) envReference.get("credentials");
        credentials.remove("passwordFile");
        credentials.put("passwordEnv", unset);
        publish(new PhaseRequested(noPassword, 1, 1, PhaseType.MIGRATION, target(), envReference));

        UUID noScripts = UUID.randomUUID();
        Map<String, Object> missing =
                migration(noScripts, 1, List.of(expand("1")), "expand", true, "1").parameters();
        missing.put("scripts", Map.of("directory", scripts.resolve("missing").toString()));
        publish(new PhaseRequested(noScripts, 1, 1, PhaseType.MIGRATION, target(), missing));

        UUID unreachable = UUID.randomUUID();
        Map<String, Object> closed =
                migration(unreachable, 1, List.of(expand("1")), "expand", true, "1").parameters();
        closed.put(
                "url",
                "jdbc:postgresql://127.0.0.1:" + closedPort() + "/" + fresh.database.database());
        publish(new PhaseRequested(unreachable, 1, 1, PhaseType.MIGRATION, target(), closed));

        UUID unlisted = UUID.randomUUID();
        script("V2__unlisted.sql", "ALTER TABLE orders ADD COLUMN note TEXT;");
        publish(migration(unlisted, 1, List.of(expand("1")), "expand", true, "1"));

        assertThat(awaitCompleted(noPassword, 1).path("summary").asText())
                .isEqualTo(
                        "database.credentials.password_env names "
                                + unset
                                + ", which is not set in the executor's environment");
        assertThat(awaitCompleted(noScripts, 1).path("summary").asText())
                .contains(
                        "database.scripts.directory",
                        "is not a directory the executor can read",
                        "nothing changed");
        assertThat(awaitCompleted(unreachable, 1).path("summary").asText())
                .startsWith("cannot connect to postgresql://")
                .doesNotContain(fresh.database.password());
        assertThat(awaitCompleted(unlisted, 1).path("summary").asText())
                .contains(
                        "pending version(s) [2] that database.migrations does not list",
                        "nothing changed");
        for (UUID id : List.of(noPassword, noScripts, unreachable, unlisted)) {
            assertThat(awaitCompleted(id, 1).path("outcome").asText()).isEqualTo("FAILED");
        }
        assertThat(dumps()).as("no backup, nothing migrated").isEmpty();
        assertThat(tables()).doesNotContain("orders", "flyway_schema_history");
    }

    @Test
    void aBackupDirectoryThatCannotBeWrittenFailsTheMigrationFirstWithNothingChanged()
            throws Exception {
        script("V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);");
        // A path under a regular file can never be made a directory, not even by root.
        Path file = Files.writeString(backups.resolve("not-a-directory"), "x");
        UUID id = UUID.randomUUID();
        Map<String, Object> parameters =
                migration(id, 1, List.of(expand("1")), "expand", true, "1").parameters();
        parameters.put("backupDirectory", file.resolve("backups").toString());
        publish(new PhaseRequested(id, 1, 1, PhaseType.MIGRATION, target(), parameters));

        JsonNode failed = awaitCompleted(id, 1);
        assertThat(failed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(failed.path("summary").asText())
                .contains("backup directory " + file.resolve("backups") + " is not writable")
                .contains("nothing was migrated");
        assertThat(steps(id))
                .containsExactly(
                        "credentials:ok", "backup location:failed", "migrate expand:failed");
        assertThat(tables()).doesNotContain("orders", "flyway_schema_history");
    }

    @Test
    void anArchiveIsUsedOnlyWhenItsChecksumIsTheOneTheRequestGives() throws Exception {
        byte[] zip = zip(Map.of("sql/V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/migrations.zip",
                exchange -> {
                    exchange.sendResponseHeaders(200, zip.length);
                    exchange.getResponseBody().write(zip);
                    exchange.close();
                });
        server.start();
        try {
            // A made-up signature: the archive's query must never reach a message.
            String signature = "test-only-" + UUID.randomUUID();
            String url =
                    "http://127.0.0.1:"
                            + server.getAddress().getPort()
                            + "/migrations.zip?signature="
                            + signature;
            String right =
                    java.util.HexFormat.of()
                            .formatHex(
                                    java.security.MessageDigest.getInstance("SHA-256").digest(zip));
            String wrong = "0".repeat(64);

            UUID tampered = UUID.randomUUID();
            Map<String, Object> bad =
                    migration(tampered, 1, List.of(expand("1")), "expand", true, "1").parameters();
            bad.put("scripts", Map.of("archive", url, "sha256", wrong));
            publish(new PhaseRequested(tampered, 1, 1, PhaseType.MIGRATION, target(), bad));
            JsonNode refused = awaitCompleted(tampered, 1);
            assertThat(refused.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(refused.path("summary").asText())
                    .contains("has SHA-256 " + right + ", not the " + wrong, "nothing changed")
                    .doesNotContain(signature);
            assertThat(tables()).doesNotContain("orders");
            assertThat(dumps()).isEmpty();

            UUID good = UUID.randomUUID();
            Map<String, Object> fine =
                    migration(good, 1, List.of(expand("1")), "expand", true, "1").parameters();
            fine.put("scripts", Map.of("archive", url, "sha256", right));
            publish(new PhaseRequested(good, 1, 1, PhaseType.MIGRATION, target(), fine));
            JsonNode passed = awaitCompleted(good, 1);
            assertThat(passed.path("outcome").asText()).isEqualTo("PASSED");
            assertThat(passed.path("summary").asText()).contains("versions now [1]");
            assertThat(tables()).contains("orders");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSecondMigrationOfTheSameDatabaseWaitsForTheLockWithoutChangingAnything()
            throws Exception {
        script("V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);");
        UUID id = UUID.randomUUID();
        try (Connection other = connect()) {
            try (Statement lock = other.createStatement()) {
                lock.execute("SELECT pg_advisory_lock(" + MigrationLock.KEY + ")");
            }
            publish(migration(id, 1, List.of(expand("1")), "expand", true, "1"));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    steps(id).stream().filter("lock:in progress"::equals).count()
                                            >= 2);
            assertThat(completed(id)).isEmpty();
            assertThat(dumps()).isEmpty();
            assertThat(tables()).doesNotContain("orders");
            assertThat(events(EventType.PHASE_STARTED, id))
                    .as("started once, however often it looks at the lock")
                    .hasSize(1);
        }
        JsonNode passed = awaitCompleted(id, 1);
        assertThat(passed.path("outcome").asText()).isEqualTo("PASSED");
        assertThat(dumps()).hasSize(1);
        assertThat(tables()).contains("orders");
    }

    @Test
    void aRestoreAskedForAfterTheRollbackIsTakenAndFindsTheAttemptsBackup() throws Exception {
        script("V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY, total_cents INT);");
        script("V2__orders_currency.sql", "ALTER TABLE orders ADD COLUMN currency TEXT;");
        UUID id = UUID.randomUUID();
        publish(migration(id, 1, List.of(expand("1"), expand("2")), "expand", true, "2"));
        assertThat(awaitCompleted(id, 1).path("outcome").asText()).isEqualTo("PASSED");
        Path dump = dumps().get(0);
        String value =
                codec.encode(
                        codec.wrap(
                                new dev.stride.events.RollbackRequested(
                                        id, 1, "error rate 3%", "planner"),
                                "/stride/planner"));
        TopicReader.publish(
                bootstrap(), EventType.ROLLBACK_REQUESTED.topic(), id.toString(), value);

        PhaseRequested expand =
                migration(id, 9, List.of(expand("1"), expand("2")), "restore", false, "2");
        Map<String, Object> parameters = new LinkedHashMap<>(expand.parameters());
        parameters.put("restore", true);
        publish(new PhaseRequested(id, 1, 9, PhaseType.MIGRATION, expand.target(), parameters));

        // Not dropped as stale although its attempt was rolled back: it runs up to the
        // application's
        // maintenance mode, which a HAProxy target does not have (the planner accepts the restore
        // on kubernetes targets with maintenanceMode only), and nothing is restored.
        JsonNode restore = awaitCompleted(id, 9);
        assertThat(restore.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(restore.path("summary").asText())
                .contains("platform haproxy has no maintenance mode for a database restore");
        assertThat(steps(id)).contains("backup:ok");
        assertThat(columns()).isEqualTo("currency,id,total_cents");
        assertThat(dump).exists();
    }

    // ---- Helpers

    private PhaseRequested migration(
            UUID id,
            int phase,
            List<Map<String, Object>> migrations,
            String stage,
            boolean backup,
            String target) {
        Map<String, Object> parameters =
                MigrationParameters.of(fresh, passwordFile, scripts, backups)
                        .stage(stage, backup, target)
                        .with("migrations", migrations)
                        .with("version", "2.4.1")
                        .map();
        return new PhaseRequested(id, 1, phase, PhaseType.MIGRATION, target(), parameters);
    }

    private static HaproxyTarget target() {
        return new HaproxyTarget("/run/haproxy/admin.sock", null, "orders", "stable", "canary");
    }

    private static List<Map<String, Object>> expandThenContract() {
        return List.of(expand("1"), expand("2"), Map.of("version", "3", "kind", "contract"));
    }

    private static Map<String, Object> expand(String version) {
        return MigrationParameters.expand(version);
    }

    private void script(String name, String sql) throws IOException {
        Files.writeString(scripts.resolve(name), sql);
    }

    private List<Path> dumps() throws IOException {
        try (Stream<Path> files = Files.list(backups)) {
            return files.sorted().toList();
        }
    }

    private Connection connect() throws Exception {
        return fresh.connect();
    }

    private String columns() throws Exception {
        return fresh.columns("orders");
    }

    private List<String> tables() throws Exception {
        return fresh.tables();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket =
                new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static byte[] zip(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private void publish(PhaseRequested phase) {
        String value = codec.encode(codec.wrap(phase, "/stride/planner"));
        TopicReader.publish(
                bootstrap(),
                EventType.PHASE_REQUESTED.topic(),
                phase.deploymentId().toString(),
                value);
    }

    private JsonNode awaitCompleted(UUID id, int phase) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                completed(id).stream()
                                        .anyMatch(e -> e.path("phase").asInt() == phase));
        return completed(id).stream()
                .filter(e -> e.path("phase").asInt() == phase)
                .findFirst()
                .orElseThrow();
    }

    private List<JsonNode> completed(UUID id) {
        return events(EventType.PHASE_COMPLETED, id);
    }

    private List<JsonNode> events(EventType type, UUID id) {
        return TopicReader.events(bootstrap(), type, id.toString());
    }

    private static List<String> steps(UUID id) {
        return Arc.container()
                .instance(Pool.class)
                .get()
                .preparedQuery(
                        "SELECT s.call, s.result FROM execution_step s JOIN execution e "
                                + "ON e.id = s.execution_id WHERE e.deployment_id = $1 ORDER BY s.id")
                .execute(Tuple.of(id))
                .await()
                .atMost(Duration.ofSeconds(5))
                .stream()
                .map(row -> row.getString(0) + ":" + row.getString(1))
                .toList();
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
