package dev.stride.executor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.events.spec.Target;
import dev.stride.executor.traffic.haproxy.HaproxyUnderTest;
import dev.stride.executor.traffic.kubernetes.KubernetesCluster;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * with {@code deploy/stride bench isolation}. The
 * same mix of {@code stride.bench.deployments} (200) deployments, all requested at once, runs twice: first with
 * every platform answering, then with a share of them (10%) on a HAProxy runtime API that accepts connections and
 * never answers. The rest are canaries on a real HAProxy (one backend each) and on the Kubernetes mock API server
 * (one namespace each, a stand-in controller rolling Deployments out). For the healthy deployments it reports
 * phase-start latency (PhaseRequested published -> weights read back) and rollback latency (RollbackRequested
 * published -> stable restored and read back), p50 and p99, for both runs and their ratio. It asserts that every
 * healthy deployment started and rolled back, never how fast. A small unmeasured run goes first (consumer groups
 * joining, code warming up). The report also splits each platform's phase-start time into its parts.
 */
@Tag("benchmark")
@QuarkusTest
@TestProfile(IsolationBenchmark.Patient.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class IsolationBenchmark {

    /** Stuck deployments stay stuck for the whole run instead of failing after the test profile's 3 s. */
    public static class Patient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("stride.executor.transient-patience", "10m");
        }
    }

    private record Deployment(UUID id, Target target, boolean healthy) {}

    private final EventCodec codec = new EventCodec();

    @Inject Pool pool;

    @Inject KubernetesClient kubernetes;

    @Test
    void isolation() throws Exception {
        int total = Integer.getInteger("stride.bench.deployments", 200);
        int stuckCount = total / 10;
        int onKubernetes = total * 3 / 10;
        List<Socket> held = new CopyOnWriteArrayList<>();
        int warmUp = 20;
        try (HaproxyUnderTest haproxy = HaproxyUnderTest.start(2 * total + warmUp);
                KubernetesCluster cluster = new KubernetesCluster(kubernetes);
                ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                KafkaProducer<String, String> producer = producer()) {
            Thread acceptor =
                    new Thread(
                            () -> {
                                while (!blackHole.isClosed()) {
                                    try {
                                        held.add(blackHole.accept()); // held open, never answered
                                    } catch (IOException closed) {
                                        return;
                                    }
                                }
                            },
                            "bench-black-hole");
            acceptor.setDaemon(true);
            acceptor.start();
            String silent = "127.0.0.1:" + blackHole.getLocalPort();

            // Not measured: the consumers join their groups and the code paths warm up.
            run(producer, mix(warmUp, 0, warmUp / 2, 2 * total, haproxy, cluster, silent));
            Figures quiet = run(producer, mix(total, 0, onKubernetes, 0, haproxy, cluster, silent));
            Figures loaded =
                    run(
                            producer,
                            mix(total, stuckCount, onKubernetes, total, haproxy, cluster, silent));
            report(total, stuckCount, onKubernetes, quiet, loaded);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    private List<Deployment> mix(
            int total,
            int stuck,
            int onKubernetes,
            int backendOffset,
            HaproxyUnderTest haproxy,
            KubernetesCluster cluster,
            String blackHole) {
        List<Deployment> mix = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            Target target;
            boolean healthy = true;
            if (i < stuck) {
                target = new HaproxyTarget(null, blackHole, "app", "stable", "canary");
                healthy = false;
            } else if (i < stuck + onKubernetes) {
                String namespace = "bench-" + (backendOffset + i);
                cluster.seed(namespace);
                target =
                        new KubernetesTarget(
                                namespace,
                                KubernetesCluster.APP,
                                KubernetesCluster.APP,
                                KubernetesCluster.APP);
            } else {
                target =
                        new HaproxyTarget(
                                haproxy.socket(),
                                null,
                                HaproxyUnderTest.BACKEND + "-" + (backendOffset + i + 1),
                                HaproxyUnderTest.STABLE,
                                HaproxyUnderTest.CANARY);
            }
            mix.add(new Deployment(UUID.randomUUID(), target, healthy));
        }
        return mix;
    }

    private record Figures(double[] phaseStart, double[] rollback, String breakdown) {}

    private Figures run(KafkaProducer<String, String> producer, List<Deployment> mix) {
        Map<UUID, Instant> requested = new ConcurrentHashMap<>();
        for (Deployment d : mix) {
            requested.put(d.id(), Instant.now());
            send(
                    producer,
                    new PhaseRequested(
                            d.id(),
                            1,
                            1,
                            PhaseType.TRAFFIC,
                            d.target(),
                            Map.of("weight", 25, "artifact", KubernetesCluster.NEW_IMAGE)));
        }
        producer.flush();
        List<UUID> healthy = mix.stream().filter(Deployment::healthy).map(Deployment::id).toList();
        awaitDone(healthy, "phase:1");
        Map<UUID, Instant> rollbackRequested = new ConcurrentHashMap<>();
        for (Deployment d : mix) {
            rollbackRequested.put(d.id(), Instant.now());
            send(producer, new RollbackRequested(d.id(), 1, "benchmark", "bench"));
        }
        producer.flush();
        awaitDone(healthy, "rollback");
        return new Figures(
                latencies(healthy, "phase:1", requested),
                latencies(healthy, "rollback", rollbackRequested),
                breakdown(healthy, requested));
    }

    private void awaitDone(List<UUID> ids, String step) {
        Awaitility.await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () ->
                                pool.preparedQuery(
                                                        "SELECT count(*) FROM execution WHERE deployment_id = ANY($1) AND step = $2 "
                                                                + "AND status = 'DONE'")
                                                .execute(Tuple.of(ids.toArray(UUID[]::new), step))
                                                .await()
                                                .atMost(Duration.ofSeconds(5))
                                                .iterator()
                                                .next()
                                                .getLong(0)
                                        == ids.size());
    }

    private double[] latencies(List<UUID> ids, String step, Map<UUID, Instant> from) {
        List<Double> values = new ArrayList<>();
        for (Row row :
                pool.preparedQuery(
                                "SELECT deployment_id, finished_at FROM execution "
                                        + "WHERE deployment_id = ANY($1) AND step = $2 AND status = 'DONE'")
                        .execute(Tuple.of(ids.toArray(UUID[]::new), step))
                        .await()
                        .atMost(Duration.ofSeconds(5))) {
            Instant finished = row.getOffsetDateTime("finished_at").toInstant();
            values.add(
                    Duration.between(from.get(row.getUUID("deployment_id")), finished).toNanos()
                            / 1e6);
        }
        assertThat(values).as("every healthy deployment's %s", step).hasSize(ids.size());
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    // Where a phase's time went, by platform: published -> consumed (the execution row written),
    // consumed -> last
    // claimed (waiting for a worker, its endpoint's share, or a re-check), last claimed -> finished
    // (working).
    private String breakdown(List<UUID> ids, Map<UUID, Instant> requested) {
        Map<String, List<double[]>> byPlatform = new java.util.TreeMap<>();
        for (Row row :
                pool.preparedQuery(
                                "SELECT deployment_id, target->>'platform', created_at, claimed_at, "
                                        + "finished_at, (SELECT count(*) FROM execution_step s WHERE s.execution_id = e.id) "
                                        + "FROM execution e WHERE deployment_id = ANY($1) AND step = 'phase:1'")
                        .execute(Tuple.of(ids.toArray(UUID[]::new)))
                        .await()
                        .atMost(Duration.ofSeconds(5))) {
            Instant from = requested.get(row.getUUID(0));
            Instant created = row.getOffsetDateTime(2).toInstant();
            Instant claimed = row.getOffsetDateTime(3).toInstant();
            Instant finished = row.getOffsetDateTime(4).toInstant();
            byPlatform
                    .computeIfAbsent(row.getString(1), k -> new ArrayList<>())
                    .add(
                            new double[] {
                                ms(from, created),
                                ms(created, claimed),
                                ms(claimed, finished),
                                row.getLong(5)
                            });
        }
        StringBuilder text = new StringBuilder();
        String[] names = {
            "published -> consumed",
            "consumed -> last claimed",
            "last claimed -> finished",
            "steps logged"
        };
        for (Map.Entry<String, List<double[]>> platform : byPlatform.entrySet()) {
            text.append(
                    String.format("    %s (%d):", platform.getKey(), platform.getValue().size()));
            for (int c = 0; c < names.length; c++) {
                int column = c;
                double[] values =
                        platform.getValue().stream().mapToDouble(v -> v[column]).sorted().toArray();
                text.append(
                        String.format(
                                " %s p50 %.0f p99 %.0f;",
                                names[c], percentile(values, 50), percentile(values, 99)));
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static double ms(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private void report(int total, int stuck, int onKubernetes, Figures quiet, Figures loaded)
            throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(
                String.format(
                        "Isolation: %d deployments requested at once (%d on Kubernetes, %d on HAProxy "
                                + "backends; in the second run %d of the HAProxy ones on a runtime API that never answers)%n",
                        total, onKubernetes, total - onKubernetes, stuck));
        text.append(
                String.format(
                        "healthy deployments, ms         %-22s %-22s %s%n",
                        "all platforms answer", "one black-holed", "ratio"));
        line(text, "phase start p50", quiet.phaseStart(), loaded.phaseStart(), 50);
        line(text, "phase start p99", quiet.phaseStart(), loaded.phaseStart(), 99);
        line(text, "rollback    p50", quiet.rollback(), loaded.rollback(), 50);
        line(text, "rollback    p99", quiet.rollback(), loaded.rollback(), 99);
        text.append("  phase start, where the time went (ms):\n  all platforms answer\n")
                .append(quiet.breakdown())
                .append("  one black-holed\n")
                .append(loaded.breakdown());
        System.out.print(text);
        Files.writeString(Path.of("target", "isolation.txt"), text);
    }

    private static void line(
            StringBuilder text, String name, double[] quiet, double[] loaded, int p) {
        double a = percentile(quiet, p);
        double b = percentile(loaded, p);
        text.append(String.format("  %-30s %-22.1f %-22.1f %.2f%n", name, a, b, b / a));
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private void send(KafkaProducer<String, String> producer, StrideEvent data) {
        producer.send(
                new ProducerRecord<>(
                        EventType.of(data).topic(),
                        data.deploymentId().toString(),
                        codec.encode(codec.wrap(data, "/stride/bench"))));
    }

    private static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
