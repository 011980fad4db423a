package dev.stride.planner.validation;

import static dev.stride.events.check.FieldChecks.path;
import static dev.stride.planner.validation.CriteriaRules.criterion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.spec.Metric;
import dev.stride.events.spec.Threshold;
import java.util.Set;
import java.util.regex.Pattern;

/** The request's {@code checks} block: the pre- and post-deployment checks, URLs and limits. */
final class CheckRules {

    /**
     * http or https, then no whitespace or control characters (at most 1024 characters, FieldChecks' limit).
     * Whitespace is ECMA-262's \s spelled out, as in common.schema.json's url, because java.util.regex's \s is
     * ASCII only: the schema and the planner accept the same URLs.
     */
    private static final Pattern URL =
            Pattern.compile(
                    "https?://[^\\u0000-\\u0020\\u007f\\u00a0\\u1680"
                            + "\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]+");

    private static final String URL_RULE = "must be an http or https URL without spaces";
    private static final Pattern HOSTNAME =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    private static final Pattern FLAG_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final String FLAG_PLACEHOLDER = "{flag}";

    private static final int MAX_CHECK_URLS = 20;
    private static final int MAX_FEATURE_FLAGS = 50;

    private CheckRules() {}

    /** The pre- and post-deployment checks (DeploymentChecks): every part optional, each field checked. */
    static void checks(FieldChecks checks, JsonNode block) {
        String at = "checks";
        checks.onlyKnownFields(block, at, Set.of("pre", "post"));
        checks.object(block, "pre", at, false)
                .ifPresent(
                        pre -> {
                            String preAt = path(at, "pre");
                            checks.onlyKnownFields(
                                    pre, preAt, Set.of("health", "database", "dependencies"));
                            checks.object(pre, "health", preAt, false)
                                    .ifPresent(
                                            health -> {
                                                String healthAt = path(preAt, "health");
                                                checks.onlyKnownFields(
                                                        health,
                                                        healthAt,
                                                        Set.of("url", "expected_status"));
                                                checks.matching(
                                                        health, "url", healthAt, true, URL,
                                                        URL_RULE);
                                                checks.integer(
                                                        health,
                                                        "expected_status",
                                                        healthAt,
                                                        false,
                                                        100,
                                                        599);
                                            });
                            database(checks, pre, preAt);
                            urls(checks, pre, "dependencies", preAt);
                        });
        checks.object(block, "post", at, false)
                .ifPresent(
                        post -> {
                            String postAt = path(at, "post");
                            checks.onlyKnownFields(
                                    post,
                                    postAt,
                                    Set.of(
                                            "endpoints",
                                            "error_rate",
                                            "response_time_p95",
                                            "feature_flags",
                                            "database"));
                            urls(checks, post, "endpoints", postAt);
                            database(checks, post, postAt);
                            checks.parsed(post, "error_rate", postAt, false, Threshold::parse)
                                    .ifPresent(
                                            threshold ->
                                                    criterion(
                                                            checks,
                                                            path(postAt, "error_rate"),
                                                            Metric.ERROR_RATE,
                                                            threshold));
                            checks.parsed(
                                            post,
                                            "response_time_p95",
                                            postAt,
                                            false,
                                            Threshold::parse)
                                    .ifPresent(
                                            threshold ->
                                                    criterion(
                                                            checks,
                                                            path(postAt, "response_time_p95"),
                                                            Metric.RESPONSE_TIME_P95,
                                                            threshold));
                            checks.object(post, "feature_flags", postAt, false)
                                    .ifPresent(
                                            flags -> {
                                                String flagsAt = path(postAt, "feature_flags");
                                                checks.onlyKnownFields(
                                                        flags, flagsAt, Set.of("url", "required"));
                                                checks.matching(
                                                                flags, "url", flagsAt, true, URL,
                                                                URL_RULE)
                                                        .ifPresent(
                                                                url -> {
                                                                    if (!url.contains(
                                                                            FLAG_PLACEHOLDER)) {
                                                                        checks.add(
                                                                                path(
                                                                                        flagsAt,
                                                                                        "url"),
                                                                                "must contain "
                                                                                        + FLAG_PLACEHOLDER
                                                                                        + " where each flag's name goes");
                                                                    }
                                                                });
                                                checks.array(flags, "required", flagsAt, true)
                                                        .ifPresent(
                                                                required -> {
                                                                    String requiredAt =
                                                                            path(
                                                                                    flagsAt,
                                                                                    "required");
                                                                    if (required.isEmpty()
                                                                            || required.size()
                                                                                    > MAX_FEATURE_FLAGS) {
                                                                        checks.add(
                                                                                requiredAt,
                                                                                "must hold from 1 to "
                                                                                        + MAX_FEATURE_FLAGS
                                                                                        + " flag names");
                                                                        return;
                                                                    }
                                                                    for (int i = 0;
                                                                            i < required.size();
                                                                            i++) {
                                                                        checks.matchingText(
                                                                                required.get(i),
                                                                                requiredAt
                                                                                        + "["
                                                                                        + i
                                                                                        + "]",
                                                                                FLAG_NAME,
                                                                                "must be a flag name of letters, digits, '.', '_' or '-' (at most 128 characters)");
                                                                    }
                                                                });
                                            });
                        });
    }

    /** An optional list of at most {@value #MAX_CHECK_URLS} URLs. */
    private static void urls(FieldChecks checks, JsonNode parent, String name, String at) {
        checks.array(parent, name, at, false)
                .ifPresent(
                        urls -> {
                            String urlsAt = path(at, name);
                            if (urls.size() > MAX_CHECK_URLS) {
                                checks.add(urlsAt, "must hold at most " + MAX_CHECK_URLS + " URLs");
                                return;
                            }
                            for (int i = 0; i < urls.size(); i++) {
                                checks.matchingText(
                                        urls.get(i), urlsAt + "[" + i + "]", URL, URL_RULE);
                            }
                        });
    }

    /** A {@code database} to reach (the runbook's pg_isready), before or after the deployment. */
    private static void database(FieldChecks checks, JsonNode parent, String parentAt) {
        checks.object(parent, "database", parentAt, false)
                .ifPresent(
                        database -> {
                            String databaseAt = path(parentAt, "database");

                            checks.onlyKnownFields(database, databaseAt, Set.of("host", "port"));
                            checks.matching(
                                    database,
                                    "host",
                                    databaseAt,
                                    true,
                                    HOSTNAME,
                                    "must be a host name of letters, digits, '-' and '.', starting and ending with a letter or "
                                            + "digit (at most 253 characters)");
                            checks.integer(database, "port", databaseAt, false, 1, 65_535);
                        });
    }
}
