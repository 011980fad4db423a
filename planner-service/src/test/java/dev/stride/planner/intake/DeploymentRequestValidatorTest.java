package dev.stride.planner.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.planner.Requests;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DeploymentRequestValidatorTest {

    private final DeploymentRequestValidator validator = new DeploymentRequestValidator();

    @ParameterizedTest
    @ValueSource(strings = {"canary", "blue-green", "rolling"})
    void acceptsTheRunbooksBlocksAsWritten(String name) {
        assertThat(validator.validate(Requests.json(name))).isEmpty();
    }

    @Test
    void listsEveryProblemWithItsField() {
        ObjectNode doc = Requests.json("canary");
        doc.remove("application");
        Requests.phase(doc, 0).put("traffic_percentage", 150);
        Requests.phase(doc, 1).put("duration", "15 minutes");
        Requests.trigger(doc, 2).put("action", "panic");

        List<Violation> violations = validator.validate(doc);

        assertThat(violations).extracting(Violation::field).containsExactlyInAnyOrder(
                "application",
                "deployment.phases[0].traffic_percentage",
                "deployment.phases[1].duration",
                "rollback.triggers[2].action");
        assertThat(violations).filteredOn(v -> v.field().equals("deployment.phases[0].traffic_percentage"))
                .extracting(Violation::message).containsExactly("must be from 1 to 100, not 150");
    }

    @Test
    void suggestsTheFieldATypoMeant() {
        ObjectNode doc = Requests.json("canary");
        Requests.phase(doc, 0).set("traffic_percantage", Requests.phase(doc, 0).remove("traffic_percentage"));

        assertThat(validator.validate(doc)).contains(
                new Violation("deployment.phases[0].traffic_percantage",
                        "unknown field; did you mean 'traffic_percentage'?"),
                new Violation("deployment.phases[0].traffic_percentage", "is required"));
    }

    @Test
    void theLastCanaryPhaseMustReachFullTraffic() {
        ObjectNode doc = Requests.json("canary");
        Requests.phase(doc, 2).put("traffic_percentage", 60).put("duration", "5m");

        assertThat(validator.validate(doc)).containsExactly(new Violation(
                "deployment.phases[2].traffic_percentage",
                "the last phase must send 100% of traffic to the new version, not 60"));
    }

    @Test
    void aBareTriggerLevelIsFineButCriteriaNeedAComparison() {
        ObjectNode doc = Requests.json("canary");
        ((ObjectNode) Requests.phase(doc, 0).path("success_criteria")).put("error_rate", "1%");

        assertThat(validator.validate(doc)).containsExactly(new Violation(
                "deployment.phases[0].success_criteria.error_rate",
                "must say which side passes, e.g. \"<1%\" or \"<500ms\""));
    }

    @Test
    void thresholdUnitsMustFitTheMetric() {
        ObjectNode doc = Requests.json("canary");
        Requests.trigger(doc, 1).put("threshold", "5%");

        assertThat(validator.validate(doc)).extracting(Violation::field)
                .containsExactly("rollback.triggers[1].threshold");
    }

    @Test
    void theKafkaIntakeIgnoresFieldsItDoesNotKnowButKeepsEveryRule() {
        ObjectNode doc = Requests.json("canary");
        doc.put("changeTicket", "CHG-1234");
        Requests.phase(doc, 0).put("owner", "team-checkout");

        assertThat(validator.validate(doc, true)).isEmpty();
        assertThat(validator.validate(doc)).extracting(Violation::field)
                .containsExactlyInAnyOrder("changeTicket", "deployment.phases[0].owner");

        Requests.phase(doc, 1).put("traffic_percentage", 2);
        assertThat(validator.validate(doc, true)).extracting(Violation::field)
                .containsExactly("deployment.phases[1].traffic_percentage");
    }
}
