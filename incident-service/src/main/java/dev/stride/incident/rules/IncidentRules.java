package dev.stride.incident.rules;

import static dev.stride.events.ThresholdBreached.Action.AUTOMATIC_ROLLBACK;
import static dev.stride.events.ThresholdBreached.Action.PAUSE;
import static dev.stride.events.ThresholdBreached.Kind.CRITERIA;
import static dev.stride.events.ThresholdBreached.Kind.TRIGGER;

import dev.stride.events.Severity;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.EnvironmentCatalog;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The classification rules, tried in order; the first that matches decides. Without configuration they are the
 * runbook's levels ({@link #runbookDefaults()}); {@code stride.incident.classification.rules[n]...} replaces them.
 */
public final class IncidentRules {

    private final List<ClassificationRule> rules;

    public IncidentRules(List<ClassificationRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public Optional<ClassificationRule> classify(Signal signal) {
        return rules.stream().filter(rule -> rule.matches(signal)).findFirst();
    }

    public List<ClassificationRule> rules() {
        return rules;
    }

    /**
     * The runbook's "Incident Classification": P0 complete outage or data-loss risk (a failed rollback in
     * production: the executor could not restore stable, or the planner ended the deployment ROLLBACK_FAILED because
     * no rollback was reported in time or stable failed its verification after the rollback, health-check success collapsing in production), P1 major impact (a production automatic rollback
     * on error rate or latency), P2 limited impact (a staging rollback, a paused production deployment, a production
     * deployment rolled back by hand), P3 no user impact (development). A breach whose action is only {@code alert} opens nothing: the notifier tells people.
     */
    public static IncidentRules runbookDefaults() {
        return runbookDefaults(EnvironmentCatalog.runbook());
    }

    /**
     * The runbook's levels for the configured environments: its production rules apply to every environment of the
     * production tier, and so on. A tier without environments drops its rules (an empty set would match any).
     */
    public static IncidentRules runbookDefaults(EnvironmentCatalog environments) {
        Set<String> none = Set.of();
        Set<Environment> PRODUCTION = environments.inTier(EnvironmentCatalog.Tier.PRODUCTION);
        Set<Environment> STAGING = environments.inTier(EnvironmentCatalog.Tier.STAGING);
        Set<Environment> DEVELOPMENT = environments.inTier(EnvironmentCatalog.Tier.DEVELOPMENT);
        List<ClassificationRule> all =
                List.of(
                        new ClassificationRule(
                                "production-rollback-failed",
                                Signal.Source.ROLLBACK_COMPLETED,
                                PRODUCTION,
                                none,
                                Set.of(),
                                Set.of(),
                                Set.of("FAILED"),
                                Severity.P0,
                                "rollback-failed",
                                "Rollback failed in production"),
                        new ClassificationRule(
                                "production-rollback-failed-finish",
                                Signal.Source.DEPLOYMENT_FINISHED,
                                PRODUCTION,
                                none,
                                Set.of(),
                                Set.of(),
                                Set.of("FAILED"),
                                Severity.P0,
                                "rollback-failed",
                                "Rollback failed in production"),
                        new ClassificationRule(
                                "production-health-collapse",
                                Signal.Source.THRESHOLD_BREACHED,
                                PRODUCTION,
                                Set.of("health_check_success_rate"),
                                Set.of(TRIGGER, CRITERIA),
                                Set.of(),
                                none,
                                Severity.P0,
                                "health-collapse",
                                "Health-check success collapsed in production"),
                        new ClassificationRule(
                                "production-automatic-rollback",
                                Signal.Source.THRESHOLD_BREACHED,
                                PRODUCTION,
                                Set.of(
                                        "error_rate",
                                        "response_time",
                                        "response_time_p95",
                                        "response_time_p99"),
                                Set.of(TRIGGER, CRITERIA),
                                Set.of(AUTOMATIC_ROLLBACK),
                                none,
                                Severity.P1,
                                "automatic-rollback",
                                "Automatic rollback in production"),
                        // The planner's DeploymentPaused: whoever paused (a person, a pause
                        // trigger, a trigger without data): the runbook's "paused production
                        // deployment". A pause of a deployment with an open incident joins that
                        // one.
                        new ClassificationRule(
                                "production-paused",
                                Signal.Source.DEPLOYMENT_PAUSED,
                                PRODUCTION,
                                none,
                                Set.of(),
                                Set.of(),
                                none,
                                Severity.P2,
                                "paused",
                                "Production deployment paused"),
                        // The runbook's emergency rollback ends with "create incident ticket:
                        // Production Rollback" and names no level. A person already acted, so
                        // there is no one to page and nothing more to roll back: P2, the team is
                        // told. Automatic rollbacks are classified by their breach instead.
                        new ClassificationRule(
                                "production-manual-rollback",
                                Signal.Source.ROLLBACK_REQUESTED,
                                PRODUCTION,
                                none,
                                Set.of(),
                                Set.of(),
                                none,
                                Set.of(Signal.Requester.MANUAL),
                                Severity.P2,
                                "manual-rollback",
                                "Production deployment rolled back by hand"),
                        new ClassificationRule(
                                "staging-rollback",
                                Signal.Source.THRESHOLD_BREACHED,
                                STAGING,
                                none,
                                Set.of(TRIGGER, CRITERIA),
                                Set.of(AUTOMATIC_ROLLBACK),
                                none,
                                Severity.P2,
                                "automatic-rollback",
                                "Automatic rollback in staging"),
                        new ClassificationRule(
                                "staging-rollback-failed",
                                Signal.Source.ROLLBACK_COMPLETED,
                                STAGING,
                                none,
                                Set.of(),
                                Set.of(),
                                Set.of("FAILED"),
                                Severity.P2,
                                "rollback-failed",
                                "Rollback failed in staging"),
                        new ClassificationRule(
                                "staging-rollback-failed-finish",
                                Signal.Source.DEPLOYMENT_FINISHED,
                                STAGING,
                                none,
                                Set.of(),
                                Set.of(),
                                Set.of("FAILED"),
                                Severity.P2,
                                "rollback-failed",
                                "Rollback failed in staging"),
                        new ClassificationRule(
                                "development-breach",
                                Signal.Source.THRESHOLD_BREACHED,
                                DEVELOPMENT,
                                none,
                                Set.of(),
                                Set.of(AUTOMATIC_ROLLBACK, PAUSE),
                                none,
                                Severity.P3,
                                "breach",
                                "Threshold breached in development"),
                        new ClassificationRule(
                                "development-rollback-failed",
                                Signal.Source.ROLLBACK_COMPLETED,
                                DEVELOPMENT,
                                none,
                                Set.of(),
                                Set.of(),
                                Set.of("FAILED"),
                                Severity.P3,
                                "rollback-failed",
                                "Rollback failed in development"),
                        new ClassificationRule(
                                "development-rollback-failed-finish",
                                Signal.Source.DEPLOYMENT_FINISHED,
                                DEVELOPMENT,
                                none,
                                Set.of(),
                                Set.of(),
                                Set.of("FAILED"),
                                Severity.P3,
                                "rollback-failed",
                                "Rollback failed in development"));
        return new IncidentRules(
                all.stream().filter(rule -> !rule.environments().isEmpty()).toList());
    }
}
