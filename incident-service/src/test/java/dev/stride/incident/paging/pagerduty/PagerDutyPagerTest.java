package dev.stride.incident.paging.pagerduty;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stride.events.Severity;
import dev.stride.incident.paging.Page;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Events API v2 documents the pager sends. */
class PagerDutyPagerTest {

    private final UUID incident = UUID.randomUUID();
    private final UUID deployment = UUID.randomUUID();

    @Test
    void aTriggerCarriesTheDedupKeyAndAPayload() throws Exception {
        JsonNode body = new ObjectMapper().readTree(PagerDutyPager.body(page(Page.Action.TRIGGER, Severity.P1), "rk"));

        assertThat(body.path("routing_key").asText()).isEqualTo("rk");
        assertThat(body.path("event_action").asText()).isEqualTo("trigger");
        assertThat(body.path("dedup_key").asText()).isEqualTo("stride-incident-" + incident);
        assertThat(body.path("payload").path("severity").asText()).isEqualTo("error");
        assertThat(body.path("payload").path("summary").asText()).contains("[P1]", "checkout", "production");
        assertThat(body.path("payload").path("source").asText()).isEqualTo("stride/checkout/production");
        assertThat(body.path("payload").path("custom_details").path("deployment_id").asText())
                .isEqualTo(deployment.toString());
    }

    @Test
    void aResolveCarriesOnlyTheKeyAndAction() throws Exception {
        JsonNode body = new ObjectMapper().readTree(PagerDutyPager.body(page(Page.Action.RESOLVE, Severity.P0), "rk"));

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

    private Page page(Page.Action action, Severity severity) {
        return new Page(1, action, incident, deployment, severity, "Automatic rollback in production", "checkout",
                "production", "automatic-rollback", "production-automatic-rollback", 1);
    }
}
