package dev.stride.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.spec.AwsEcsTarget;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.events.spec.Target;
import dev.stride.executor.traffic.haproxy.HaproxyUnderTest;
import dev.stride.testing.BlackHole;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Platforms that do not answer, one of each kind, each with more deployments than its endpoint's share of the
 * workers: two HAProxy runtime APIs (one that accepts and never answers, one whose connects hang), a Kubernetes API
 * server whose connects hang, and an AWS endpoint that accepts and never answers. Beside them, a canary on a real
 * HAProxy must start its phase and be rolled back as fast as on a quiet executor. Everything on loopback.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(
        value = BlackHoledPlatformTest.BlackHoles.class,
        restrictToAnnotatedClass = true)
class BlackHoledPlatformTest {

    private static final int PER_PLATFORM = 5;

    /** The black holes, and the executor's Kubernetes client and AWS clients pointed at them. */
    public static class BlackHoles implements QuarkusTestResourceLifecycleManager {

        private BlackHole silent;
        private BlackHole unaccepting;

        @Override
        public Map<String, String> start() {
            silent = BlackHole.silent();
            unaccepting = BlackHole.unaccepting();
            Map<String, String> config = new LinkedHashMap<>();
            config.put("test.black-hole.silent", silent.address());
            config.put("test.black-hole.unaccepting", unaccepting.address());
            config.put("quarkus.kubernetes-client.api-server-url", unaccepting.url());
            config.put("stride.executor.aws.endpoint-override", silent.url());
            config.put("stride.executor.aws.max-attempts", "1");
            // The default share, written out: five deployments are more than an endpoint may hold
            // at once.
            config.put("stride.executor.workers-per-endpoint", "4");
            // The stuck deployments stay stuck for the whole test instead of failing after the test
            // profile's 3 s.
            config.put("stride.executor.transient-patience", "10m");
            return config;
        }

        @Override
        public void stop() {
            silent.close();
            unaccepting.close();
        }
    }

    private final EventCodec codec = new EventCodec();
    private HaproxyUnderTest haproxy;

    @Inject ExecutionWorker worker;

    @Inject Pool pool;

    @BeforeEach
    void haproxy() throws Exception {
        haproxy = HaproxyUnderTest.start();
    }

    @AfterEach
    void stop() {
        haproxy.close();
    }

    @Test
    void stuckPlatformsDelayNeitherAnotherDeploymentsPhaseNorItsRollback() {
        Map<UUID, String> stuck = new LinkedHashMap<>();
        String silent = config("test.black-hole.silent");
        String unaccepting = config("test.black-hole.unaccepting");
        for (int i = 0; i < PER_PLATFORM; i++) {
            stuck.put(
                    request(
                            new HaproxyTarget(null, silent, "app", "stable", "canary"),
                            PhaseType.TRAFFIC,
                            Map.of("weight", 5)),
                    "haproxy " + silent);
            stuck.put(
                    request(
                            new HaproxyTarget(null, unaccepting, "app", "stable", "canary"),
                            PhaseType.TRAFFIC,
                            Map.of("weight", 5)),
                    "haproxy " + unaccepting);
            stuck.put(
                    request(
                            new KubernetesTarget("shop", "checkout", "checkout", "checkout"),
                            PhaseType.TRAFFIC,
                            Map.of("weight", 5, "artifact", "registry.example/shop/checkout:2.0")),
                    "kubernetes http://" + unaccepting);
            stuck.put(
                    request(
                            new AwsEcsTarget("eu-west-1", "prod", "shop", "app", null),
                            PhaseType.ROLLOUT,
                            Map.of("artifact", "registry.example/shop:2.0")),
                    "aws eu-west-1 (default credentials)");
        }
        // Every black-holed endpoint holds its full share of the workers: 4 endpoints x 4.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> worker.inFlight() >= 16);

        HaproxyTarget healthy =
                new HaproxyTarget(
                        haproxy.socket(),
                        null,
                        HaproxyUnderTest.BACKEND,
                        HaproxyUnderTest.STABLE,
                        HaproxyUnderTest.CANARY);
        UUID id = UUID.randomUUID();
        Instant requested = Instant.now();
        publish(new PhaseRequested(id, 1, 1, PhaseType.TRAFFIC, healthy, Map.of("weight", 25)));
        JsonNode started = awaitEvent(EventType.PHASE_STARTED, id);
        Duration toStart =
                Duration.between(requested, Instant.parse(started.path("observedAt").asText()));
        assertThat(started.path("observedWeights").path("canary").asInt()).isEqualTo(25);
        assertThat(toStart)
                .as("phase requested -> weights read back on HAProxy")
                .isLessThan(Duration.ofSeconds(1));

        Instant rollbackRequested = Instant.now();
        publish(new RollbackRequested(id, 1, "error rate 9%", "planner"));
        JsonNode rolledBack = awaitEvent(EventType.ROLLBACK_COMPLETED, id);
        assertThat(rolledBack.path("outcome").asText()).isEqualTo("SUCCEEDED");
        Duration toRestore = Duration.between(rollbackRequested, rollbackFinishedAt(id));
        assertThat(toRestore)
                .as("rollback requested -> stable restored and read back")
                .isLessThan(Duration.ofSeconds(1));
        Map<String, Integer> served = haproxy.send(100);
        assertThat(served.getOrDefault(HaproxyUnderTest.STABLE, 0)).isEqualTo(100);

        // The stuck ones are stuck on their black holes, and their step logs say where.
        for (Map.Entry<UUID, String> deployment : stuck.entrySet()) {
            assertThat(
                            TopicReader.events(
                                    bootstrap(),
                                    EventType.PHASE_STARTED,
                                    deployment.getKey().toString()))
                    .isEmpty();
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            for (String endpoint :
                                    List.copyOf(new java.util.LinkedHashSet<>(stuck.values()))) {
                                assertThat(failedCallsNaming(endpoint))
                                        .as("failed calls naming %s", endpoint)
                                        .isPositive();
                            }
                        });
        // Each call gave up at its own deadline (seconds), not at a library default of a minute or
        // more.
        for (String endpoint : List.copyOf(new java.util.LinkedHashSet<>(stuck.values()))) {
            assertThat(longestFailedCall(endpoint))
                    .as("longest call to %s", endpoint)
                    .isLessThan(Duration.ofSeconds(10).toMillis());
        }
    }

    private UUID request(Target target, PhaseType type, Map<String, Object> parameters) {
        UUID id = UUID.randomUUID();
        publish(new PhaseRequested(id, 1, 1, type, target, parameters));
        return id;
    }

    private Instant rollbackFinishedAt(UUID id) {
        OffsetDateTime finished =
                pool.preparedQuery(
                                "SELECT finished_at FROM execution WHERE deployment_id = $1 "
                                        + "AND step = 'rollback'")
                        .execute(Tuple.of(id))
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .iterator()
                        .next()
                        .getOffsetDateTime(0);
        return finished.toInstant();
    }

    private long failedCallsNaming(String endpoint) {
        return pool.preparedQuery(
                        "SELECT count(*) FROM execution_step WHERE result = 'failed' "
                                + "AND strpos(detail, $1) > 0")
                .execute(Tuple.of("(" + endpoint + ")"))
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
    }

    private long longestFailedCall(String endpoint) {
        return pool.preparedQuery(
                        "SELECT max(duration_ms) FROM execution_step WHERE result = 'failed' "
                                + "AND strpos(detail, $1) > 0")
                .execute(Tuple.of("(" + endpoint + ")"))
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
    }

    private void publish(StrideEvent data) {
        TopicReader.publish(
                bootstrap(),
                EventType.of(data).topic(),
                data.deploymentId().toString(),
                codec.encode(codec.wrap(data, "/stride/planner")));
    }

    private JsonNode awaitEvent(EventType type, UUID id) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            List<JsonNode> events =
                                    new ArrayList<>(
                                            TopicReader.events(bootstrap(), type, id.toString()));
                            return events.isEmpty() ? null : events.get(0);
                        },
                        java.util.Objects::nonNull);
    }

    private static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }

    private static String bootstrap() {
        return config("kafka.bootstrap.servers");
    }
}
