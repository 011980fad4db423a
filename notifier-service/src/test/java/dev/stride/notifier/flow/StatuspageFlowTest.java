package dev.stride.notifier.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stride.events.DeploymentFinished;
import dev.stride.events.EventType;
import dev.stride.events.IncidentOpened;
import dev.stride.events.IncidentResolved;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.Severity;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The status page follows a production deployment's trouble: one incident created, then moved through its states,
 * every update to the incident Statuspage named when it was created. P0/P1 incidents also reach on-call.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(WireMockReceivers.class)
class StatuspageFlowTest extends FlowSupport {

    @Test
    void aProductionRollbackOpensAnIncidentThenMonitorsThenResolvesIt() {
        UUID id = UUID.randomUUID();
        String pageIncident = "sp-" + id.toString().substring(0, 8);
        createdIncidentIs("3.0.0", pageIncident);

        publish(
                EventType.DEPLOYMENT_REQUESTED,
                id,
                requested(id, "checkout", "production", "3.0.0"));
        publish(
                new ThresholdBreached(
                        id,
                        1,
                        2,
                        "error_rate",
                        7.3,
                        "5%",
                        "5m",
                        ThresholdBreached.Kind.TRIGGER,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        publish(
                new RollbackCompleted(
                        id, 1, RollbackCompleted.Outcome.SUCCEEDED, "stable restored"));
        publish(
                new DeploymentFinished(
                        id,
                        "checkout",
                        Environment.PRODUCTION,
                        "3.0.0",
                        DeploymentFinished.Outcome.ROLLED_BACK,
                        "error_rate above 5%",
                        T,
                        T,
                        T));

        List<LoggedRequest> calls = awaitStatuspageCalls("3.0.0", pageIncident, 3);
        assertThat(calls)
                .extracting(r -> r.getMethod().getName() + " " + r.getUrl())
                .containsExactly(
                        "POST " + WireMockReceivers.STATUSPAGE,
                        "PATCH " + WireMockReceivers.STATUSPAGE + "/" + pageIncident,
                        "PATCH " + WireMockReceivers.STATUSPAGE + "/" + pageIncident);
        assertThat(calls)
                .allSatisfy(
                        r ->
                                assertThat(r.getHeader("Authorization"))
                                        .isEqualTo("OAuth " + WireMockReceivers.STATUSPAGE_KEY));
        assertThat(body(calls.get(0)))
                .isEqualTo(
                        tree(
                                """
                {"incident": {"name": "Degraded service: checkout (production)", "status": "investigating",
                  "impact_override": "minor",
                  "body": "⚠️ Rollback trigger error_rate fired for checkout 3.0.0 in production - %1$s: 7.3%% against 5%% over 5m. Initiating rollback.",
                  "deliver_notifications": true, "component_ids": ["cmp-checkout"],
                  "components": {"cmp-checkout": "degraded_performance"}}}
                """
                                        .formatted(AT)));
        assertThat(body(calls.get(1)))
                .isEqualTo(
                        tree(
                                """
                {"incident": {"status": "monitoring",
                  "body": "✓ Rollback completed successfully - %s: checkout in production is back on the stable version. stable restored"}}
                """
                                        .formatted(AT)));
        assertThat(body(calls.get(2)))
                .isEqualTo(
                        tree(
                                """
                {"incident": {"status": "resolved",
                  "body": "Deployment to production rolled back - %s: checkout 3.0.0. error_rate above 5%%",
                  "component_ids": ["cmp-checkout"], "components": {"cmp-checkout": "operational"}}}
                """
                                        .formatted(AT)));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                deliveries(id)
                                                        .getList(
                                                                "items.findAll { it.channel == 'status' }.status",
                                                                String.class))
                                        .containsExactly("SENT", "SENT", "SENT"));
        // The starting message did not concern the status page: no delivery row for it there.
        assertThat(
                        deliveries(id)
                                .getList(
                                        "items.findAll { it.channel == 'status' }.kind",
                                        String.class))
                .containsExactly("threshold-breached", "rollback-succeeded", "deployment-ended");
    }

    @Test
    void aP1IncidentEscalatesTheOpenIncidentReachesOnCallAndItsResolutionResolvesThePage() {
        UUID id = UUID.randomUUID();
        UUID incident = UUID.randomUUID();
        String pageIncident = "sp-" + id.toString().substring(0, 8);
        createdIncidentIs("3.1.0", pageIncident);

        publish(
                EventType.DEPLOYMENT_REQUESTED,
                id,
                requested(id, "checkout", "production", "3.1.0"));
        publish(
                new ThresholdBreached(
                        id,
                        1,
                        1,
                        "error_rate",
                        9.0,
                        "5%",
                        "5m",
                        ThresholdBreached.Kind.TRIGGER,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        publish(
                new RollbackCompleted(
                        id,
                        1,
                        RollbackCompleted.Outcome.FAILED,
                        "HAProxy refused: No such server."));
        publish(
                new IncidentOpened(
                        incident,
                        id,
                        "checkout",
                        Environment.PRODUCTION,
                        Severity.P1,
                        "Checkout error rate above 5%",
                        "error_rate 9% after deploying 3.1.0",
                        T));
        // The deployment ends while the incident is open: the page stays as it is.
        publish(
                new DeploymentFinished(
                        id,
                        "checkout",
                        Environment.PRODUCTION,
                        "3.1.0",
                        DeploymentFinished.Outcome.FAILED,
                        "rollback failed",
                        T,
                        T,
                        T));
        publish(new IncidentResolved(incident, id, Severity.P1, "stable restored by hand", T));

        List<LoggedRequest> calls = awaitStatuspageCalls("3.1.0", pageIncident, 4);
        assertThat(calls)
                .extracting(r -> r.getMethod().getName())
                .containsExactly("POST", "PATCH", "PATCH", "PATCH");
        assertThat(calls.subList(1, 4))
                .extracting(LoggedRequest::getUrl)
                .containsOnly(WireMockReceivers.STATUSPAGE + "/" + pageIncident);
        String failed =
                "✗ Rollback verification failed - manual intervention required - "
                        + AT
                        + ": checkout in production. HAProxy refused: No such server.";
        String opened =
                "🚨 P1 incident opened - "
                        + AT
                        + ": Checkout error rate above 5%. error_rate 9% after "
                        + "deploying 3.1.0";
        String resolved = "✅ P1 incident resolved - " + AT + ": stable restored by hand";
        assertThat(body(calls.get(1)))
                .isEqualTo(
                        JSON.createObjectNode()
                                .set(
                                        "incident",
                                        JSON.createObjectNode()
                                                .put("status", "identified")
                                                .put("body", failed)));
        assertThat(body(calls.get(2)))
                .isEqualTo(
                        tree(
                                """
                {"incident": {"status": "identified", "body": "%s", "component_ids": ["cmp-checkout"],
                  "components": {"cmp-checkout": "partial_outage"}}}
                """
                                        .formatted(opened)));
        assertThat(body(calls.get(3)))
                .isEqualTo(
                        tree(
                                """
                {"incident": {"status": "resolved", "body": "%s", "component_ids": ["cmp-checkout"],
                  "components": {"cmp-checkout": "operational"}}}
                """
                                        .formatted(resolved)));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(posted(WireMockReceivers.ON_CALL, id.toString()))
                                        .hasSize(2));
        List<String> links =
                List.of(
                        "<https://stride.example/deployments/"
                                + id
                                + "|Deployment> · "
                                + "<https://stride.example/incidents/"
                                + incident
                                + "|Incident>");
        List<String> fields =
                List.of(
                        "Application",
                        "checkout",
                        "Environment",
                        "production",
                        "Version",
                        "3.1.0",
                        "Severity",
                        "P1");
        List<JsonNode> onCall = posted(WireMockReceivers.ON_CALL, id.toString());
        assertThat(onCall.get(0))
                .isEqualTo(slack("#a30200", "P1 incident opened: checkout", opened, fields, links));
        assertThat(onCall.get(1))
                .isEqualTo(
                        slack(
                                "#2eb886",
                                "P1 incident resolved: checkout",
                                resolved,
                                fields,
                                links));
        assertThat(
                        deliveries(id)
                                .getList(
                                        "items.findAll { it.channel == 'status' && it.kind == 'deployment-ended' }"
                                                + ".status",
                                        String.class))
                .containsExactly("SKIPPED");
    }

    @Test
    void aCreateWhoseAnswerWasNotStoredIsLookedUpNotMadeAgain() {
        UUID id = UUID.randomUUID();
        String pageIncident = "sp-" + id.toString().substring(0, 8);
        createdIncidentIs("3.2.0", "sp-duplicate-" + id);
        // An earlier attempt noted the create call, Statuspage made the incident, but its id was
        // never stored.
        pool().preparedQuery(
                        "INSERT INTO statuspage_incident (channel, deployment_id, page_incident_id, status, "
                                + "creating_name) VALUES ('status', $1, NULL, 'creating', 'Degraded service: checkout (production)')")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(id))
                .await()
                .atMost(Duration.ofSeconds(5));
        wireMock.stubFor(
                get(urlPathEqualTo(WireMockReceivers.STATUSPAGE + "/unresolved"))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                """
                                [{"id": "sp-older", "name": "Degraded service: checkout (production)",
                                  "status": "investigating", "created_at": "2020-01-01T00:00:00.000Z"},
                                 {"id": "%s", "name": "Degraded service: checkout (production)",
                                  "status": "investigating", "created_at": "%s"},
                                 {"id": "sp-other", "name": "Degraded service: search (production)",
                                  "status": "investigating", "created_at": "%s"}]
                                """
                                                        .formatted(
                                                                pageIncident,
                                                                Instant.now(),
                                                                Instant.now()))));

        publish(
                EventType.DEPLOYMENT_REQUESTED,
                id,
                requested(id, "checkout", "production", "3.2.0"));
        publish(
                new ThresholdBreached(
                        id,
                        1,
                        2,
                        "error_rate",
                        7.3,
                        "5%",
                        "5m",
                        ThresholdBreached.Kind.TRIGGER,
                        ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        publish(
                new RollbackCompleted(
                        id, 1, RollbackCompleted.Outcome.SUCCEEDED, "stable restored"));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                deliveries(id)
                                                        .getList(
                                                                "items.findAll { it.channel == 'status' }.status",
                                                                String.class))
                                        .containsExactly("SENT", "SENT"));
        List<LoggedRequest> calls = calls("3.2.0", pageIncident);
        assertThat(calls)
                .extracting(r -> r.getMethod().getName() + " " + r.getUrl())
                .containsExactly("PATCH " + WireMockReceivers.STATUSPAGE + "/" + pageIncident);
        assertThat(body(calls.get(0)).path("incident").path("status").asText())
                .isEqualTo("monitoring");
        assertThat(deliveries(id).getString("items.find { it.channel == 'status' }.detail"))
                .isEqualTo(
                        "status-page incident "
                                + pageIncident
                                + " created (by an earlier attempt)");
    }

    /** Statuspage answers the create call that names {@code version} with {@code pageIncident} as its id. */
    private void createdIncidentIs(String version, String pageIncident) {
        wireMock.stubFor(
                post(urlPathEqualTo(WireMockReceivers.STATUSPAGE))
                        .withRequestBody(containing(" " + version + " "))
                        .willReturn(
                                aResponse()
                                        .withStatus(201)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"id\": \""
                                                        + pageIncident
                                                        + "\", \"status\": \"investigating\"}")));
    }

    private List<LoggedRequest> awaitStatuspageCalls(
            String version, String pageIncident, int count) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(calls(version, pageIncident)).hasSize(count));
        return calls(version, pageIncident);
    }

    /** The create call for {@code version}, and every call to the incident it made. */
    private List<LoggedRequest> calls(String version, String pageIncident) {
        return wireMock
                .findAll(anyRequestedFor(urlPathMatching(WireMockReceivers.STATUSPAGE + ".*")))
                .stream()
                .filter(
                        r ->
                                r.getUrl().endsWith("/" + pageIncident)
                                        || r.getMethod().getName().equals("POST")
                                                && r.getBodyAsString()
                                                        .contains(" " + version + " "))
                .sorted((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate()))
                .toList();
    }

    private static JsonNode body(LoggedRequest request) {
        return tree(request.getBodyAsString());
    }
}
