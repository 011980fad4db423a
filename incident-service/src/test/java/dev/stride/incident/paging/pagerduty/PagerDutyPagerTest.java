package dev.stride.incident.paging.pagerduty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stride.events.Severity;
import dev.stride.incident.paging.Page;
import dev.stride.incident.paging.PagerException;
import dev.stride.testing.BlackHole;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Events API v2 documents the pager sends. */
class PagerDutyPagerTest {

    private final UUID incident = UUID.randomUUID();
    private final UUID deployment = UUID.randomUUID();

    @Test
    void aTriggerCarriesTheDedupKeyAndAPayload() throws Exception {
        JsonNode body =
                new ObjectMapper()
                        .readTree(
                                PagerDutyPager.body(page(Page.Action.TRIGGER, Severity.P1), "rk"));

        assertThat(body.path("routing_key").asText()).isEqualTo("rk");
        assertThat(body.path("event_action").asText()).isEqualTo("trigger");
        assertThat(body.path("dedup_key").asText()).isEqualTo("stride-incident-" + incident);
        assertThat(body.path("payload").path("severity").asText()).isEqualTo("error");
        assertThat(body.path("payload").path("summary").asText())
                .contains("[P1]", "checkout", "production");
        assertThat(body.path("payload").path("source").asText())
                .isEqualTo("stride/checkout/production");
        assertThat(body.path("payload").path("custom_details").path("deployment_id").asText())
                .isEqualTo(deployment.toString());
    }

    @Test
    void aResolveCarriesOnlyTheKeyAndAction() throws Exception {
        JsonNode body =
                new ObjectMapper()
                        .readTree(
                                PagerDutyPager.body(page(Page.Action.RESOLVE, Severity.P0), "rk"));

        assertThat(body.path("event_action").asText()).isEqualTo("resolve");
        assertThat(body.path("dedup_key").asText()).isEqualTo("stride-incident-" + incident);
        assertThat(body.has("payload")).isFalse();
    }

    @Test
    void theRunbooksLevelsMapToPagerDutySeverities() {
        assertThat(PagerDutyPager.severity(Severity.P0)).isEqualTo("critical");
        assertThat(PagerDutyPager.severity(Severity.P1)).isEqualTo("error");
        assertThat(PagerDutyPager.severity(Severity.P2)).isEqualTo("warning");
        assertThat(PagerDutyPager.severity(Severity.P3)).isEqualTo("info");
    }

    @Test
    void aPagerDutyThatAcceptsAndNeverAnswersTimesOutOnTheRequestTimeoutNamingTheEndpoint() {
        try (BlackHole silent = BlackHole.silent()) {
            PagerDutyPager pager =
                    new PagerDutyPager(
                            "http://127.0.0.1:" + silent.port(),
                            Optional.of("rk-secret-1"),
                            Duration.ofMillis(800),
                            Duration.ofMillis(400));
            long started = System.nanoTime();

            Throwable failure =
                    pager.send(page(Page.Action.TRIGGER, Severity.P1))
                            .onItem()
                            .transform(x -> (Throwable) null)
                            .onFailure()
                            .recoverWithItem(e -> e)
                            .await()
                            .atMost(Duration.ofSeconds(10));

            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(failure)
                    .isInstanceOf(PagerException.class)
                    .hasMessage(
                            "PagerDuty (127.0.0.1:"
                                    + silent.port()
                                    + ") did not answer within 800 ms");
            assertThat(((PagerException) failure).isTransient()).isTrue();
            assertThat(tookMs).isBetween(700L, 2000L);
        }
    }

    @Test
    void aPagerDutyThatNeverAcceptsTimesOutOnTheConnectTimeoutNamingTheEndpoint() {
        try (BlackHole unaccepting = BlackHole.unaccepting()) {
            PagerDutyPager pager =
                    new PagerDutyPager(
                            "http://127.0.0.1:" + unaccepting.port(),
                            Optional.of("rk-secret-1"),
                            Duration.ofSeconds(5),
                            Duration.ofMillis(400));
            long started = System.nanoTime();

            Throwable failure =
                    pager.send(page(Page.Action.TRIGGER, Severity.P1))
                            .onItem()
                            .transform(x -> (Throwable) null)
                            .onFailure()
                            .recoverWithItem(e -> e)
                            .await()
                            .atMost(Duration.ofSeconds(10));

            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(failure)
                    .isInstanceOf(PagerException.class)
                    .hasMessage(
                            "could not connect to PagerDuty (127.0.0.1:"
                                    + unaccepting.port()
                                    + ") within 400 ms");
            assertThat(((PagerException) failure).isTransient()).isTrue();
            assertThat(tookMs)
                    .as("bounded by the connect timeout, not the 5 s request timeout")
                    .isBetween(300L, 2000L);
        }
    }

    @Test
    void aTimeoutOfZeroOrAnUnusableUrlStopsTheStartNamingTheKey() {
        assertThatThrownBy(
                        () ->
                                new PagerDutyPager(
                                        "https://events.pagerduty.com",
                                        Optional.empty(),
                                        Duration.ZERO,
                                        Duration.ofSeconds(2)))
                .hasMessage("stride.incident.pagerduty.timeout must be more than 0, was PT0S");
        assertThatThrownBy(
                        () ->
                                new PagerDutyPager(
                                        "https://events.pagerduty.com",
                                        Optional.empty(),
                                        Duration.ofSeconds(5),
                                        Duration.ofSeconds(-1)))
                .hasMessage(
                        "stride.incident.pagerduty.connect-timeout must be more than 0, was PT-1S");
        assertThatThrownBy(
                        () ->
                                new PagerDutyPager(
                                        "events.pagerduty.com",
                                        Optional.empty(),
                                        Duration.ofSeconds(5),
                                        Duration.ofSeconds(2)))
                .hasMessage("stride.incident.pagerduty.url is not an http(s) URL");
    }

    private Page page(Page.Action action, Severity severity) {
        return new Page(
                1,
                action,
                incident,
                deployment,
                severity,
                "Automatic rollback in production",
                "checkout",
                "production",
                "automatic-rollback",
                "production-automatic-rollback",
                1);
    }
}
