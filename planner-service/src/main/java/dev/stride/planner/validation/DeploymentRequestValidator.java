package dev.stride.planner.validation;

import static dev.stride.events.check.Formats.DNS_LABEL;
import static dev.stride.events.check.Formats.NO_SPACE;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.check.Violation;
import dev.stride.events.spec.EnvironmentCatalog;
import dev.stride.events.spec.Platforms;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a deployment request (the body CI posts, or the data of a DeploymentRequested event without its
 * {@code deploymentId}) and lists everything wrong with it, each naming its field. Pure code: the same rules
 * serve admission from REST and from Kafka.
 *
 * <p>This class checks the top-level fields and hands each block to the rules of its concern: {@link TargetRules}
 * (the platform's own rules, found in {@link Platforms}), {@link StrategyRules}, {@link RollbackRules} and
 * {@link CheckRules} and
 * {@link DatabaseRules}. Violations come in that order, the rules spanning target and deployment before the checks.
 */
public final class DeploymentRequestValidator {

    static final Set<String> TOP_LEVEL =
            Set.of(
                    "application",
                    "environment",
                    "version",
                    "artifact",
                    "commitSha",
                    "commitTime",
                    "requestedBy",
                    "target",
                    "deployment",
                    "rollback",
                    "checks",
                    "database");

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{7,64}");
    private static final Pattern RFC_3339 =
            Pattern.compile(
                    "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

    private final TargetRules targets;
    private final EnvironmentCatalog environments;

    /** A validator for the platforms Stride ships ({@link Platforms#standard()}) and the runbook's environments. */
    public DeploymentRequestValidator() {
        this(Platforms.standard(), EnvironmentCatalog.runbook());
    }

    /** A validator for the platforms of {@code platforms} and the runbook's environments. */
    public DeploymentRequestValidator(Platforms platforms) {
        this(platforms, EnvironmentCatalog.runbook());
    }

    /** A validator for the platforms of {@code platforms} and the configured {@code environments}. */
    public DeploymentRequestValidator(Platforms platforms, EnvironmentCatalog environments) {
        this.targets = new TargetRules(platforms);
        this.environments = environments;
    }

    /** Validates a request from CI: unknown fields are refused, so a typo cannot drop a success criterion. */
    public List<Violation> validate(JsonNode request) {
        return validate(request, false);
    }

    /**
     * Validates a request; with {@code tolerateUnknownFields}, fields this version does not know are ignored, as
     * the event contract promises to producers of DeploymentRequested on Kafka.
     */
    public List<Violation> validate(JsonNode request, boolean tolerateUnknownFields) {
        FieldChecks checks = new FieldChecks(tolerateUnknownFields);
        if (request == null || !request.isObject()) {
            checks.add(
                    "(document)",
                    "must be an object with application, environment, version, artifact, "
                            + "requestedBy, target and deployment");
            return checks.violations();
        }
        checks.onlyKnownFields(request, "", TOP_LEVEL);
        checks.matching(
                request,
                "application",
                "",
                true,
                DNS_LABEL,
                "must be a lowercase name of letters, digits and '-' (at most 63 characters)");
        checks.parsed(request, "environment", "", true, environments::require);
        checks.matching(
                request,
                "version",
                "",
                true,
                VERSION,
                "must start with a letter or digit and hold only letters, digits, '.', '_', '+' or '-' "
                        + "(at most 128 characters)");
        checks.matching(
                request,
                "artifact",
                "",
                true,
                NO_SPACE,
                "must be an artifact reference without spaces (at most 512 characters)");
        checks.matching(
                request,
                "commitSha",
                "",
                false,
                COMMIT_SHA,
                "must be a lowercase hexadecimal commit id of 7 to 64 characters");
        checks.matching(
                        request,
                        "commitTime",
                        "",
                        false,
                        RFC_3339,
                        "must be an RFC 3339 time with seconds and offset, e.g. 2026-11-20T10:00:00Z")
                .ifPresent(text -> checks.parse(text, "commitTime", OffsetDateTime::parse));
        checks.string(request, "requestedBy", "", true);
        checks.object(request, "target", "", true)
                .ifPresent(target -> targets.target(checks, target));
        checks.object(request, "deployment", "", true)
                .ifPresent(deployment -> StrategyRules.deployment(checks, deployment));
        checks.object(request, "rollback", "", false)
                .ifPresent(rollback -> RollbackRules.rollback(checks, rollback));
        targets.withDeployment(checks, request.path("target"), request.path("deployment"));
        checks.object(request, "checks", "", false)
                .ifPresent(block -> CheckRules.checks(checks, block));
        checks.object(request, "database", "", false)
                .ifPresent(
                        block -> {
                            DatabaseRules.database(checks, block);
                            DatabaseRules.withDeployment(checks, request.path("target"), block);
                        });
        return checks.violations();
    }
}
