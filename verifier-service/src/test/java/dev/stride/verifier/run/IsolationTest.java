package dev.stride.verifier.run;

import static dev.stride.verifier.run.VerifierEvents.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.DeploymentFinished;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.kit.messaging.Outbox;
import dev.stride.kit.messaging.OutboxPublisher;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import dev.stride.verifier.checks.CheckRunner;
import dev.stride.verifier.lab.IsolationLab;
import dev.stride.verifier.metrics.Endpoints;
import dev.stride.verifier.metrics.MetricProvider;
import dev.stride.verifier.metrics.MetricProviders;
import dev.stride.verifier.metrics.Reading;
import dev.stride.verifier.persistence.AnalysisStore;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Isolation and scale-out of the measuring loop, against a loopback Prometheus that answers at once and two black
 * holes ({@link IsolationLab}): analyses whose Prometheus does not answer delay only themselves, and two schedulers
 * over one database take each measurement once.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(value = IsolationLab.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IsolationTest {

    private static final String PLANNER = "/stride/planner";
    private static final String EXECUTOR = "/stride/executor";
    private static final Duration HOLD = Duration.ofSeconds(5);

    Function<String, Object> isolation;

    @Test
    @Order(2)
    void aPrometheusThatDoesNotAnswerDelaysOnlyTheAnalysesThatUseIt() {
        // Twelve analyses on the black holes, six each: without a bulkhead, enough to hold all
        // twelve slots.
        List<UUID> stalled = new ArrayList<>();
        List<UUID> unreachable = new ArrayList<>();
        Instant blackHoledStart = Instant.now();
        for (int i = 0; i < 6; i++) {
            stalled.add(start("stalled", "1.0." + i, "60s", blackHoledStart));
            unreachable.add(start("unreachable", "1.0." + i, "60s", blackHoledStart));
        }
        String silent = Endpoints.of((String) isolation.apply("silent-endpoint"));
        String hung = Endpoints.of((String) isolation.apply("unreachable-endpoint"));
        Map<String, Integer> mostClaimed = new HashMap<>();
        // The black holes hold their share before the healthy analyses start.
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () ->
                                observeClaims(mostClaimed, silent, hung)
                                        == 2 * IsolationLab.ENDPOINT_SHARE);

        List<UUID> healthy = new ArrayList<>();
        List<UUID> bad = new ArrayList<>();
        Instant healthyStart = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < 10; i++) {
            healthy.add(start("healthy", "2.0." + i, HOLD.toSeconds() + "s", healthyStart));
        }
        for (int i = 0; i < 2; i++) {
            bad.add(start("healthy", "bad-" + i, HOLD.toSeconds() + "s", healthyStart));
        }
        List<UUID> judged = new ArrayList<>(healthy);
        judged.addAll(bad);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> {
                            observeClaims(mostClaimed, silent, hung);
                            return finished(judged) == judged.size();
                        });
        // The verdicts are in the database first and on Kafka once the outbox publisher has sent
        // them: wait for that
        // too, or a loaded machine reads the topic before the last PhaseCompleted is on it.
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> {
                            Map<String, List<JsonNode>> now =
                                    byDeployment(EventType.PHASE_COMPLETED);
                            return judged.stream().allMatch(id -> now.containsKey(id.toString()));
                        });

        Map<String, List<JsonNode>> completed = byDeployment(EventType.PHASE_COMPLETED);
        Map<String, List<JsonNode>> breached = byDeployment(EventType.THRESHOLD_BREACHED);
        Instant holdEnd = healthyStart.plus(HOLD);
        for (UUID id : healthy) {
            JsonNode verdict = completed.get(id.toString()).get(0);
            assertThat(verdict.path("data").path("outcome").asText()).isEqualTo("PASSED");
            assertThat(verdict.path("data").path("summary").asText())
                    .startsWith("passed after 5 measurements");
            assertThat(Duration.between(holdEnd, Instant.parse(verdict.path("time").asText())))
                    .as(
                            "%s's verdict after its hold's end, with the black holes timing out beside it",
                            id)
                    .isLessThan(Duration.ofSeconds(1));
        }
        for (UUID id : bad) {
            JsonNode breach = breached.get(id.toString()).get(0);
            assertThat(breach.path("data").path("kind").asText()).isEqualTo("trigger");
            assertThat(
                            Duration.between(
                                    healthyStart.plusSeconds(1),
                                    Instant.parse(breach.path("time").asText())))
                    .as("the breach at the first measurement")
                    .isLessThan(Duration.ofSeconds(1));
            assertThat(completed.get(id.toString()).get(0).path("data").path("outcome").asText())
                    .isEqualTo("FAILED");
        }
        // Cadence: every healthy measurement was written within a second of its due time, never the
        // 2 s timeout.
        List<Row> lags =
                rows(
                        "SELECT deployment_id, seq, EXTRACT(EPOCH FROM recorded_at - measured_at) * 1000 AS lag "
                                + "FROM measurement WHERE deployment_id = ANY($1) ORDER BY lag DESC",
                        judged);
        assertThat(lags).hasSize(healthy.size() * 5 + bad.size());
        assertThat(lags.get(0).getDouble("lag"))
                .as("the slowest healthy measurement's lag, ms")
                .isLessThan(1000.0);
        System.out.printf(
                "isolation: %d healthy measurements beside the black holes, lag p50 %.1f ms, max %.1f ms%n",
                lags.size(),
                lags.get(lags.size() / 2).getDouble("lag"),
                lags.get(0).getDouble("lag"));

        // The black-holed analyses: provider errors (never failures), reported as such, each on its
        // own.
        Awaitility.await()
                .atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            observeClaims(mostClaimed, silent, hung);
                            Map<String, List<JsonNode>> now =
                                    byDeployment(EventType.THRESHOLD_BREACHED);
                            return stalled.stream().allMatch(id -> now.containsKey(id.toString()))
                                    && unreachable.stream()
                                            .allMatch(id -> now.containsKey(id.toString()));
                        });
        Map<String, List<JsonNode>> blackHoleBreaches = byDeployment(EventType.THRESHOLD_BREACHED);
        for (UUID id : concat(stalled, unreachable)) {
            JsonNode data = blackHoleBreaches.get(id.toString()).get(0).path("data");
            assertThat(data.path("kind").asText()).isEqualTo("provider_error");
            assertThat(data.path("action").asText()).isEqualTo("pause");
        }
        assertThat(messages(stalled)).containsOnly("ERROR: Prometheus did not answer in time");
        assertThat(messages(unreachable)).containsOnly("ERROR: connecting to Prometheus timed out");
        assertThat(mostClaimed)
                .as("measurements in flight per black hole, at most")
                .containsOnly(
                        Map.entry(silent, IsolationLab.ENDPOINT_SHARE),
                        Map.entry(hung, IsolationLab.ENDPOINT_SHARE));
        assertThat((Boolean) isolation.apply("unreachable-hangs"))
                .as("the backlog stayed full")
                .isTrue();
        for (UUID id : concat(stalled, unreachable)) {
            assertThat(completed.get(id.toString())).as("a black-holed phase goes on").isNull();
            publish(
                    new DeploymentFinished(
                            id,
                            "shop",
                            Environment.STAGING,
                            "1.0.0",
                            DeploymentFinished.Outcome.ABORTED,
                            "test over",
                            null,
                            Instant.now(),
                            Instant.now()),
                    PLANNER);
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> finished(concat(stalled, unreachable)) == 12);
    }

    @Test
    @Order(2)
    void twoSchedulersOverOneDatabaseTakeEachMeasurementOnceAndWriteEachVerdictOnce() {
        // The black holes of the test before may still hold this verifier's measurement slots until
        // their timeouts: the two schedulers compete only once this one is free, else the second
        // may
        // take every measurement (it did once, in a full run) and the test proves no sharing.
        AnalysisScheduler first = bean(AnalysisScheduler.class);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> first.inFlight() == 0);
        AtomicInteger bySecond = new AtomicInteger();
        MetricProvider bean =
                Arc.container()
                        .instance(MetricProviders.class)
                        .get()
                        .forType("prometheus")
                        .orElseThrow();
        MetricProvider counting =
                new MetricProvider() {
                    @Override
                    public Uni<Reading> measure(String endpoint, String query, Instant at) {
                        bySecond.incrementAndGet();
                        return bean.measure(endpoint, query, at);
                    }

                    @Override
                    public String type() {
                        return bean.type();
                    }
                };
        // A second verifier: its own scheduler, its own slots, the same database, outbox and
        // Prometheus.
        AnalysisScheduler second =
                new AnalysisScheduler(
                        bean(Pool.class),
                        bean(AnalysisStore.class),
                        new MetricProviders(List.of(counting)),
                        bean(dev.stride.verifier.metrics.probe.HealthProber.class),
                        bean(CheckRunner.class),
                        bean(Outbox.class),
                        bean(OutboxPublisher.class),
                        bean(Vertx.class),
                        Duration.ofMillis(100),
                        64,
                        Duration.ofSeconds(30),
                        // The app's own limits: with a share ten times the app's (32 against 3),
                        // the
                        // second claimed every due measurement in two full runs before the app's
                        // round
                        // came, and the test proved no sharing.
                        IsolationLab.MAX_IN_FLIGHT,
                        IsolationLab.ENDPOINT_SHARE,
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(10));
        second.start(null);
        try {
            List<UUID> passing = new ArrayList<>();
            List<UUID> failing = new ArrayList<>();
            // Starts spread over a second, so their due times fall between the two schedulers'
            // ticks.
            Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            for (int i = 0; i < 24; i++) {
                boolean bad = i % 6 == 0;
                UUID id =
                        start(
                                "twins",
                                (bad ? "bad-twin-" : "twin-") + i,
                                HOLD.toSeconds() + "s",
                                base.plusMillis(40L * i));
                (bad ? failing : passing).add(id);
            }
            List<UUID> all = concat(passing, failing);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> finished(all) == all.size());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () ->
                                    byDeployment(EventType.PHASE_COMPLETED)
                                            .keySet()
                                            .containsAll(ids(all)));

            @SuppressWarnings("unchecked")
            Map<String, Integer> asked =
                    ((Map<String, Integer>) isolation.apply("asked"))
                            .entrySet().stream()
                                    .filter(e -> e.getKey().contains("twin-"))
                                    .collect(
                                            Collectors.toMap(
                                                    Map.Entry::getKey, Map.Entry::getValue));
            assertThat(asked)
                    .as("measurements, each due time of each analysis")
                    .hasSize(passing.size() * 5 + failing.size());
            assertThat(asked.values()).as("times each was taken").containsOnly(1);
            assertThat(bySecond.get())
                    .as("measurements the second scheduler took")
                    .isBetween(1, asked.size() - 1);

            // One verdict each, and still one a second later (a duplicate from the outbox would
            // show by then).
            Awaitility.await()
                    .during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () -> {
                                Map<String, List<JsonNode>> now =
                                        byDeployment(EventType.PHASE_COMPLETED);
                                return all.stream()
                                        .allMatch(id -> now.get(id.toString()).size() == 1);
                            });
            Map<String, List<JsonNode>> completed = byDeployment(EventType.PHASE_COMPLETED);
            Map<String, List<JsonNode>> breached = byDeployment(EventType.THRESHOLD_BREACHED);
            for (UUID id : passing) {
                assertThat(completed.get(id.toString())).hasSize(1);
                assertThat(
                                completed
                                        .get(id.toString())
                                        .get(0)
                                        .path("data")
                                        .path("outcome")
                                        .asText())
                        .isEqualTo("PASSED");
                assertThat(breached.get(id.toString())).isNull();
            }
            for (UUID id : failing) {
                assertThat(completed.get(id.toString())).hasSize(1);
                assertThat(
                                completed
                                        .get(id.toString())
                                        .get(0)
                                        .path("data")
                                        .path("outcome")
                                        .asText())
                        .isEqualTo("FAILED");
                assertThat(breached.get(id.toString())).hasSize(1);
            }
            assertThat(rows("SELECT 1 FROM measurement WHERE deployment_id = ANY($1)", all))
                    .hasSize(passing.size() * 5 + failing.size());
        } finally {
            second.stop(null);
        }
    }

    // ---- helpers
    // ----------------------------------------------------------------------------------------------------

    private static UUID start(String application, String version, String hold, Instant startedAt) {
        UUID id = UUID.randomUUID();
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("weight", 10);
        parameters.put("duration", hold);
        parameters.put("successCriteria", Map.of("error_rate", "<5%"));
        parameters.put(
                "rollbackTriggers",
                List.of(
                        Map.of(
                                "name",
                                "high_error_rate",
                                "metric",
                                "error_rate",
                                "threshold",
                                "5%",
                                "action",
                                "automatic_rollback")));
        parameters.put("application", application);
        parameters.put("environment", "staging");
        parameters.put("version", version);
        publish(
                new PhaseRequested(
                        id,
                        1,
                        1,
                        PhaseType.TRAFFIC,
                        new HaproxyTarget(null, "127.0.0.1:9999", "app", "stable", "canary"),
                        parameters),
                PLANNER);
        publish(
                new PhaseStarted(
                        id, 1, 1, PhaseType.TRAFFIC, Map.of("stable", 90, "canary", 10), startedAt),
                EXECUTOR);
        return id;
    }

    /** Claims held now on the two black holes (recording the most seen on each); returns their sum. */
    private static int observeClaims(Map<String, Integer> most, String silent, String hung) {
        int sum = 0;
        for (String endpoint : List.of(silent, hung)) {
            int held =
                    rows(
                                    "SELECT 1 FROM analysis WHERE endpoint = $1 AND claimed_until > now()",
                                    endpoint)
                            .size();
            most.merge(endpoint, held, Math::max);
            sum += held;
        }
        return sum;
    }

    private static int finished(List<UUID> ids) {
        return rows(
                        "SELECT 1 FROM analysis WHERE deployment_id = ANY($1) AND status IN ('PASSED', 'FAILED', "
                                + "'STOPPED')",
                        ids)
                .size();
    }

    private static List<String> messages(List<UUID> ids) {
        return rows("SELECT outcome, message FROM measurement WHERE deployment_id = ANY($1)", ids)
                .stream()
                .map(r -> r.getString("outcome") + ": " + r.getString("message"))
                .distinct()
                .toList();
    }

    private static List<Row> rows(String sql, Object parameter) {
        Object value = parameter instanceof List<?> list ? list.toArray(UUID[]::new) : parameter;
        List<Row> rows = new ArrayList<>();
        bean(Pool.class)
                .preparedQuery(sql)
                .execute(Tuple.of(value))
                .await()
                .atMost(Duration.ofSeconds(10))
                .forEach(rows::add);
        return rows;
    }

    /** Every event of {@code type} on its topic, by deployment (the record key), in topic order. */
    private static Map<String, List<JsonNode>> byDeployment(EventType type) {
        EventCodec codec = new EventCodec();
        Map<String, List<JsonNode>> events = new HashMap<>();
        TopicReader.readAll(VerifierEvents.bootstrap(), type.topic())
                .forEach(
                        r -> {
                            JsonNode envelope = codec.parseTree(r.value());
                            if (type.type().equals(envelope.path("type").asText())) {
                                events.computeIfAbsent(r.key(), k -> new ArrayList<>())
                                        .add(envelope);
                            }
                        });
        return events;
    }

    private static <T> T bean(Class<T> type) {
        return Arc.container().instance(type).get();
    }

    private static List<String> ids(List<UUID> ids) {
        return ids.stream().map(UUID::toString).toList();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
