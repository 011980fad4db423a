package dev.stride.incident.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.stride.incident.flow.IncidentFlowTest.breach;
import static dev.stride.incident.flow.IncidentFlowTest.outboxed;
import static dev.stride.incident.flow.IncidentFlowTest.pool;
import static dev.stride.incident.flow.IncidentFlowTest.sql;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import dev.stride.incident.messaging.IncidentConsumers;
import dev.stride.incident.paging.PageDispatcher;
import dev.stride.incident.paging.PageStore;
import dev.stride.incident.paging.Pager;
import dev.stride.incident.record.IncidentStore;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/**
 * What several replicas of the incident service over one database, and a pager that hangs, must not change: one
 * incident, one rollback request and one page per breach of a deployment, each page sent once, and another
 * incident's page not held up behind a hanging one. Test settings: pager timeout 2 s, connect timeout 1 s.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(PagerDutyStub.class)
class ReplicasAndIsolationTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void aPageThatHangsDoesNotHoldUpAnotherIncidentsPage() {
        UUID hanging = UUID.randomUUID();
        // PagerDuty answers this deployment's page after 4 s, past the 2 s timeout.
        PagerDutyStub.server.stubFor(
                post(urlEqualTo("/v2/enqueue"))
                        .atPriority(1)
                        .withRequestBody(containing(hanging.toString()))
                        .willReturn(aResponse().withStatus(202).withFixedDelay(4000)));
        publish(
                breach(
                        hanging,
                        "hang-" + hanging.toString().substring(0, 8),
                        Environment.PRODUCTION,
                        "error_rate",
                        9.0,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pageTries(hanging) >= 1);

        UUID next = UUID.randomUUID();
        publish(
                breach(
                        next,
                        "next-" + next.toString().substring(0, 8),
                        Environment.PRODUCTION,
                        "error_rate",
                        9.0,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !received(next).isEmpty());
        long latency = received(next).get(0).getLoggedDate().getTime() - pageQueuedAt(next);
        System.out.printf(
                "ReplicasAndIsolationTest: the next incident's page reached PagerDuty %d ms after it was "
                        + "queued%n",
                latency);
        assertThat(latency).as("behind a hanging page").isLessThan(1000);
        assertThat(
                        sql(
                                "SELECT count(*) FROM page p JOIN incident i ON i.id = p.incident_id WHERE i.deployment_id = $1 "
                                        + "AND p.status = 'SENT'",
                                hanging))
                .isZero();

        // The hanging page waits as a row due later and is tried again; its error names the
        // endpoint, not the key.
        String endpoint = PagerDutyStub.server.baseUrl().replace("http://", "");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pageTries(hanging) >= 2);
        String error =
                pool().preparedQuery(
                                "SELECT p.last_error FROM page p JOIN incident i ON i.id = p.incident_id "
                                        + "WHERE i.deployment_id = $1")
                        .execute(Tuple.of(hanging))
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .iterator()
                        .next()
                        .getString(0);
        assertThat(error)
                .isEqualTo("PagerDuty (" + endpoint + ") did not answer within 2000 ms")
                .doesNotContain(PagerDutyStub.ROUTING_KEY);
    }

    @Test
    void twoDispatchersOverOneDatabaseSendEveryPageExactlyOnce() {
        PageDispatcher own = Arc.container().instance(PageDispatcher.class).get();
        PageDispatcher other =
                new PageDispatcher(
                        pool(),
                        Arc.container().instance(PageStore.class).get(),
                        Arc.container().instance(IncidentStore.class).get(),
                        Arc.container().instance(Pager.class).get(),
                        Arc.container().instance(Vertx.class).get(),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(30),
                        Duration.ofMillis(100),
                        Duration.ofMinutes(5),
                        20,
                        4,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1));
        List<UUID> incidents = new ArrayList<>();
        List<Tuple> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            UUID incident = UUID.randomUUID();
            incidents.add(incident);
            rows.add(Tuple.of(incident, UUID.randomUUID(), "race/" + incident));
        }
        other.start();
        try {
            // Incidents with a trigger each, as either replica's consumer would have queued them,
            // all due at once.
            pool().withTransaction(
                            tx ->
                                    tx.preparedQuery(
                                                    "INSERT INTO incident (id, deployment_id, application, "
                                                            + "environment, severity, status, title, cause, rule, dedup_key, opened_at, paged) "
                                                            + "VALUES ($1, $2, 'race', 'production', 'P1', 'OPEN', 'Race', 'race', 'race', $3, "
                                                            + "now(), true)")
                                            .executeBatch(rows)
                                            .flatMap(
                                                    x ->
                                                            tx.preparedQuery(
                                                                            "INSERT INTO page (incident_id, action) VALUES ($1, "
                                                                                    + "'TRIGGER')")
                                                                    .executeBatch(
                                                                            incidents.stream()
                                                                                    .map(Tuple::of)
                                                                                    .toList())))
                    .await()
                    .atMost(Duration.ofSeconds(10));
            own.wake();
            other.wake();

            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    sql(
                                                    "SELECT count(*) FROM page WHERE "
                                                            + "incident_id = ANY($1) AND status = 'SENT'",
                                                    (Object) incidents.toArray(UUID[]::new))
                                            == 40);
        } finally {
            other.stop();
        }

        List<String> keys = incidents.stream().map(id -> "stride-incident-" + id).toList();
        Map<String, Long> perKey =
                PagerDutyStub.server.findAll(postRequestedFor(urlEqualTo("/v2/enqueue"))).stream()
                        .map(r -> codec.parseTree(r.getBodyAsString()).path("dedup_key").asText())
                        .filter(keys::contains)
                        .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        assertThat(perKey.keySet()).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(perKey.values()).as("requests per page").containsOnly(1L);
        assertThat(
                        sql(
                                "SELECT count(*) FROM page WHERE incident_id = ANY($1) AND tries <> 1",
                                (Object) incidents.toArray(UUID[]::new)))
                .as("pages claimed more than once")
                .isZero();
    }

    @Test
    void
            twoReplicasTakingOneDeploymentsBreachesAtOnceOpenOneIncidentAskForOneRollbackAndPageOnce() {
        UUID id = UUID.randomUUID();
        String app = "twice-" + id.toString().substring(0, 8);
        String first =
                encode(
                        breach(
                                id,
                                app,
                                Environment.PRODUCTION,
                                "error_rate",
                                9.0,
                                ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        String second =
                encode(
                        breach(
                                id,
                                app,
                                Environment.PRODUCTION,
                                "error_rate",
                                12.0,
                                ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        IncidentConsumers consumers = Arc.container().instance(IncidentConsumers.class).get();

        // The same record on two replicas (a rebalance redelivers it) and a second breach of the
        // same cause, all at
        // once, each in its own transaction.
        List<Uni<Void>> racing =
                List.of(first, first, second, second).stream()
                        .map(
                                value ->
                                        Uni.createFrom()
                                                .deferred(
                                                        () ->
                                                                consumers.onThresholdBreached(
                                                                        Message.of(value))))
                        .toList();
        Uni.join().all(racing).andFailFast().await().atMost(Duration.ofSeconds(30));

        assertThat(sql("SELECT count(*) FROM incident WHERE deployment_id = $1", id)).isEqualTo(1);
        assertThat(outboxed(EventType.ROLLBACK_REQUESTED, id)).isEqualTo(1);
        assertThat(outboxed(EventType.INCIDENT_OPENED, id)).isEqualTo(1);
        assertThat(
                        sql(
                                "SELECT count(*) FROM page p JOIN incident i ON i.id = p.incident_id WHERE i.deployment_id = $1",
                                id))
                .isEqualTo(1);
        assertThat(
                        sql(
                                "SELECT count(*) FROM incident_timeline t JOIN incident i ON i.id = t.incident_id "
                                        + "WHERE i.deployment_id = $1 AND t.kind = 'breach'",
                                id))
                .as("the second breach, attached")
                .isEqualTo(1);
    }

    private String encode(ThresholdBreached data) {
        return codec.encode(codec.wrap(data, "/stride/test"));
    }

    private void publish(ThresholdBreached data) {
        String value = encode(data);
        TopicReader.publish(
                IncidentFlowTest.bootstrap(),
                EventType.THRESHOLD_BREACHED.topic(),
                data.deploymentId().toString(),
                value);
    }

    /** Tries of the deployment's page (0 until it is first claimed). */
    private static long pageTries(UUID deploymentId) {
        return sql(
                "SELECT coalesce(max(p.tries), 0) FROM page p JOIN incident i ON i.id = p.incident_id "
                        + "WHERE i.deployment_id = $1",
                deploymentId);
    }

    private static long pageQueuedAt(UUID deploymentId) {
        Pool pool = pool();
        OffsetDateTime at =
                pool.preparedQuery(
                                "SELECT p.created_at FROM page p JOIN incident i ON i.id = "
                                        + "p.incident_id WHERE i.deployment_id = $1")
                        .execute(Tuple.of(deploymentId))
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .iterator()
                        .next()
                        .getOffsetDateTime(0);
        return at.toInstant().toEpochMilli();
    }

    private static List<LoggedRequest> received(UUID deploymentId) {
        return PagerDutyStub.server.findAll(
                postRequestedFor(urlEqualTo("/v2/enqueue"))
                        .withRequestBody(containing(deploymentId.toString())));
    }
}
