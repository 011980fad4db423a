package dev.stride.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentResumed;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.events.spec.Target;
import dev.stride.executor.traffic.TrafficDrivers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The executor over real Kafka and PostgreSQL, with its platform in memory: what it emits, once, and when. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class ExecutionFlowTest {

    private final FakePlatform platform = new FakePlatform();
    private final EventCodec codec = new EventCodec();
    private final Target target =
            new HaproxyTarget("/run/haproxy/admin.sock", null, "app", "stable", "canary");

    @BeforeEach
    void platform() {
        platform.notReadyFor.set(0);
        QuarkusMock.installMockForType(new TrafficDrivers(List.of(platform)), TrafficDrivers.class);
    }

    @Test
    void aTrafficPhaseIsAppliedReadBackAndStartedOnceHoweverOftenItIsAsked() {
        UUID id = UUID.randomUUID();
        String request = publish(phase(id, 1, PhaseType.TRAFFIC, 25), "/stride/planner");
        redeliver(id, EventType.PHASE_REQUESTED, request);
        String again = publish(phase(id, 1, PhaseType.TRAFFIC, 25), "/stride/planner");

        JsonNode started = awaitOne(EventType.PHASE_STARTED, id);
        assertThat(started.path("phase").asInt()).isEqualTo(1);
        assertThat(started.path("observedWeights").path("canary").asInt()).isEqualTo(25);
        assertThat(started.path("observedWeights").path("stable").asInt()).isEqualTo(75);
        awaitProcessed(request, again);
        assertThat(events(EventType.PHASE_STARTED, id)).hasSize(1);
        assertThat(platform.writes.get()).isEqualTo(1);
        assertThat(steps(id)).containsExactly("read:ok", "apply TRAFFIC:ok", "read-back:ok");
        assertThat(events(EventType.PHASE_COMPLETED, id))
                .as("the verifier ends analysed phases")
                .isEmpty();
    }

    @Test
    void finalizeIsStartedAndCompletedByTheExecutor() {
        UUID id = UUID.randomUUID();
        publish(phase(id, 5, PhaseType.FINALIZE, null), "/stride/planner");

        awaitOne(EventType.PHASE_STARTED, id);
        JsonNode completed = awaitOne(EventType.PHASE_COMPLETED, id);
        assertThat(completed.path("outcome").asText()).isEqualTo("PASSED");
        assertThat(platform.canary.get(target)).isEqualTo(100);
    }

    @Test
    void aRollbackRestoresStableOnceAndLaterPhasesOfThatAttemptAreIgnored() {
        UUID id = UUID.randomUUID();
        publish(phase(id, 1, PhaseType.TRAFFIC, 25), "/stride/planner");
        awaitOne(EventType.PHASE_STARTED, id);

        String rollback =
                publish(
                        new RollbackRequested(id, 1, "error rate 9%", "planner"),
                        "/stride/planner");
        redeliver(id, EventType.ROLLBACK_REQUESTED, rollback);

        JsonNode completed = awaitOne(EventType.ROLLBACK_COMPLETED, id);
        assertThat(completed.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(platform.canary.get(target)).isZero();
        String late = publish(phase(id, 2, PhaseType.TRAFFIC, 50), "/stride/planner");
        awaitProcessed(late);
        assertThat(platform.canary.get(target)).isZero();
        assertThat(events(EventType.PHASE_STARTED, id)).hasSize(1);
        assertThat(events(EventType.ROLLBACK_COMPLETED, id)).hasSize(1);
    }

    @Test
    void aRollbackOfAnAttemptThatNeverReachedThePlatformSucceedsAtOnce() {
        UUID id = UUID.randomUUID();
        publish(new RollbackRequested(id, 1, "pre-checks failed", "planner"), "/stride/planner");

        JsonNode completed = awaitOne(EventType.ROLLBACK_COMPLETED, id);
        assertThat(completed.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(completed.path("detail").asText()).contains("nothing of this attempt");
        assertThat(platform.writes.get()).isZero();
    }

    @Test
    void aPlatformThatRefusesFailsThePhaseWithItsReason() {
        UUID id = UUID.randomUUID();
        platform.refuseWith = "No such server.";
        publish(phase(id, 1, PhaseType.TRAFFIC, 5), "/stride/planner");

        JsonNode failed = awaitOne(EventType.PHASE_COMPLETED, id);
        assertThat(failed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(failed.path("summary").asText()).isEqualTo("No such server.");
        assertThat(events(EventType.PHASE_STARTED, id)).isEmpty();
    }

    @Test
    void aPlatformThatIsNotReadyYetIsWaitedForThenThePhaseStarts() {
        UUID id = UUID.randomUUID();
        // More failures than the quick retries take: the execution has to wait and be claimed
        // again.
        platform.notReadyFor.set(6);
        publish(phase(id, 1, PhaseType.TRAFFIC, 10), "/stride/planner");

        JsonNode started = awaitOne(EventType.PHASE_STARTED, id);
        assertThat(started.path("observedWeights").path("canary").asInt()).isEqualTo(10);
        assertThat(steps(id))
                .contains("wait:retrying")
                .endsWith("read:ok", "apply TRAFFIC:ok", "read-back:ok");
        assertThat(events(EventType.PHASE_COMPLETED, id)).isEmpty();
    }

    @Test
    void aPlatformThatStaysNotReadyFailsThePhaseOnceItsPatienceIsSpent() {
        UUID id = UUID.randomUUID();
        platform.notReadyFor.set(Integer.MAX_VALUE);
        publish(phase(id, 1, PhaseType.TRAFFIC, 10), "/stride/planner");

        JsonNode failed = awaitOne(EventType.PHASE_COMPLETED, id);
        assertThat(failed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(failed.path("summary").asText())
                .isEqualTo("targets not healthy yet (haproxy) (still failing after 3 s)");
    }

    @Test
    void aPausedDeploymentsRolloutIsHeldPastItsPatienceAndGoesOnWhenResumed() {
        UUID id = UUID.randomUUID();
        platform.rolling = true;
        try {
            publish(phase(id, 1, PhaseType.ROLLOUT, null), "/stride/planner");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> steps(id).contains("apply ROLLOUT:in progress"));
            int heldBefore = platform.holds.get();
            String pause =
                    publish(
                            new DeploymentPaused(
                                    id, 1, 1, "app", Environment.STAGING, "looking", "alice"),
                            "/stride/planner");
            awaitProcessed(pause);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> platform.holds.get() > heldBefore);
            // Held, it outlives the rollout's patience without failing the phase.
            Awaitility.await()
                    .during(FakePlatform.ROLLOUT_PATIENCE.plusSeconds(1))
                    .atMost(FakePlatform.ROLLOUT_PATIENCE.plusSeconds(10))
                    .until(() -> events(EventType.PHASE_COMPLETED, id).isEmpty());
            assertThat(events(EventType.PHASE_STARTED, id)).isEmpty();
            assertThat(steps(id)).contains("hold:ok");

            platform.rolling = false;
            publish(
                    new DeploymentResumed(id, 1, 1, "app", Environment.STAGING, "alice"),
                    "/stride/planner");
            JsonNode started = awaitOne(EventType.PHASE_STARTED, id);
            assertThat(started.path("phase").asInt()).isEqualTo(1);
            assertThat(events(EventType.PHASE_COMPLETED, id)).isEmpty();
        } finally {
            platform.rolling = false;
        }
    }

    @Test
    void aTargetWithNoDriverFailsThePhaseSayingSo() {
        UUID id = UUID.randomUUID();
        publish(
                new PhaseRequested(
                        id,
                        1,
                        1,
                        PhaseType.TRAFFIC,
                        new KubernetesTarget("shop", "checkout", null, null),
                        Map.of("weight", 5)),
                "/stride/planner");

        assertThat(awaitOne(EventType.PHASE_COMPLETED, id).path("summary").asText())
                .contains("no traffic driver for platform kubernetes");
    }

    @Test
    void aWorkerThatDiesBetweenWriteAndReadBackIsTakenUpAgainAndStartsThePhaseExactlyOnce() {
        UUID id = UUID.randomUUID();
        platform.crashAfterNextWrite = true;
        publish(phase(id, 1, PhaseType.TRAFFIC, 40), "/stride/planner");

        JsonNode started = awaitOne(EventType.PHASE_STARTED, id);
        assertThat(started.path("observedWeights").path("canary").asInt()).isEqualTo(40);
        // Re-verified, not re-applied: the platform already showed the phase when the execution was
        // taken up.
        assertThat(platform.writes.get()).isEqualTo(1);
        // The simulated death is logged as the apply's failure; then the execution was taken up
        // again.
        assertThat(steps(id))
                .containsExactly("read:ok", "apply TRAFFIC:failed", "read:ok", "apply:skipped");
        assertThat(events(EventType.PHASE_STARTED, id)).hasSize(1);
    }

    private PhaseRequested phase(UUID id, int index, PhaseType type, Integer weight) {
        return new PhaseRequested(
                id,
                1,
                index,
                type,
                target,
                weight == null ? Map.of("action", "promote-canary") : Map.of("weight", weight));
    }

    private String publish(StrideEvent data, String source) {
        String value = codec.encode(codec.wrap(data, source));
        redeliver(data.deploymentId(), EventType.of(data), value);
        return value;
    }

    private void redeliver(UUID id, EventType type, String value) {
        TopicReader.publish(bootstrap(), type.topic(), id.toString(), value);
    }

    private JsonNode awaitOne(EventType type, UUID id) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !events(type, id).isEmpty());
        return events(type, id).get(0);
    }

    private List<JsonNode> events(EventType type, UUID id) {
        return TopicReader.events(bootstrap(), type, id.toString());
    }

    /** Waits until the executor has taken in these records (their effects are committed then). */
    private void awaitProcessed(String... envelopes) {
        String[] ids =
                java.util.Arrays.stream(envelopes)
                        .map(e -> codec.parseTree(e).path("id").asText())
                        .toArray(String[]::new);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                pool().preparedQuery(
                                                        "SELECT count(*) FROM processed_event WHERE event_id = ANY($1)")
                                                .execute(Tuple.of(ids))
                                                .await()
                                                .atMost(Duration.ofSeconds(5))
                                                .iterator()
                                                .next()
                                                .getLong(0)
                                        == ids.length);
    }

    private static List<String> steps(UUID id) {
        return pool()
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

    private static Pool pool() {
        return Arc.container().instance(Pool.class).get();
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
