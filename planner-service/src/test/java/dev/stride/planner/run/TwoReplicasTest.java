package dev.stride.planner.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.EventCodec;
import dev.stride.events.EventSchemas;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.kit.messaging.InboundEvents;
import dev.stride.kit.messaging.Outbox;
import dev.stride.kit.messaging.OutboxPublisher;
import dev.stride.kit.messaging.ProcessedEvents;
import dev.stride.planner.Requests;
import dev.stride.planner.Sql;
import dev.stride.planner.machine.Step;
import dev.stride.planner.messaging.ProgressConsumers;
import dev.stride.planner.persistence.DeploymentQueue;
import dev.stride.planner.persistence.DeploymentStore;
import dev.stride.planner.rules.PlannerRules;
import dev.stride.testing.Callers;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two planner replicas over one database: each replica here is its own store, engine, deadline watch and consumers
 * (what a second process would build), sharing only the connection pool, as two processes share PostgreSQL. They
 * act on the same deployments at the same moment (both subscribed at once), which is what a consumer-group
 * rebalance (a record redelivered to the new owner while the old one still applies it) and two timers ticking
 * together produce. Every deadline fires once, every transition happens once, and each PhaseRequested,
 * RollbackRequested and DeploymentFinished is written to the outbox once.
 */
@QuarkusTest
@TestProfile(TwoReplicasTest.Replicas.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
class TwoReplicasTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TWICE_APPROVED = "twice-approved";

    public static class Replicas implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The application's own watch stays out of it: the two replicas below check the
            // deadlines.
            return Map.of(
                    "stride.deadline.check-interval",
                    "1h",
                    "stride.approvals.application." + TWICE_APPROVED + ".required.staging",
                    "2");
        }
    }

    @Inject Pool pool;
    @Inject Vertx vertx;
    @Inject Outbox outbox;
    @Inject ProcessedEvents processed;
    @Inject PlannerRules rules;
    @Inject EventCodec codec;
    @Inject EventSchemas schemas;
    @Inject OutboxPublisher publisher;

    private Replica a;
    private Replica b;

    /** What one planner process has of its own. */
    private record Replica(
            DeploymentEngine engine, DeadlineWatch watch, ProgressConsumers consumers) {}

    private Replica replica() {
        DeploymentStore store = new DeploymentStore(pool);
        DeploymentEngine engine =
                new DeploymentEngine(store, new DeploymentQueue(), outbox, processed, rules);
        return new Replica(
                engine,
                new DeadlineWatch(pool, store, engine, rules, vertx, Duration.ofHours(1)),
                new ProgressConsumers(
                        new InboundEvents(pool, codec, schemas, processed, publisher), engine));
    }

    @BeforeEach
    void replicas() {
        Callers.actAs("ci", "stride-admin");
        a = replica();
        b = replica();
    }

    @Test
    void aMissedPhaseDeadlineFailsEachDeploymentOnceWhenBothReplicasCheckAtOnce() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = post(Requests.uniqueApplication());
            // The pre-deployment checks pass; the executor never reports phase 1 (5%) as started.
            apply(
                    a,
                    id,
                    (m, s, at) ->
                            m.phaseCompleted(
                                    s,
                                    new PhaseCompleted(
                                            UUID.fromString(id),
                                            1,
                                            0,
                                            PhaseType.CHECKS,
                                            PhaseCompleted.Outcome.PASSED,
                                            "checks passed"),
                                    "executor",
                                    at.now()));
            sql(
                    "UPDATE deployment_phase SET deadline_at = now() - interval '1 minute' WHERE deployment_id = $1 "
                            + "AND idx = 1",
                    id);
            ids.add(id);
        }

        together(a.watch().check(), b.watch().check());

        for (String id : ids) {
            assertThat(status(id)).isEqualTo("ROLLING_BACK");
            assertThat(timeline(id, "deadline-passed")).isEqualTo(1);
            assertThat(outboxRows(id, "stride.rollback-requested")).isEqualTo(1);
        }
    }

    @Test
    void aMissedRollbackDeadlineEndsTheDeploymentOnceAndStartsTheQueuedOneOnce() {
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String application = Requests.uniqueApplication();
            String first = post(application);
            String queued = post(application);
            assertThat(status(queued)).isEqualTo("REQUESTED");
            apply(a, first, (m, s, at) -> m.rollBack(s, "ops", "by hand", true, at.now()));
            sql(
                    "UPDATE deployment SET rollback_deadline = now() - interval '1 minute' WHERE id = $1",
                    first);
            pairs.add(new String[] {first, queued});
        }

        together(a.watch().check(), b.watch().check());

        for (String[] pair : pairs) {
            assertThat(status(pair[0])).isEqualTo("ROLLBACK_FAILED");
            assertThat(timeline(pair[0], "rollback-deadline-passed")).isEqualTo(1);
            assertThat(outboxRows(pair[0], "stride.deployment-finished")).isEqualTo(1);
            // The queue moved once: the next deployment started with one PhaseRequested for its
            // first phase.
            assertThat(status(pair[1])).isEqualTo("IN_PROGRESS");
            assertThat(timeline(pair[1], "started")).isEqualTo(1);
            assertThat(outboxRows(pair[1], "stride.phase-requested")).isEqualTo(1);
        }
    }

    @Test
    void eventsReachingBothReplicasAtOnceMakeEachTransitionOnce() {
        String id = post(Requests.uniqueApplication());
        UUID deployment = UUID.fromString(id);

        // Phase 0 passed: one record redelivered to the other replica (a rebalance), and a second
        // event saying the
        // same (a reporting service's replica that took the work over and reported again).
        String passed =
                record(
                        new PhaseCompleted(
                                deployment,
                                1,
                                0,
                                PhaseType.CHECKS,
                                PhaseCompleted.Outcome.PASSED,
                                "checks passed"),
                        "/stride/executor");
        String passedAgain =
                record(
                        new PhaseCompleted(
                                deployment,
                                1,
                                0,
                                PhaseType.CHECKS,
                                PhaseCompleted.Outcome.PASSED,
                                "checks passed"),
                        "/stride/executor");
        together(
                a.consumers().onPhaseCompleted(Message.of(passed)),
                b.consumers().onPhaseCompleted(Message.of(passed)),
                a.consumers().onPhaseCompleted(Message.of(passedAgain)),
                b.consumers().onPhaseCompleted(Message.of(passedAgain)));
        assertThat(timeline(id, "phase-passed")).isEqualTo(1);
        assertThat(outboxRows(id, "stride.phase-requested"))
                .isEqualTo(2); // phase 0, then phase 1 once

        // Two verifier replicas see the same breach of phase 1.
        String breach =
                record(
                        new ThresholdBreached(
                                deployment,
                                1,
                                1,
                                "error_rate",
                                9.7,
                                "5%",
                                "5s",
                                ThresholdBreached.Kind.TRIGGER,
                                ThresholdBreached.Action.AUTOMATIC_ROLLBACK),
                        "/stride/verifier");
        String breachAgain =
                record(
                        new ThresholdBreached(
                                deployment,
                                1,
                                1,
                                "error_rate",
                                9.9,
                                "5%",
                                "5s",
                                ThresholdBreached.Kind.TRIGGER,
                                ThresholdBreached.Action.AUTOMATIC_ROLLBACK),
                        "/stride/verifier");
        together(
                a.consumers().onThresholdBreached(Message.of(breach)),
                b.consumers().onThresholdBreached(Message.of(breachAgain)),
                b.consumers().onThresholdBreached(Message.of(breach)));
        assertThat(status(id)).isEqualTo("ROLLING_BACK");
        assertThat(timeline(id, "rolling-back")).isEqualTo(1);
        assertThat(outboxRows(id, "stride.rollback-requested")).isEqualTo(1);

        // Stable is back, said twice.
        String restored =
                record(
                        new RollbackCompleted(
                                deployment,
                                1,
                                RollbackCompleted.Outcome.SUCCEEDED,
                                "stable serves 100%"),
                        "/stride/executor");
        String restoredAgain =
                record(
                        new RollbackCompleted(
                                deployment,
                                1,
                                RollbackCompleted.Outcome.SUCCEEDED,
                                "stable serves 100%"),
                        "/stride/executor");
        together(
                a.consumers().onRollbackCompleted(Message.of(restored)),
                b.consumers().onRollbackCompleted(Message.of(restoredAgain)),
                b.consumers().onRollbackCompleted(Message.of(restored)));
        assertThat(status(id)).isEqualTo("ROLLED_BACK");
        assertThat(timeline(id, "rolled-back")).isEqualTo(1);
        assertThat(outboxRows(id, "stride.deployment-finished")).isEqualTo(1);
    }

    @Test
    void twoApprovalsOnTwoReplicasAtOnceBothCountAndStartTheDeploymentOnce() {
        String id = post(TWICE_APPROVED);
        assertThat(status(id)).isEqualTo("AWAITING_APPROVAL");

        together(approve(a, id, "alice"), approve(b, id, "bob"));

        assertThat(status(id)).isEqualTo("IN_PROGRESS");
        assertThat(
                        Sql.count(
                                "SELECT count(*) FROM deployment_approval WHERE deployment_id = $1",
                                UUID.fromString(id)))
                .isEqualTo(2);
        assertThat(timeline(id, "started")).isEqualTo(1);
        assertThat(outboxRows(id, "stride.phase-requested")).isEqualTo(1);
    }

    @Test
    void theSameManualRollbackOnTwoReplicasAtOnceHappensOnce() {
        String id = post(Requests.uniqueApplication());
        List<Optional<Step>> steps = new ArrayList<>();

        together(rollBack(a, id, steps), rollBack(b, id, steps));

        assertThat(steps).hasSize(2);
        assertThat(steps.stream().filter(s -> s.orElseThrow().isRefused()).count()).isEqualTo(1);
        assertThat(timeline(id, "rolling-back")).isEqualTo(1);
        assertThat(outboxRows(id, "stride.rollback-requested")).isEqualTo(1);
    }

    // ---- helpers
    // ------------------------------------------------------------------------------------------------

    private String post(String application) {
        return given().contentType("application/yaml")
                .body(Requests.yamlBody("canary", application))
                .post("/api/v1/deployments")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    private void apply(Replica replica, String id, DeploymentEngine.Input input) {
        pool.withTransaction(tx -> replica.engine().apply(tx, UUID.fromString(id), input))
                .await()
                .atMost(WAIT);
    }

    private Uni<Void> approve(Replica replica, String id, String approver) {
        return pool.withTransaction(
                        tx ->
                                replica.engine()
                                        .apply(
                                                tx,
                                                UUID.fromString(id),
                                                (m, s, at) ->
                                                        m.approve(
                                                                s,
                                                                approver,
                                                                null,
                                                                at.anotherActive(),
                                                                at.now()),
                                                null))
                .replaceWithVoid();
    }

    private Uni<Void> rollBack(Replica replica, String id, List<Optional<Step>> steps) {
        return pool.withTransaction(
                        tx ->
                                replica.engine()
                                        .apply(
                                                tx,
                                                UUID.fromString(id),
                                                (m, s, at) ->
                                                        m.rollBack(
                                                                s, "ops", "by hand", true,
                                                                at.now())))
                .invoke(
                        step -> {
                            synchronized (steps) {
                                steps.add(step);
                            }
                        })
                .replaceWithVoid();
    }

    /** Subscribes to all at once, so their transactions overlap, and waits for every one. */
    private static void together(Uni<?>... work) {
        List<Uni<Void>> all = java.util.Arrays.stream(work).map(Uni::replaceWithVoid).toList();
        Uni.join().all(all).andFailFast().await().atMost(WAIT);
    }

    private String record(StrideEvent data, String source) {
        return codec.encode(codec.wrap(data, source));
    }

    private void sql(String statement, String id) {
        pool.preparedQuery(statement).execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT);
    }

    private static String status(String id) {
        return Sql.strings("SELECT status FROM deployment WHERE id = $1", UUID.fromString(id))
                .get(0);
    }

    private static long timeline(String id, String action) {
        return Sql.count(
                "SELECT count(*) FROM deployment_timeline WHERE deployment_id = $1 AND action = $2",
                UUID.fromString(id),
                action);
    }

    private static long outboxRows(String id, String topic) {
        return Sql.count(
                "SELECT count(*) FROM outbox WHERE record_key = $1 AND topic = $2", id, topic);
    }
}
