package dev.stride.verifier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.StrideEvent;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.verifier.lab.AppMetrics;
import dev.stride.verifier.lab.BlackHoles;
import dev.stride.verifier.lab.PrometheusLab;
import dev.stride.verifier.metrics.Endpoints;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tagged {@code benchmark}, which the test suite leaves out (surefire's excludedGroups): run it
 * with {@code verifier-service/bench/analyses.sh}.
 * Starts {@code stride.bench.analyses} (1,000) analyses at once, each measured every 10 s for
 * {@code stride.bench.hold} (60 s) on two metrics against the real Prometheus of the tests, and reports the
 * measurement lag (from a measurement's due time to its row being written) p50 / p99 / max, and the CPU used by
 * this JVM (the verifier, plus the Kafka broker of the tests) and by Prometheus over the run. It asserts that every
 * analysis ended and passed, never how fast.
 */
@Tag("benchmark")
@QuarkusTest
@TestProfile(AnalysisLoadBenchmark.TenSeconds.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(PrometheusLab.class)
class AnalysisLoadBenchmark {

    /**
     * The benchmark's application is measured every 10 s over a 30 s window (the tests' 1 s stays for the rest);
     * so is {@code benchhole}, whose Prometheus is a loopback black hole (accepts, never answers).
     */
    public static class TenSeconds implements QuarkusTestProfile {
        static final BlackHoles HOLES = BlackHoles.open();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "stride.verifier.application.bench.interval",
                    "10s",
                    "stride.verifier.application.bench.window",
                    "30s",
                    "stride.verifier.application.benchhole.interval",
                    "10s",
                    "stride.verifier.application.benchhole.window",
                    "30s",
                    "stride.verifier.application.benchhole.prometheus.url",
                    HOLES.silent());
        }
    }

    private final EventCodec codec = new EventCodec();
    Function<String, Object> lab;

    @Test
    void measurementLagAndCpu() throws Exception {
        int analyses = Integer.getInteger("stride.bench.analyses", 1000);
        // Analyses on the black-holed Prometheus, started first, beside the healthy ones (0: none).
        int blackHoled = Integer.getInteger("stride.bench.black-holed", 0);
        String hole = Endpoints.of(TenSeconds.HOLES.silent());
        String hold = System.getProperty("stride.bench.hold", "60s");
        long prometheusPid = (Long) lab.apply("prometheus-pid");
        var os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        long jvmCpuBefore = os.getProcessCpuTime();
        double prometheusCpuBefore = cpuMillis(prometheusPid);
        Instant began = Instant.now();

        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap(),
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.LINGER_MS_CONFIG,
                                5),
                        new StringSerializer(),
                        new StringSerializer())) {
            for (int i = 0; i < blackHoled; i++) {
                UUID id = UUID.randomUUID();
                send(
                        producer,
                        new PhaseRequested(
                                id,
                                1,
                                1,
                                PhaseType.TRAFFIC,
                                new HaproxyTarget(
                                        null, "127.0.0.1:9999", "app", "stable", "canary"),
                                parameters("benchhole", hold)));
                send(
                        producer,
                        new PhaseStarted(
                                id,
                                1,
                                1,
                                PhaseType.TRAFFIC,
                                Map.of("canary", 10, "stable", 90),
                                Instant.now()));
            }
            for (int i = 0; i < analyses; i++) {
                UUID id = UUID.randomUUID();
                send(
                        producer,
                        new PhaseRequested(
                                id,
                                1,
                                1,
                                PhaseType.TRAFFIC,
                                new HaproxyTarget(
                                        null, "127.0.0.1:9999", "app", "stable", "canary"),
                                parameters("bench", hold)));
                send(
                        producer,
                        new PhaseStarted(
                                id,
                                1,
                                1,
                                PhaseType.TRAFFIC,
                                Map.of("canary", 10, "stable", 90),
                                Instant.now()));
            }
            producer.flush();
        }
        Awaitility.await()
                .atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () ->
                                count(
                                                "SELECT count(*) FROM analysis WHERE status IN ('PASSED', 'FAILED') "
                                                        + "AND endpoint <> '"
                                                        + hole
                                                        + "'")
                                        == analyses);
        Duration took = Duration.between(began, Instant.now());
        double jvmCpu = (os.getProcessCpuTime() - jvmCpuBefore) / 1e6;
        double prometheusCpu = cpuMillis(prometheusPid) - prometheusCpuBefore;

        assertThat(
                        count(
                                "SELECT count(*) FROM analysis WHERE status = 'PASSED' AND endpoint <> '"
                                        + hole
                                        + "'"))
                .isEqualTo(analyses);
        List<Double> lags = new ArrayList<>();
        for (Row row :
                pool().query(
                                "SELECT extract(epoch from (m.recorded_at - m.measured_at)) * 1000 "
                                        + "FROM measurement m JOIN analysis a USING (deployment_id, attempt, phase) "
                                        + "WHERE a.endpoint <> '"
                                        + hole
                                        + "'")
                        .execute()
                        .await()
                        .atMost(Duration.ofSeconds(30))) {
            lags.add(row.getDouble(0));
        }
        lags.sort(Double::compare);
        String report =
                String.format(
                        java.util.Locale.ROOT,
                        """
                %d analyses, hold %s, interval 10s, 2 metrics each, beside %d on a black-holed Prometheus: \
                %d samples in %.1f s
                measurement lag (due -> written) p50 %.1f ms, p99 %.1f ms, max %.1f ms
                CPU over the run: this JVM (verifier + test Kafka broker) %.1f s = %.0f%% of one core; \
                Prometheus %.1f s = %.0f%% of one core (%d cores)
                """,
                        analyses,
                        hold,
                        blackHoled,
                        lags.size(),
                        took.toMillis() / 1000.0,
                        percentile(lags, 50),
                        percentile(lags, 99),
                        lags.get(lags.size() - 1),
                        jvmCpu / 1000,
                        100 * jvmCpu / took.toMillis(),
                        prometheusCpu / 1000,
                        100 * prometheusCpu / took.toMillis(),
                        os.getAvailableProcessors());
        System.out.println(report);
        Files.writeString(Path.of("target", "analysis-benchmark.txt"), report);
    }

    private Map<String, Object> parameters(String application, String hold) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("weight", 10);
        parameters.put("duration", hold);
        parameters.put("successCriteria", Map.of("error_rate", "<1%", "response_time", "<500ms"));
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
                                "duration",
                                "30s",
                                "action",
                                "automatic_rollback")));
        parameters.put("application", application);
        parameters.put("environment", "staging");
        parameters.put("version", AppMetrics.CANARY_VERSION);
        return parameters;
    }

    private void send(KafkaProducer<String, String> producer, StrideEvent event) throws Exception {
        producer.send(
                        new ProducerRecord<>(
                                EventType.of(event).topic(),
                                event.deploymentId().toString(),
                                codec.encode(codec.wrap(event, "/stride/bench"))))
                .get(30, TimeUnit.SECONDS);
    }

    private static double percentile(List<Double> sorted, int p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    // utime + stime from /proc/<pid>/stat, in clock ticks (100 a second on Linux).
    private static double cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0;
    }

    private static long count(String sql) {
        return pool().query(sql)
                .execute()
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next()
                .getLong(0);
    }

    private static Pool pool() {
        return Arc.container().instance(Pool.class).get();
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
