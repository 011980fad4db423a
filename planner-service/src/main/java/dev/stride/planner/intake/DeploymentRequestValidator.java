package dev.stride.planner.intake;

import static dev.stride.planner.intake.FieldChecks.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.spec.AwsAlbTarget;
import dev.stride.events.spec.AwsEcsTarget;
import dev.stride.events.spec.BlueGreenStrategy;
import dev.stride.events.spec.CanaryStrategy;
import dev.stride.events.spec.Durations;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.events.spec.Metric;
import dev.stride.events.spec.RollingStrategy;
import dev.stride.events.spec.Threshold;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a deployment request (the body CI posts, or the data of a DeploymentRequested event without its
 * {@code deploymentId}) and lists everything wrong with it, each naming its field. Pure code: the same rules
 * serve the REST and the Kafka intake.
 */
public final class DeploymentRequestValidator {

    static final Set<String> TOP_LEVEL = Set.of("application", "environment", "version", "artifact", "commitSha",
            "commitTime", "requestedBy", "target", "deployment", "rollback", "checks");
    public static final Set<String> ENVIRONMENTS = Set.of("development", "staging", "production");
    static final Set<String> STRATEGIES = Set.of(BlueGreenStrategy.NAME, CanaryStrategy.NAME, RollingStrategy.NAME);
    static final Set<String> ACTIONS = Set.of("automatic_rollback", "pause", "alert");

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    private static final Pattern NO_SPACE = Pattern.compile("\\S{1,512}");
    private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{7,64}");
    private static final Pattern RFC_3339 = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\\d{0,12}:\\S+");
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("/\\S*");
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:\\d{1,5}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String NAME_RULE = "must be a name of letters, digits, '.', '_' or '-'";
    /**
     * http or https, then no whitespace or control characters (at most 1024 characters, FieldChecks' limit).
     * Whitespace is ECMA-262's \s spelled out, as in common.schema.json's url, because java.util.regex's \s is
     * ASCII only: the schema and the planner accept the same URLs.
     */
    private static final Pattern URL = Pattern.compile("https?://[^\\u0000-\\u0020\\u007f\\u00a0\\u1680"
            + "\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]+");
    private static final String URL_RULE = "must be an http or https URL without spaces";
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    private static final Pattern FLAG_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final String FLAG_PLACEHOLDER = "{flag}";

    private static final int MAX_PHASES = 50;
    private static final int MAX_TRIGGERS = 20;
    private static final int MAX_CHECK_URLS = 20;
    private static final int MAX_FEATURE_FLAGS = 50;

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
            checks.add("(document)", "must be an object with application, environment, version, artifact, "
                    + "requestedBy, target and deployment");
            return checks.violations();
        }
        checks.onlyKnownFields(request, "", TOP_LEVEL);
        checks.matching(request, "application", "", true, DNS_LABEL,
                "must be a lowercase name of letters, digits and '-' (at most 63 characters)");
        checks.oneOf(request, "environment", "", true, ENVIRONMENTS);
        checks.matching(request, "version", "", true, VERSION,
                "must start with a letter or digit and hold only letters, digits, '.', '_', '+' or '-' "
                        + "(at most 128 characters)");
        checks.matching(request, "artifact", "", true, NO_SPACE,
                "must be an artifact reference without spaces (at most 512 characters)");
        checks.matching(request, "commitSha", "", false, COMMIT_SHA,
                "must be a lowercase hexadecimal commit id of 7 to 64 characters");
        checks.matching(request, "commitTime", "", false, RFC_3339,
                "must be an RFC 3339 time with seconds and offset, e.g. 2026-11-20T10:00:00Z")
                .ifPresent(text -> checks.parse(text, "commitTime", OffsetDateTime::parse));
        checks.string(request, "requestedBy", "", true);
        checks.object(request, "target", "", true).ifPresent(target -> target(checks, target));
        checks.object(request, "deployment", "", true).ifPresent(deployment -> deployment(checks, deployment));
        checks.object(request, "rollback", "", false).ifPresent(rollback -> rollback(checks, rollback));
        kubernetesBlueGreen(checks, request.path("target"), request.path("deployment"));
        checks.object(request, "checks", "", false).ifPresent(block -> checks(checks, block));
        return checks.violations();
    }

    // A Kubernetes blue-green switches the Service's selector, and only a router can split traffic between the
    // colours: without one, the steps below 100% could not be taken.
    private static void kubernetesBlueGreen(FieldChecks checks, JsonNode target, JsonNode deployment) {
        if (!KubernetesTarget.PLATFORM.equals(target.path("platform").asText(null))
                || !"blue-green".equals(deployment.path("strategy").asText(null))) {
            return;
        }
        if (!target.hasNonNull("service")) {
            checks.add("target.service", "is required for a blue-green on kubernetes: its selector picks the colour");
        }
        JsonNode shifting = deployment.path("traffic_shifting");
        boolean stepsBelowFull = shifting.path("initial_weight").asInt(0) > 0
                || shifting.path("increment").asInt(100) < 100;
        if (stepsBelowFull && !target.hasNonNull("ingress") && !target.hasNonNull("httpRoute")) {
            checks.add("target.ingress", "a blue-green on kubernetes with steps below 100% needs a router: name "
                    + "target.ingress or target.httpRoute, or set traffic_shifting.increment to 100");
        }
    }

    private static void target(FieldChecks checks, JsonNode target) {
        String at = "target";
        Optional<String> platform = checks.oneOf(target, "platform", at, true,
                Set.of(KubernetesTarget.PLATFORM, HaproxyTarget.PLATFORM, AwsAlbTarget.PLATFORM,
                        AwsEcsTarget.PLATFORM));
        if (platform.isEmpty()) {
            return;
        }
        switch (platform.get()) {
            case KubernetesTarget.PLATFORM -> {
                checks.onlyKnownFields(target, at, Set.of("platform", "namespace", "deployment", "service", "ingress",
                        "httpRoute", "maintenanceMode"));
                checks.matching(target, "namespace", at, true, DNS_LABEL, "must be a Kubernetes namespace name");
                for (String name : List.of("deployment", "service", "ingress", "httpRoute")) {
                    checks.matching(target, name, at, name.equals("deployment"), DNS_NAME,
                            "must be a Kubernetes object name (lowercase letters, digits, '-' and '.')");
                }
                if (target.hasNonNull("ingress") && target.hasNonNull("httpRoute")) {
                    checks.add(path(at, "httpRoute"), "give either ingress or httpRoute as the router, not both");
                }
                for (String router : List.of("ingress", "httpRoute")) {
                    if (target.hasNonNull(router) && !target.hasNonNull("service")) {
                        checks.add(path(at, "service"), "is required with target." + router
                                + " (the router sends the stable share to it)");
                    }
                }
                JsonNode maintenance = target.path("maintenanceMode");
                if (!maintenance.isMissingNode() && !maintenance.isNull()) {
                    if (!maintenance.isBoolean()) {
                        checks.add(path(at, "maintenanceMode"), "must be true or false");
                    } else if (maintenance.booleanValue() && !target.hasNonNull("ingress")) {
                        checks.add(path(at, "maintenanceMode"), "needs target.ingress: the annotation goes on it");
                    }
                }
            }
            case HaproxyTarget.PLATFORM -> {
                checks.onlyKnownFields(target, at,
                        Set.of("platform", "socket", "address", "backend", "stableServer", "canaryServer"));
                Optional<String> socket = checks.matching(target, "socket", at, false, ABSOLUTE_PATH,
                        "must be the absolute path of HAProxy's runtime API socket");
                Optional<String> address = checks.matching(target, "address", at, false, HOST_PORT,
                        "must be host:port of HAProxy's runtime API");
                if (!target.hasNonNull("socket") && !target.hasNonNull("address")) {
                    checks.add(path(at, "socket"), "is required unless target.address is given");
                } else if (socket.isPresent() && address.isPresent()) {
                    checks.add(path(at, "address"), "give either socket or address, not both");
                }
                for (String name : List.of("backend", "stableServer", "canaryServer")) {
                    checks.matching(target, name, at, true, NAME, NAME_RULE);
                }
                if (target.path("stableServer").equals(target.path("canaryServer"))
                        && target.hasNonNull("stableServer")) {
                    checks.add(path(at, "canaryServer"), "must differ from stableServer");
                }
            }
            case AwsAlbTarget.PLATFORM -> {
                checks.onlyKnownFields(target, at, Set.of("platform", "region", "listenerArn", "ruleArn", "roleArn"));
                checks.matching(target, "region", at, true, REGION, "must be an AWS region such as us-east-1");
                checks.matching(target, "listenerArn", at, true, ARN, "must be an ARN (arn:aws:...)");
                checks.matching(target, "ruleArn", at, false, ARN, "must be an ARN (arn:aws:...)");
                checks.matching(target, "roleArn", at, false, ARN, "must be an ARN (arn:aws:...)");
            }
            default -> {
                checks.onlyKnownFields(target, at,
                        Set.of("platform", "region", "cluster", "service", "container", "roleArn"));
                checks.matching(target, "region", at, true, REGION, "must be an AWS region such as us-east-1");
                for (String name : List.of("cluster", "service", "container")) {
                    checks.matching(target, name, at, !name.equals("container"), NAME, NAME_RULE);
                }
                checks.matching(target, "roleArn", at, false, ARN, "must be an ARN (arn:aws:...)");
            }
        }
    }

    private static void deployment(FieldChecks checks, JsonNode deployment) {
        String at = "deployment";
        Optional<String> strategy = checks.oneOf(deployment, "strategy", at, true, STRATEGIES);
        if (strategy.isEmpty()) {
            return;
        }
        switch (strategy.get()) {
            case BlueGreenStrategy.NAME -> blueGreen(checks, deployment, at);
            case CanaryStrategy.NAME -> canary(checks, deployment, at);
            default -> rolling(checks, deployment, at);
        }
    }

    private static void blueGreen(FieldChecks checks, JsonNode deployment, String at) {
        checks.onlyKnownFields(deployment, at, Set.of("strategy", "environments", "traffic_shifting"));
        checks.object(deployment, "environments", at, false).ifPresent(environments -> {
            String envAt = path(at, "environments");
            checks.onlyKnownFields(environments, envAt, Set.of("blue", "green"));
            for (String colour : List.of("blue", "green")) {
                checks.object(environments, colour, envAt, true).ifPresent(c -> {
                    String colourAt = path(envAt, colour);
                    checks.onlyKnownFields(c, colourAt,
                            Set.of("target_group", "auto_scaling_group", "health_check_path"));
                    checks.matching(c, "target_group", colourAt, false, NO_SPACE, "must not contain spaces");
                    checks.matching(c, "auto_scaling_group", colourAt, false, NO_SPACE, "must not contain spaces");
                    checks.matching(c, "health_check_path", colourAt, false, ABSOLUTE_PATH,
                            "must be a path starting with '/'");
                });
            }
        });
        checks.object(deployment, "traffic_shifting", at, true).ifPresent(shifting -> {
            String shiftAt = path(at, "traffic_shifting");
            checks.onlyKnownFields(shifting, shiftAt,
                    Set.of("initial_weight", "increment", "interval", "rollback_threshold"));
            checks.integer(shifting, "initial_weight", shiftAt, true, 0, 99);
            if (shifting.path("increment").isIntegralNumber() && shifting.path("increment").asLong() <= 0) {
                checks.add(path(shiftAt, "increment"),
                        "must be at least 1: with " + shifting.path("increment").asLong()
                                + " the new colour never reaches 100%");
            } else {
                checks.integer(shifting, "increment", shiftAt, true, 1, 100);
            }
            checks.parsed(shifting, "interval", shiftAt, true, Durations::parse);
            checks.integer(shifting, "rollback_threshold", shiftAt, false, 0, 1_000_000);
        });
    }

    private static void canary(FieldChecks checks, JsonNode deployment, String at) {
        checks.onlyKnownFields(deployment, at, Set.of("strategy", "phases"));
        checks.array(deployment, "phases", at, true).ifPresent(phases -> {
            String phasesAt = path(at, "phases");
            if (phases.isEmpty()) {
                checks.add(phasesAt, "must hold at least one phase");
                return;
            }
            if (phases.size() > MAX_PHASES) {
                checks.add(phasesAt, "must hold at most " + MAX_PHASES + " phases");
                return;
            }
            Set<String> names = new HashSet<>();
            int previous = 0;
            Integer last = null;
            for (int i = 0; i < phases.size(); i++) {
                String phaseAt = phasesAt + "[" + i + "]";
                JsonNode phase = phases.get(i);
                if (!phase.isObject()) {
                    checks.add(phaseAt, "must be an object with name, traffic_percentage, duration");
                    last = null;
                    continue;
                }
                checks.onlyKnownFields(phase, phaseAt,
                        Set.of("name", "traffic_percentage", "duration", "success_criteria"));
                checks.string(phase, "name", phaseAt, true).ifPresent(name -> {
                    if (!names.add(name)) {
                        checks.add(path(phaseAt, "name"), "repeats the name of an earlier phase");
                    }
                });
                last = checks.integer(phase, "traffic_percentage", phaseAt, true, 1, 100).orElse(null);
                if (last != null) {
                    if (last <= previous) {
                        checks.add(path(phaseAt, "traffic_percentage"),
                                "must be higher than the previous phase's " + previous);
                    }
                    previous = Math.max(previous, last);
                }
                boolean finalFull = i == phases.size() - 1 && last != null && last == 100;
                checks.parsed(phase, "duration", phaseAt, !finalFull, Durations::parse);
                checks.object(phase, "success_criteria", phaseAt, false)
                        .ifPresent(criteria -> criteria(checks, criteria, path(phaseAt, "success_criteria")));
            }
            if (last != null && last != 100) {
                checks.add(phasesAt + "[" + (phases.size() - 1) + "].traffic_percentage",
                        "the last phase must send 100% of traffic to the new version, not " + last);
            }
        });
    }

    private static void criteria(FieldChecks checks, JsonNode criteria, String at) {
        var fields = criteria.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            String field = path(at, entry.getKey());
            Optional<Metric> metric = Metric.of(entry.getKey());
            if (metric.isEmpty()) {
                checks.add(field, "unknown metric; known metrics are " + Metric.names());
                continue;
            }
            checks.parsed(criteria, entry.getKey(), at, true, Threshold::parse)
                    .ifPresent(threshold -> criterion(checks, field, metric.get(), threshold));
        }
    }

    /** A limit that must hold: it says which side passes, in the metric's unit. */
    private static void criterion(FieldChecks checks, String field, Metric metric, Threshold threshold) {
        if (threshold.comparison() == null) {
            checks.add(field, "must say which side passes, e.g. \"<1%\" or \"<500ms\"");
        }
        unitFits(checks, field, metric, threshold);
    }

    private static void unitFits(FieldChecks checks, String field, Metric metric, Threshold threshold) {
        if (threshold.unit() != metric.unit()) {
            checks.add(field, metric.wireName() + " is measured in "
                    + (metric.unit() == Threshold.Unit.PERCENT ? "percent (e.g. \"5%\")" : "time (e.g. \"500ms\")"));
        }
    }

    private static void rolling(FieldChecks checks, JsonNode deployment, String at) {
        checks.onlyKnownFields(deployment, at, Set.of("strategy", "batch_size", "max_unavailable", "health_check"));
        checks.integer(deployment, "batch_size", at, true, 1, 10_000);
        checks.integer(deployment, "max_unavailable", at, true, 0, 10_000);
        checks.object(deployment, "health_check", at, true).ifPresent(health -> {
            String healthAt = path(at, "health_check");
            checks.onlyKnownFields(health, healthAt,
                    Set.of("path", "timeout", "interval", "healthy_threshold", "unhealthy_threshold"));
            checks.matching(health, "path", healthAt, true, ABSOLUTE_PATH, "must be a path starting with '/'");
            checks.parsed(health, "timeout", healthAt, true, Durations::parse);
            checks.parsed(health, "interval", healthAt, true, Durations::parse);
            checks.integer(health, "healthy_threshold", healthAt, true, 1, 100);
            checks.integer(health, "unhealthy_threshold", healthAt, true, 1, 100);
        });
    }

    private static void rollback(FieldChecks checks, JsonNode rollback) {
        String at = "rollback";
        checks.onlyKnownFields(rollback, at, Set.of("triggers", "rollback_strategy"));
        checks.array(rollback, "triggers", at, true).ifPresent(triggers -> {
            String triggersAt = path(at, "triggers");
            if (triggers.isEmpty() || triggers.size() > MAX_TRIGGERS) {
                checks.add(triggersAt, "must hold from 1 to " + MAX_TRIGGERS + " triggers");
                return;
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < triggers.size(); i++) {
                String triggerAt = triggersAt + "[" + i + "]";
                JsonNode trigger = triggers.get(i);
                if (!trigger.isObject()) {
                    checks.add(triggerAt, "must be an object with name, metric, threshold, duration, action");
                    continue;
                }
                checks.onlyKnownFields(trigger, triggerAt, Set.of("name", "metric", "threshold", "duration", "action"));
                checks.string(trigger, "name", triggerAt, true).ifPresent(name -> {
                    if (!names.add(name)) {
                        checks.add(path(triggerAt, "name"), "repeats the name of an earlier trigger");
                    }
                });
                Optional<Metric> metric = checks.string(trigger, "metric", triggerAt, true).flatMap(name -> {
                    Optional<Metric> known = Metric.of(name);
                    if (known.isEmpty()) {
                        checks.add(path(triggerAt, "metric"), "unknown metric '" + name + "'; known metrics are "
                                + Metric.names());
                    }
                    return known;
                });
                checks.parsed(trigger, "threshold", triggerAt, true, Threshold::parse)
                        .ifPresent(threshold -> metric.ifPresent(
                                m -> unitFits(checks, path(triggerAt, "threshold"), m, threshold)));
                checks.parsed(trigger, "duration", triggerAt, true, Durations::parse);
                checks.oneOf(trigger, "action", triggerAt, true, ACTIONS);
            }
        });
        checks.object(rollback, "rollback_strategy", at, false).ifPresent(strategy -> {
            String strategyAt = path(at, "rollback_strategy");
            checks.onlyKnownFields(strategy, strategyAt, Set.of("method", "timeout", "verification_delay"));
            checks.oneOf(strategy, "method", strategyAt, true, Set.of("previous_version"));
            checks.parsed(strategy, "timeout", strategyAt, false, Durations::parse);
            checks.parsed(strategy, "verification_delay", strategyAt, false, Durations::parse);
        });
    }

    /** The pre- and post-deployment checks (DeploymentChecks): every part optional, each field checked. */
    private static void checks(FieldChecks checks, JsonNode block) {
        String at = "checks";
        checks.onlyKnownFields(block, at, Set.of("pre", "post"));
        checks.object(block, "pre", at, false).ifPresent(pre -> {
            String preAt = path(at, "pre");
            checks.onlyKnownFields(pre, preAt, Set.of("health", "database", "dependencies"));
            checks.object(pre, "health", preAt, false).ifPresent(health -> {
                String healthAt = path(preAt, "health");
                checks.onlyKnownFields(health, healthAt, Set.of("url", "expected_status"));
                checks.matching(health, "url", healthAt, true, URL, URL_RULE);
                checks.integer(health, "expected_status", healthAt, false, 100, 599);
            });
            checks.object(pre, "database", preAt, false).ifPresent(database -> {
                String databaseAt = path(preAt, "database");
                checks.onlyKnownFields(database, databaseAt, Set.of("host", "port"));
                checks.matching(database, "host", databaseAt, true, HOSTNAME,
                        "must be a host name of letters, digits, '-' and '.', starting and ending with a letter or "
                                + "digit (at most 253 characters)");
                checks.integer(database, "port", databaseAt, false, 1, 65_535);
            });
            urls(checks, pre, "dependencies", preAt);
        });
        checks.object(block, "post", at, false).ifPresent(post -> {
            String postAt = path(at, "post");
            checks.onlyKnownFields(post, postAt,
                    Set.of("endpoints", "error_rate", "response_time_p95", "feature_flags"));
            urls(checks, post, "endpoints", postAt);
            checks.parsed(post, "error_rate", postAt, false, Threshold::parse).ifPresent(
                    threshold -> criterion(checks, path(postAt, "error_rate"), Metric.ERROR_RATE, threshold));
            checks.parsed(post, "response_time_p95", postAt, false, Threshold::parse).ifPresent(threshold ->
                    criterion(checks, path(postAt, "response_time_p95"), Metric.RESPONSE_TIME_P95, threshold));
            checks.object(post, "feature_flags", postAt, false).ifPresent(flags -> {
                String flagsAt = path(postAt, "feature_flags");
                checks.onlyKnownFields(flags, flagsAt, Set.of("url", "required"));
                checks.matching(flags, "url", flagsAt, true, URL, URL_RULE).ifPresent(url -> {
                    if (!url.contains(FLAG_PLACEHOLDER)) {
                        checks.add(path(flagsAt, "url"),
                                "must contain " + FLAG_PLACEHOLDER + " where each flag's name goes");
                    }
                });
                checks.array(flags, "required", flagsAt, true).ifPresent(required -> {
                    String requiredAt = path(flagsAt, "required");
                    if (required.isEmpty() || required.size() > MAX_FEATURE_FLAGS) {
                        checks.add(requiredAt, "must hold from 1 to " + MAX_FEATURE_FLAGS + " flag names");
                        return;
                    }
                    for (int i = 0; i < required.size(); i++) {
                        checks.matchingText(required.get(i), requiredAt + "[" + i + "]", FLAG_NAME,
                                "must be a flag name of letters, digits, '.', '_' or '-' (at most 128 characters)");
                    }
                });
            });
        });
    }

    /** An optional list of at most {@value #MAX_CHECK_URLS} URLs. */
    private static void urls(FieldChecks checks, JsonNode parent, String name, String at) {
        checks.array(parent, name, at, false).ifPresent(urls -> {
            String urlsAt = path(at, name);
            if (urls.size() > MAX_CHECK_URLS) {
                checks.add(urlsAt, "must hold at most " + MAX_CHECK_URLS + " URLs");
                return;
            }
            for (int i = 0; i < urls.size(); i++) {
                checks.matchingText(urls.get(i), urlsAt + "[" + i + "]", URL, URL_RULE);
            }
        });
    }
}
