package dev.stride.incident.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.Severity;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.EnvironmentCatalog;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Configured rules replace the defaults; one that does not parse says which key is wrong. */
class RulesProducerTest {

    @Test
    void configuredRulesClassifyInTheirOrder() {
        IncidentRules rules =
                RulesProducer.parse(
                        List.of(
                                rule(
                                        "staging-alerts-page",
                                        "threshold-breached",
                                        List.of("staging"),
                                        List.of("alert"),
                                        List.of(),
                                        "P1"),
                                rule(
                                        "any-failed-deployment",
                                        "deployment-finished",
                                        List.of(),
                                        List.of(),
                                        List.of("FAILED"),
                                        "P3")));

        var alert =
                new ThresholdBreached(
                        UUID.randomUUID(),
                        1,
                        1,
                        "error_rate",
                        2.0,
                        "1%",
                        "1m",
                        ThresholdBreached.Kind.TRIGGER,
                        ThresholdBreached.Action.ALERT,
                        "shop",
                        Environment.STAGING);
        assertThat(rules.classify(Signal.of(alert, Environment.STAGING)))
                .get()
                .extracting(ClassificationRule::severity)
                .isEqualTo(Severity.P1);
        assertThat(rules.classify(Signal.of(alert, Environment.PRODUCTION))).isEmpty();
        assertThat(
                        rules.classify(
                                new Signal(
                                        Signal.Source.DEPLOYMENT_FINISHED,
                                        Environment.DEVELOPMENT,
                                        null,
                                        null,
                                        null,
                                        "FAILED")))
                .get()
                .extracting(ClassificationRule::name)
                .isEqualTo("any-failed-deployment");
    }

    @Test
    void aConfiguredRuleCanAskWhoRequestedARollback() {
        IncidentRules rules =
                RulesProducer.parse(
                        List.of(
                                rule(
                                        "any-automatic-rollback",
                                        "rollback-requested",
                                        List.of("staging", "production"),
                                        List.of(),
                                        List.of(),
                                        List.of("automatic"),
                                        "P3"),
                                rule(
                                        "staging-manual-rollback",
                                        "rollback-requested",
                                        List.of("staging"),
                                        List.of(),
                                        List.of(),
                                        List.of("MANUAL"),
                                        "P2")));

        assertThat(rules.classify(Signal.of(Signal.Requester.AUTOMATIC, Environment.PRODUCTION)))
                .get()
                .extracting(ClassificationRule::name)
                .isEqualTo("any-automatic-rollback");
        assertThat(rules.classify(Signal.of(Signal.Requester.MANUAL, Environment.STAGING)))
                .get()
                .extracting(ClassificationRule::severity)
                .isEqualTo(Severity.P2);
        assertThat(rules.classify(Signal.of(Signal.Requester.MANUAL, Environment.PRODUCTION)))
                .isEmpty();
        assertThatThrownBy(
                        () ->
                                RulesProducer.parse(
                                        List.of(
                                                rule(
                                                        "x",
                                                        "rollback-requested",
                                                        List.of(),
                                                        List.of(),
                                                        List.of(),
                                                        List.of("operator"),
                                                        "P2"))))
                .hasMessageContaining("stride.incident.classification.rules[0].requesters")
                .hasMessageContaining("operator");
    }

    @Test
    void aRuleThatDoesNotParseNamesItsKey() {
        assertThatThrownBy(
                        () ->
                                RulesProducer.parse(
                                        List.of(
                                                rule(
                                                        "x",
                                                        "threshold-breached",
                                                        List.of("prod"),
                                                        List.of(),
                                                        List.of(),
                                                        "P1"))))
                .hasMessageContaining("stride.incident.classification.rules[0].environments")
                .hasMessageContaining("prod");
        assertThatThrownBy(
                        () ->
                                RulesProducer.parse(
                                        List.of(
                                                rule(
                                                        "x",
                                                        "deployment-started",
                                                        List.of(),
                                                        List.of(),
                                                        List.of(),
                                                        "P1"))))
                .hasMessageContaining("rules[0].on");
        assertThatThrownBy(
                        () ->
                                RulesProducer.parse(
                                        List.of(
                                                rule(
                                                        "x",
                                                        "rollback-completed",
                                                        List.of(),
                                                        List.of(),
                                                        List.of("MAYBE"),
                                                        "P1"))))
                .hasMessageContaining("rules[0].outcomes");
        assertThatThrownBy(
                        () ->
                                RulesProducer.parse(
                                        List.of(
                                                rule(
                                                        "x",
                                                        "rollback-completed",
                                                        List.of(),
                                                        List.of(),
                                                        List.of(),
                                                        "P5"))))
                .hasMessageContaining("rules[0].severity");
    }

    @Test
    void theProducerRefusesABadRuleAndFallsBackToTheRunbookWithoutAny() {
        ClassificationConfig bad =
                () ->
                        Optional.of(
                                List.of(
                                        rule(
                                                "x",
                                                "threshold-breached",
                                                List.of("prod"),
                                                List.of(),
                                                List.of(),
                                                "P1")));
        assertThatThrownBy(() -> new RulesProducer().rules(bad, EnvironmentCatalog.runbook()))
                .hasMessageContaining("stride.incident.classification.rules[0].environments")
                .hasMessageContaining(
                        "must be one of development, staging, production, not 'prod'");
        assertThat(
                        new RulesProducer()
                                .rules(
                                        bad,
                                        EnvironmentCatalog.parse("dev:development,prod:production"))
                                .rules())
                .extracting(ClassificationRule::name)
                .containsExactly("x");
        assertThat(new RulesProducer().rules(Optional::empty, EnvironmentCatalog.runbook()).rules())
                .extracting(ClassificationRule::name)
                .containsExactlyElementsOf(
                        IncidentRules.runbookDefaults().rules().stream()
                                .map(ClassificationRule::name)
                                .toList());
    }

    private static ClassificationConfig.Rule rule(
            String name,
            String on,
            List<String> environments,
            List<String> actions,
            List<String> outcomes,
            String severity) {
        return rule(name, on, environments, actions, outcomes, List.of(), severity);
    }

    private static ClassificationConfig.Rule rule(
            String name,
            String on,
            List<String> environments,
            List<String> actions,
            List<String> outcomes,
            List<String> requesters,
            String severity) {
        return new ClassificationConfig.Rule() {
            public String name() {
                return name;
            }

            public String on() {
                return on;
            }

            public Optional<List<String>> environments() {
                return Optional.of(environments);
            }

            public Optional<List<String>> metrics() {
                return Optional.empty();
            }

            public Optional<List<String>> kinds() {
                return Optional.empty();
            }

            public Optional<List<String>> actions() {
                return Optional.of(actions);
            }

            public Optional<List<String>> outcomes() {
                return Optional.of(outcomes);
            }

            public Optional<List<String>> requesters() {
                return requesters.isEmpty() ? Optional.empty() : Optional.of(requesters);
            }

            public String severity() {
                return severity;
            }

            public Optional<String> cause() {
                return Optional.empty();
            }

            public Optional<String> title() {
                return Optional.empty();
            }
        };
    }
}
