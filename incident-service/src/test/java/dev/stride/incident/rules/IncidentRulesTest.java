package dev.stride.incident.rules;

import static dev.stride.events.ThresholdBreached.Action.ALERT;
import static dev.stride.events.ThresholdBreached.Action.AUTOMATIC_ROLLBACK;
import static dev.stride.events.ThresholdBreached.Action.PAUSE;
import static dev.stride.events.ThresholdBreached.Kind.CRITERIA;
import static dev.stride.events.ThresholdBreached.Kind.NO_DATA;
import static dev.stride.events.ThresholdBreached.Kind.PROVIDER_ERROR;
import static dev.stride.events.ThresholdBreached.Kind.TRIGGER;
import static dev.stride.events.spec.Environment.DEVELOPMENT;
import static dev.stride.events.spec.Environment.PRODUCTION;
import static dev.stride.events.spec.Environment.STAGING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.Severity;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.EnvironmentCatalog;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The runbook's levels as default rules, one case at a time. */
class IncidentRulesTest {

    private final IncidentRules rules = IncidentRules.runbookDefaults();

    @Test
    void aFailedRollbackInProductionIsP0() {
        assertThat(rollback(PRODUCTION, RollbackCompleted.Outcome.FAILED))
                .hasValue("production-rollback-failed:P0");
    }

    @Test
    void healthCheckSuccessCollapsingInProductionIsP0() {
        assertThat(breach(PRODUCTION, "health_check_success_rate", TRIGGER, AUTOMATIC_ROLLBACK))
                .hasValue("production-health-collapse:P0");
        assertThat(breach(PRODUCTION, "health_check_success_rate", CRITERIA, AUTOMATIC_ROLLBACK))
                .hasValue("production-health-collapse:P0");
        // Collapsing health is an outage whatever the trigger's action: the runbook's P0 response
        // rolls back.
        assertThat(breach(PRODUCTION, "health_check_success_rate", TRIGGER, ALERT))
                .hasValue("production-health-collapse:P0");
        // No data says nothing about health: the planner pauses, and its DeploymentPaused is the
        // incident.
        assertThat(breach(PRODUCTION, "health_check_success_rate", NO_DATA, AUTOMATIC_ROLLBACK))
                .isEmpty();
    }

    @Test
    void aProductionAutomaticRollbackOnErrorRateOrLatencyIsP1() {
        for (String metric :
                new String[] {
                    "error_rate", "response_time", "response_time_p95", "response_time_p99"
                }) {
            assertThat(breach(PRODUCTION, metric, TRIGGER, AUTOMATIC_ROLLBACK))
                    .as(metric)
                    .hasValue("production-automatic-rollback:P1");
        }
        assertThat(breach(PRODUCTION, "error_rate", CRITERIA, AUTOMATIC_ROLLBACK))
                .hasValue("production-automatic-rollback:P1");
    }

    @Test
    void aPausedProductionDeploymentIsP2WhoeverPausedIt() {
        // The planner's DeploymentPaused says it: by hand, on a pause trigger, on a trigger without
        // data or with a failing provider.
        assertThat(paused(PRODUCTION, "alice")).hasValue("production-paused:P2");
        assertThat(paused(PRODUCTION, "verifier")).hasValue("production-paused:P2");
        assertThat(paused(STAGING, "alice")).isEmpty();
        assertThat(paused(DEVELOPMENT, "alice")).isEmpty();
        // The breaches that made the planner pause open nothing themselves: the pause is the one
        // incident.
        assertThat(breach(PRODUCTION, "error_rate", TRIGGER, PAUSE)).isEmpty();
        assertThat(breach(PRODUCTION, "error_rate", NO_DATA, AUTOMATIC_ROLLBACK)).isEmpty();
        assertThat(
                        breach(
                                PRODUCTION,
                                "health_check_success_rate",
                                PROVIDER_ERROR,
                                AUTOMATIC_ROLLBACK))
                .isEmpty();
    }

    @Test
    void anOrganisationsEnvironmentsGetTheRulesOfTheirTier() {
        IncidentRules organisation =
                IncidentRules.runbookDefaults(
                        EnvironmentCatalog.parse(
                                "qa:development,prod-eu:production,prod-us:production"));
        Environment qa = Environment.fromWire("qa");
        Environment prodEu = Environment.fromWire("prod-eu");
        Environment prodUs = Environment.fromWire("prod-us");

        for (Environment prod : new Environment[] {prodEu, prodUs}) {
            assertThat(
                            organisation
                                    .classify(
                                            Signal.of(
                                                    new RollbackCompleted(
                                                            UUID.randomUUID(),
                                                            1,
                                                            RollbackCompleted.Outcome.FAILED,
                                                            "x"),
                                                    prod))
                                    .map(r -> r.name() + ":" + r.severity()))
                    .as(prod.wireName())
                    .hasValue("production-rollback-failed:P0");
        }
        assertThat(
                        organisation
                                .classify(
                                        Signal.of(
                                                breachEvent(
                                                        qa,
                                                        "error_rate",
                                                        TRIGGER,
                                                        AUTOMATIC_ROLLBACK),
                                                qa))
                                .map(r -> r.name() + ":" + r.severity()))
                .hasValue("development-breach:P3");
        // No environment of the staging tier: its rules are dropped, not left matching any
        // environment.
        assertThat(organisation.rules())
                .extracting(ClassificationRule::name)
                .noneMatch(name -> name.startsWith("staging-"))
                .allSatisfy(
                        name ->
                                assertThat(
                                                organisation.rules().stream()
                                                        .filter(r -> r.name().equals(name))
                                                        .findFirst()
                                                        .orElseThrow()
                                                        .environments())
                                        .isNotEmpty());
        // The runbook's own production is not one of this organisation's.
        assertThat(
                        organisation.classify(
                                Signal.of(
                                        new RollbackCompleted(
                                                UUID.randomUUID(),
                                                1,
                                                RollbackCompleted.Outcome.FAILED,
                                                "x"),
                                        PRODUCTION)))
                .isEmpty();
    }

    private Optional<String> paused(Environment env, String by) {
        return classify(
                Signal.of(
                        new dev.stride.events.DeploymentPaused(
                                UUID.randomUUID(), 1, 2, "shop", env, "looking", by)));
    }

    @Test
    void aStagingRollbackIsP2() {
        assertThat(breach(STAGING, "error_rate", TRIGGER, AUTOMATIC_ROLLBACK))
                .hasValue("staging-rollback:P2");
        assertThat(breach(STAGING, "health_check_success_rate", TRIGGER, AUTOMATIC_ROLLBACK))
                .hasValue("staging-rollback:P2");
        assertThat(rollback(STAGING, RollbackCompleted.Outcome.FAILED))
                .hasValue("staging-rollback-failed:P2");
    }

    @Test
    void aProductionDeploymentRolledBackByHandIsP2AndOnlyThere() {
        assertThat(classify(Signal.of(Signal.Requester.MANUAL, PRODUCTION)))
                .hasValue("production-manual-rollback:P2");
        assertThat(rules.classify(Signal.of(Signal.Requester.MANUAL, PRODUCTION)))
                .get()
                .extracting(ClassificationRule::cause, ClassificationRule::title)
                .containsExactly("manual-rollback", "Production deployment rolled back by hand");
        assertThat(classify(Signal.of(Signal.Requester.MANUAL, STAGING))).isEmpty();
        assertThat(classify(Signal.of(Signal.Requester.MANUAL, DEVELOPMENT))).isEmpty();
        assertThat(classify(Signal.of(Signal.Requester.MANUAL, null))).isEmpty();
        // An automatic rollback is classified by the breach that caused it, not by its request.
        assertThat(classify(Signal.of(Signal.Requester.AUTOMATIC, PRODUCTION))).isEmpty();
    }

    @Test
    void whoAskedForARollbackIsReadFromItsSourceAndRequester() {
        // The planner rolling back on its own names the service whose event decided it, or itself.
        for (String trigger : new String[] {"verifier", "executor", "planner"}) {
            assertThat(Signal.Requester.of("/stride/planner", trigger))
                    .as(trigger)
                    .isEqualTo(Signal.Requester.AUTOMATIC);
        }
        // Its REST rollback and abort name the caller.
        assertThat(Signal.Requester.of("/stride/planner", "alice"))
                .isEqualTo(Signal.Requester.MANUAL);
        // Another system is outside Stride's triggers, whatever name it gives.
        assertThat(Signal.Requester.of("/oncall/pagerduty", "verifier"))
                .isEqualTo(Signal.Requester.MANUAL);
        assertThat(Signal.Requester.of("/ci/jenkins", "release-bot"))
                .isEqualTo(Signal.Requester.MANUAL);
    }

    @Test
    void developmentIsP3() {
        assertThat(breach(DEVELOPMENT, "error_rate", TRIGGER, AUTOMATIC_ROLLBACK))
                .hasValue("development-breach:P3");
        assertThat(breach(DEVELOPMENT, "health_check_success_rate", TRIGGER, AUTOMATIC_ROLLBACK))
                .hasValue("development-breach:P3");
        assertThat(breach(DEVELOPMENT, "error_rate", TRIGGER, PAUSE))
                .hasValue("development-breach:P3");
        assertThat(rollback(DEVELOPMENT, RollbackCompleted.Outcome.FAILED))
                .hasValue("development-rollback-failed:P3");
    }

    @Test
    void alertsSuccessfulRollbacksAndDeploymentsThatDidNotFailOpenNothingByDefault() {
        assertThat(breach(PRODUCTION, "error_rate", TRIGGER, ALERT)).isEmpty();
        assertThat(breach(STAGING, "error_rate", TRIGGER, PAUSE)).isEmpty();
        assertThat(breach(STAGING, "error_rate", NO_DATA, AUTOMATIC_ROLLBACK)).isEmpty();
        assertThat(rollback(PRODUCTION, RollbackCompleted.Outcome.SUCCEEDED)).isEmpty();
        for (DeploymentFinished.Outcome outcome : DeploymentFinished.Outcome.values()) {
            if (outcome != DeploymentFinished.Outcome.FAILED) {
                assertThat(finished(PRODUCTION, outcome)).as(outcome.name()).isEmpty();
            }
        }
    }

    @Test
    void aDeploymentEndingRollbackFailedOpensTheFailedRollbacksIncident() {
        // The planner ends a deployment FAILED (ROLLBACK_FAILED) when no rollback was reported in
        // time or stable
        // failed its verification: the same cause as the executor's failed rollback, so one
        // incident, not two.
        assertThat(finished(PRODUCTION, DeploymentFinished.Outcome.FAILED))
                .hasValue("production-rollback-failed-finish:P0");
        assertThat(finished(STAGING, DeploymentFinished.Outcome.FAILED))
                .hasValue("staging-rollback-failed-finish:P2");
        assertThat(finished(DEVELOPMENT, DeploymentFinished.Outcome.FAILED))
                .hasValue("development-rollback-failed-finish:P3");
        assertThat(
                        rules.classify(
                                        Signal.of(
                                                new DeploymentFinished(
                                                        UUID.randomUUID(),
                                                        "shop",
                                                        PRODUCTION,
                                                        "1.0",
                                                        DeploymentFinished.Outcome.FAILED,
                                                        null,
                                                        null,
                                                        null,
                                                        Instant.now())))
                                .orElseThrow()
                                .cause())
                .isEqualTo(
                        rules.classify(
                                        Signal.of(
                                                new RollbackCompleted(
                                                        UUID.randomUUID(),
                                                        1,
                                                        RollbackCompleted.Outcome.FAILED,
                                                        "x"),
                                                PRODUCTION))
                                .orElseThrow()
                                .cause());
    }

    private Optional<String> finished(Environment env, DeploymentFinished.Outcome outcome) {
        return classify(
                Signal.of(
                        new DeploymentFinished(
                                UUID.randomUUID(),
                                "shop",
                                env,
                                "1.0",
                                outcome,
                                null,
                                null,
                                null,
                                Instant.now())));
    }

    @Test
    void anUnknownEnvironmentMatchesNoRuleThatAsksForOne() {
        assertThat(breach(null, "error_rate", TRIGGER, AUTOMATIC_ROLLBACK)).isEmpty();
        assertThat(rollback(null, RollbackCompleted.Outcome.FAILED)).isEmpty();
    }

    @Test
    void aBreachAndTheRollbackThatFollowsShareNoCauseButRepeatedBreachesDo() {
        var errorRate =
                rules.classify(
                                Signal.of(
                                        breachEvent(
                                                PRODUCTION,
                                                "error_rate",
                                                TRIGGER,
                                                AUTOMATIC_ROLLBACK),
                                        PRODUCTION))
                        .orElseThrow();
        var latency =
                rules.classify(
                                Signal.of(
                                        breachEvent(
                                                PRODUCTION,
                                                "response_time_p95",
                                                TRIGGER,
                                                AUTOMATIC_ROLLBACK),
                                        PRODUCTION))
                        .orElseThrow();
        var paused =
                rules.classify(
                                Signal.of(
                                        new dev.stride.events.DeploymentPaused(
                                                UUID.randomUUID(),
                                                1,
                                                2,
                                                "shop",
                                                PRODUCTION,
                                                "no data",
                                                "verifier")))
                        .orElseThrow();

        assertThat(errorRate.cause()).isEqualTo(latency.cause()).isEqualTo("automatic-rollback");
        assertThat(paused.cause()).isEqualTo("paused");
    }

    private Optional<String> breach(
            Environment env,
            String metric,
            ThresholdBreached.Kind kind,
            ThresholdBreached.Action action) {
        return classify(Signal.of(breachEvent(env, metric, kind, action), env));
    }

    private Optional<String> rollback(Environment env, RollbackCompleted.Outcome outcome) {
        return classify(
                Signal.of(new RollbackCompleted(UUID.randomUUID(), 1, outcome, "detail"), env));
    }

    private Optional<String> classify(Signal signal) {
        return rules.classify(signal).map(rule -> rule.name() + ":" + rule.severity());
    }

    private static ThresholdBreached breachEvent(
            Environment env,
            String metric,
            ThresholdBreached.Kind kind,
            ThresholdBreached.Action action) {
        return new ThresholdBreached(
                UUID.randomUUID(),
                1,
                1,
                metric,
                kind == NO_DATA ? null : 9.0,
                "5%",
                "5m",
                kind,
                action,
                "shop",
                env);
    }

    @Test
    void severitiesOfTheDefaultsCoverTheRunbooksFourLevels() {
        assertThat(rules.rules())
                .extracting(ClassificationRule::severity)
                .contains(Severity.P0, Severity.P1, Severity.P2, Severity.P3);
    }
}
