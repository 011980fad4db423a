package dev.stride.planner.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.spec.Environment;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerRulesTest {

    private static PlannerRules rules(Map<String, String> properties) {
        var config =
                new SmallRyeConfigBuilder()
                        .withSources(new MapBackedConfigSource("test", properties) {})
                        .build();
        return new PlannerRules(config, Duration.ofMinutes(10));
    }

    @Test
    void defaultsApplyUnlessTheApplicationHasItsOwnRule() {
        PlannerRules rules =
                rules(
                        Map.of(
                                "stride.progression.requires.production", "staging",
                                "stride.approvals.required.production", "1",
                                "stride.progression.application.hotfix.requires.production", "",
                                "stride.approvals.application.payments.required.production", "2"));

        assertThat(rules.requiredPredecessor("checkout", Environment.PRODUCTION))
                .contains(Environment.STAGING);
        assertThat(rules.requiredPredecessor("checkout", Environment.STAGING)).isEmpty();
        assertThat(rules.requiredPredecessor("hotfix", Environment.PRODUCTION)).isEmpty();
        assertThat(rules.requiredApprovals("checkout", Environment.PRODUCTION)).isEqualTo(1);
        assertThat(rules.requiredApprovals("payments", Environment.PRODUCTION)).isEqualTo(2);
        assertThat(rules.requiredApprovals("checkout", Environment.DEVELOPMENT)).isZero();
    }

    @Test
    void defaultChecksAreReadPerEnvironment() {
        PlannerRules rules =
                rules(
                        Map.of(
                                "stride.checks.defaults.production",
                                "{\"post\":{\"error_rate\":\"<1%\",\"response_time_p95\":\"<500ms\"}}"));

        assertThat(rules.checkDefaults(Environment.PRODUCTION).post().errorRate()).isEqualTo("<1%");
        assertThat(rules.checkDefaults(Environment.STAGING)).isNull();
    }

    @Test
    void unusableDefaultChecksStopTheServiceAtStartNotAtTheFirstDeployment() {
        assertThatThrownBy(() -> rules(Map.of("stride.checks.defaults.staging", "{\"pre\":")))
                .hasMessageContaining("stride.checks.defaults.staging is not a JSON checks block");
        assertThatThrownBy(
                        () ->
                                rules(
                                        Map.of(
                                                "stride.checks.defaults.staging",
                                                "{\"pre\":{\"health\":{\"expected_status\":200}}}")))
                .hasMessageContaining(
                        "stride.checks.defaults.staging is not a usable checks block");
    }

    @Test
    void aRuleThatCannotBeReadStopsTheServiceAtStart() {
        assertThatThrownBy(() -> rules(Map.of("stride.approvals.required.production", "one")))
                .hasMessageContaining(
                        "stride.approvals.required.production = 'one' is not a valid rule");
        assertThatThrownBy(() -> rules(Map.of("stride.progression.requires.production", "qa")))
                .hasMessageContaining(
                        "stride.progression.requires.production = 'qa' is not a valid rule");
    }
}
