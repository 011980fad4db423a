package dev.stride.executor.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.kubernetes.KubernetesCluster;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollback's database restore through the executor over real Kafka, on a Kubernetes application in
 * maintenance mode (the mock API server) and a fresh database of the local PostgreSQL, with the real pg_dump and
 * pg_restore: expand with a backup, a release, a rollback that keeps the application in maintenance, then the
 * restore the planner asks for, which puts the backup back and only then takes maintenance off.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class MigrationRestoreFlowTest {

    private static final String MAINTENANCE = "nginx.ingress.kubernetes.io/maintenance";

    private final EventCodec codec = new EventCodec();
    private FreshDatabase fresh;
    private Path passwordFile;
    private String ns;
    private KubernetesCluster cluster;

    @Inject KubernetesClient kubernetes;

    @TempDir Path scripts;
    @TempDir Path backups;
    @TempDir Path secrets;

    @BeforeEach
    void setUp() throws Exception {
        fresh = new FreshDatabase();
        passwordFile = secrets.resolve("db-password");
        Files.writeString(passwordFile, fresh.database.password());
        Files.writeString(
                scripts.resolve("V1__orders.sql"),
                "CREATE TABLE orders (id INT PRIMARY KEY, total_cents INT);"
                        + " INSERT INTO orders VALUES (1, 100);");
        Files.writeString(
                scripts.resolve("V2__orders_currency.sql"),
                "ALTER TABLE orders ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';");
        ns = "restore-" + UUID.randomUUID().toString().substring(0, 8);
        cluster = new KubernetesCluster(kubernetes);
        cluster.seed(ns);
    }

    @AfterEach
    void tearDown() {
        cluster.close();
        fresh.drop();
    }

    @Test
    void theRollbackKeepsMaintenanceOnAndTheRestorePutsTheBackupBackBeforeTakingItOff()
            throws Exception {
        UUID id = UUID.randomUUID();
        KubernetesTarget target =
                new KubernetesTarget(
                        ns,
                        KubernetesCluster.APP,
                        KubernetesCluster.APP,
                        KubernetesCluster.APP,
                        null,
                        true);
        // The application's own database at version 1, as before this release.
        publish(
                new PhaseRequested(
                        id, 1, 0, PhaseType.MIGRATION, target, parameters("expand", false, "1")));
        assertThat(awaitCompleted(id, 0).path("outcome").asText()).isEqualTo("PASSED");

        publish(
                new PhaseRequested(
                        id, 1, 1, PhaseType.MIGRATION, target, parameters("expand", true, "2")));
        assertThat(awaitCompleted(id, 1).path("outcome").asText()).isEqualTo("PASSED");
        assertThat(fresh.columns("orders")).isEqualTo("currency,id,total_cents");
        publish(
                new PhaseRequested(
                        id,
                        1,
                        2,
                        PhaseType.ROLLOUT,
                        target,
                        Map.of(
                                "batchSize",
                                5,
                                "maxUnavailable",
                                0,
                                "artifact",
                                KubernetesCluster.NEW_IMAGE)));
        // A traffic phase's end is the verifier's to say; the executor says it started, weights
        // read back.
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                !events(EventType.PHASE_STARTED, id).stream()
                                        .filter(e -> e.path("phase").asInt() == 2)
                                        .toList()
                                        .isEmpty());
        assertThat(maintenance()).isEqualTo("true");
        fresh.execute("INSERT INTO orders VALUES (2, 200, 'USD')");

        publish(
                EventType.ROLLBACK_REQUESTED,
                id,
                codec.encode(
                        codec.wrap(
                                new RollbackRequested(id, 1, "error rate 3%", "planner"),
                                "/stride/planner")));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> !events(EventType.ROLLBACK_COMPLETED, id).isEmpty());
        assertThat(events(EventType.ROLLBACK_COMPLETED, id).get(0).path("outcome").asText())
                .isEqualTo("SUCCEEDED");
        assertThat(maintenance())
                .as("kept on: the old version must not meet the new schema")
                .isEqualTo("true");

        Map<String, Object> restore = parameters("restore", false, "2");
        restore.put("restore", true);
        restore.put("backupPhase", 1);
        restore.put("integrityCheck", "SELECT count(*) = 1 FROM orders");
        publish(new PhaseRequested(id, 1, 4, PhaseType.MIGRATION, target, restore));

        JsonNode restored = awaitCompleted(id, 4);
        assertThat(restored.path("outcome").asText()).isEqualTo("PASSED");
        assertThat(restored.path("summary").asText())
                .contains("restored the database from backup", "integrity check passed");
        assertThat(fresh.columns("orders")).isEqualTo("id,total_cents");
        assertThat(fresh.count("SELECT count(*) FROM orders")).isEqualTo(1);
        assertThat(maintenance()).isEqualTo("false");
    }

    private Map<String, Object> parameters(String stage, boolean backup, String target) {
        return MigrationParameters.of(fresh, passwordFile, scripts, backups)
                .stage(stage, backup, target)
                .with("restoreOnRollback", true)
                .map();
    }

    private String maintenance() {
        return kubernetes
                .network()
                .v1()
                .ingresses()
                .inNamespace(ns)
                .withName(KubernetesCluster.APP)
                .get()
                .getMetadata()
                .getAnnotations()
                .get(MAINTENANCE);
    }

    private void publish(PhaseRequested phase) {
        publish(
                EventType.PHASE_REQUESTED,
                phase.deploymentId(),
                codec.encode(codec.wrap(phase, "/stride/planner")));
    }

    private static void publish(EventType type, UUID id, String value) {
        TopicReader.publish(bootstrap(), type.topic(), id.toString(), value);
    }

    private JsonNode awaitCompleted(UUID id, int phase) {
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    events(EventType.PHASE_COMPLETED, id).stream()
                                            .anyMatch(e -> e.path("phase").asInt() == phase));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "phase " + phase + " did not complete; steps: " + steps(id), e);
        }
        return events(EventType.PHASE_COMPLETED, id).stream()
                .filter(e -> e.path("phase").asInt() == phase)
                .findFirst()
                .orElseThrow();
    }

    private static List<String> steps(UUID id) {
        return Arc.container()
                .instance(Pool.class)
                .get()
                .preparedQuery(
                        "SELECT e.step || '/' || e.status, s.call, s.result, s.detail FROM execution_step s JOIN execution e "
                                + "ON e.id = s.execution_id WHERE e.deployment_id = $1 ORDER BY s.id")
                .execute(Tuple.of(id))
                .await()
                .atMost(Duration.ofSeconds(5))
                .stream()
                .map(
                        row ->
                                row.getValue(0)
                                        + " "
                                        + row.getString(1)
                                        + ":"
                                        + row.getString(2)
                                        + " "
                                        + row.getString(3))
                .toList();
    }

    private static List<JsonNode> events(EventType type, UUID id) {
        return TopicReader.events(bootstrap(), type, id.toString());
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
