package dev.stride.planner.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.spec.Environment;
import dev.stride.events.spec.EnvironmentCatalog;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerRulesTest {

    private static final EnvironmentCatalog ORGANISATION =
            EnvironmentCatalog.parse(
                    "qa:development,perf:staging,prod-eu:production,prod-us:production");

    private static PlannerRules rules(Map<String, String> properties) {
        return rules(properties, EnvironmentCatalog.runbook());
    }

    private static PlannerRules rules(
            Map<String, String> properties, EnvironmentCatalog environments) {
        var config =
                new SmallRyeConfigBuilder()
                        .withSources(new MapBackedConfigSource("test", properties) {})
                        .build();
        return new PlannerRules(config, environments, Duration.ofMinutes(10));
    }

    @Test
    void withoutRulesProductionNeedsStagingAndOneApprovalAsTheRunbookSays() {
        PlannerRules rules = rules(Map.of());

        assertThat(rules.requiredPredecessor("checkout", Environment.PRODUCTION))
                .contains(Environment.STAGING);
        assertThat(rules.requiredApprovals("checkout", Environment.PRODUCTION)).isEqualTo(1);
        assertThat(rules.requiredPredecessor("checkout", Environment.STAGING)).isEmpty();
        assertThat(rules.requiredApprovals("checkout", Environment.STAGING)).isZero();

        PlannerRules withoutStaging =
                rules(Map.of(), EnvironmentCatalog.parse("development,production"));
        assertThat(withoutStaging.requiredPredecessor("checkout", Environment.PRODUCTION))
                .isEmpty();
        assertThat(withoutStaging.requiredApprovals("checkout", Environment.PRODUCTION))
                .isEqualTo(1);
    }

    @Test
    void anOrganisationsOwnEnvironmentsTakeTheirOwnRules() {
        Environment qa = Environment.fromWire("qa");
        Environment perf = Environment.fromWire("perf");
        Environment prodEu = Environment.fromWire("prod-eu");
        Environment prodUs = Environment.fromWire("prod-us");
        PlannerRules rules =
                rules(
                        Map.of(
                                "stride.progression.requires.perf", "qa",
                                "stride.progression.requires.prod-eu", "perf",
                                "stride.progression.requires.prod-us", "prod-eu",
                                "stride.approvals.required.prod-eu", "1",
                                "stride.approvals.required.prod-us", "2",
                                "stride.approvals.application.payments.required.prod-us", "3"),
                        ORGANISATION);

        assertThat(rules.requiredPredecessor("checkout", qa)).isEmpty();
        assertThat(rules.requiredPredecessor("checkout", perf)).contains(qa);
        assertThat(rules.requiredPredecessor("checkout", prodEu)).contains(perf);
        assertThat(rules.requiredPredecessor("checkout", prodUs)).contains(prodEu);
        assertThat(rules.requiredApprovals("checkout", qa)).isZero();
        assertThat(rules.requiredApprovals("checkout", prodEu)).isEqualTo(1);
        assertThat(rules.requiredApprovals("checkout", prodUs)).isEqualTo(2);
        assertThat(rules.requiredApprovals("payments", prodUs)).isEqualTo(3);
        assertThat(rules.environments().environments()).containsExactly(qa, perf, prodEu, prodUs);
    }

    @Test
    void aRuleForAnEnvironmentNotConfiguredOrOutOfOrderStopsTheServiceAtStart() {
        assertThatThrownBy(
                        () ->
                                rules(
                                        Map.of("stride.approvals.required.production", "1"),
                                        ORGANISATION))
                .hasMessageContaining("stride.approvals.required.production")
                .hasMessageContaining(
                        "must be one of qa, perf, prod-eu, prod-us, not 'production'");
        assertThatThrownBy(
                        () ->
                                rules(
                                        Map.of("stride.progression.requires.qa", "prod-eu"),
                                        ORGANISATION))
                .hasMessageContaining("stride.progression.requires.qa = 'prod-eu'")
                .hasMessageContaining("'prod-eu' does not come before 'qa'");
        assertThatThrownBy(
                        () ->
                                rules(
                                        Map.of("stride.progression.requires.perf", "perf"),
                                        ORGANISATION))
                .hasMessageContaining("does not come before");
        assertThatThrownBy(
                        () -> rules(Map.of("stride.checks.defaults.prod-asia", "{}"), ORGANISATION))
                .hasMessageContaining(
                        "stride.checks.defaults.prod-asia names no configured environment");
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
