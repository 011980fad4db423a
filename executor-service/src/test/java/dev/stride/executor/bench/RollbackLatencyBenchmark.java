package dev.stride.executor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.executor.traffic.haproxy.HaproxyUnderTest;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tagged {@code benchmark}, which the test suite leaves out (surefire's excludedGroups): run it
 * with {@code deploy/stride bench}. Measures,
 * over {@code stride.bench.rollbacks} (200) deployments, each moved to 50% and then rolled back, one after
 * another against a real HAProxy, the time from
 * RollbackRequested consumed (its processed-event row) to the HAProxy weights restored (the step log's
 * restore-stable entry) to RollbackCompleted published (the outbox row's publish transaction), and prints
 * p50 / p99 / max. It asserts that every rollback completed, never how fast.
 */
@Tag("benchmark")
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class RollbackLatencyBenchmark {

    private final EventCodec codec = new EventCodec();

    @Test
    void rollbackLatency() throws Exception {
        int rollbacks = Integer.getInteger("stride.bench.rollbacks", 200);
        try (HaproxyUnderTest haproxy = HaproxyUnderTest.start()) {
            HaproxyTarget target =
                    new HaproxyTarget(
                            haproxy.socket(),
                            null,
                            HaproxyUnderTest.BACKEND,
                            HaproxyUnderTest.STABLE,
                            HaproxyUnderTest.CANARY);
            // One backend serves every deployment here, so each one moves traffic before it is
            // rolled back.
            for (int i = 0; i < rollbacks; i++) {
                UUID id = UUID.randomUUID();
                publish(
                        new PhaseRequested(
                                id, 1, 1, PhaseType.TRAFFIC, target, Map.of("weight", 50)));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(5))
                        .until(
                                () ->
                                        count(
                                                        "SELECT count(*) FROM execution WHERE deployment_id = $1 "
                                                                + "AND step = 'phase:1' AND status = 'DONE'",
                                                        id)
                                                == 1);
                publish(new RollbackRequested(id, 1, "benchmark", "bench"));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(5))
                        .until(
                                () ->
                                        count(
                                                        "SELECT count(*) FROM outbox WHERE record_key = $1 AND event_type = $2 "
                                                                + "AND published_at IS NOT NULL",
                                                        id.toString(),
                                                        EventType.ROLLBACK_COMPLETED.type())
                                                == 1);
            }
            assertThat(haproxy.send(100).getOrDefault(HaproxyUnderTest.CANARY, 0)).isZero();
        }

        report(rollbacks);
    }

    // The rollback execution's created_at is the consuming transaction's start, as the
    // processed-event mark's is.
    private void report(int rollbacks) throws Exception {
        List<double[]> rows = new ArrayList<>();
        for (Row row :
                pool().preparedQuery(
                                "SELECT "
                                        + "extract(epoch from (s.at - e.created_at)) * 1000, "
                                        + "extract(epoch from (o.published_at - s.at)) * 1000, "
                                        + "extract(epoch from (o.published_at - e.created_at)) * 1000 "
                                        + "FROM execution e "
                                        + "JOIN execution_step s ON s.execution_id = e.id AND s.call = 'restore-stable' "
                                        + "JOIN outbox o ON o.record_key = e.deployment_id::text AND o.event_type = $1 "
                                        + "WHERE e.step = 'rollback' AND e.status = 'DONE'")
                        .execute(Tuple.of(EventType.ROLLBACK_COMPLETED.type()))
                        .await()
                        .indefinitely()) {
            rows.add(new double[] {row.getDouble(0), row.getDouble(1), row.getDouble(2)});
        }
        assertThat(rows)
                .as("every rollback completed, restored HAProxy and was published")
                .hasSize(rollbacks);
        StringBuilder text =
                new StringBuilder("Rollback latency over " + rollbacks + " rollbacks (ms)\n");
        String[] names = {
            "consumed -> HAProxy restored",
            "restored -> RollbackCompleted published",
            "consumed -> published (total)"
        };
        for (int column = 0; column < 3; column++) {
            int c = column;
            double[] values = rows.stream().mapToDouble(r -> r[c]).sorted().toArray();
            text.append(
                    String.format(
                            "  %-42s p50 %7.1f   p99 %7.1f   max %7.1f%n",
                            names[column],
                            percentile(values, 50),
                            percentile(values, 99),
                            values[values.length - 1]));
        }
        System.out.print(text);
        Files.writeString(Path.of("target", "rollback-latency.txt"), text);
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private void publish(StrideEvent data) {
        TopicReader.publish(
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                EventType.of(data).topic(),
                data.deploymentId().toString(),
                codec.encode(codec.wrap(data, "/stride/bench")));
    }

    private static long count(String sql, Object... params) {
        return pool().preparedQuery(sql)
                .execute(Tuple.from(java.util.Arrays.asList(params)))
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
    }

    private static Pool pool() {
        return Arc.container().instance(Pool.class).get();
    }
}
