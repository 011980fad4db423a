package dev.stride.verifier.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stride.events.ThresholdBreached;
import dev.stride.verifier.ConfigCheck;
import dev.stride.verifier.analysis.AnalysisJudge;
import dev.stride.verifier.analysis.RollbackTrigger;
import dev.stride.verifier.analysis.SuccessCriterion;
import dev.stride.verifier.metrics.Endpoints;
import dev.stride.verifier.metrics.MetricProvider;
import dev.stride.verifier.metrics.MetricProviders;
import dev.stride.verifier.metrics.MetricTemplates;
import dev.stride.verifier.metrics.Redaction;
import dev.stride.verifier.persistence.CheckResult;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs a CHECKS phase: the runbook's pre-deployment health check (target health endpoint and expected status,
 * PostgreSQL reachability, dependency health URLs) or its post-deployment validation (endpoints answering 200, the
 * error rate and p95 from the metric provider, feature flags that must report enabled) or the verification of
 * stable after a rollback (the health checks, and each rollback trigger measured on the stable version with the
 * {@code stable-selector} and {@code stable-track}: stable passes where it is not over the trigger's level). Every check is recorded with
 * its evidence; URLs are masked (no user info, no query values). Checks run side by side, each with the timeout.
 */
@ApplicationScoped
public class CheckRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    // PostgreSQL's SSLRequest: length 8, code 80877103. Any server answers one byte, 'S' or 'N',
    // before any login.
    private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 4, (byte) 0xd2, 0x16, 0x2f};

    private final Vertx vertx;
    private final MetricProviders metrics;
    private final MetricTemplates templates;
    private final Duration timeout;
    private final HttpClient http;

    public CheckRunner(
            Vertx vertx,
            MetricProviders metrics,
            MetricTemplates templates,
            @ConfigProperty(name = "stride.verifier.checks.timeout", defaultValue = "10s")
                    Duration timeout) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.templates = templates;
        this.timeout = ConfigCheck.positive("stride.verifier.checks.timeout", timeout);
        this.http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
    }

    /** Runs every check the phase's parameters name; an empty list when they name none. */
    public Uni<List<CheckResult>> run(Map<String, Object> parameters) {
        List<Uni<CheckResult>> checks = new ArrayList<>();
        if (parameters.get("health") instanceof Map<?, ?> health) {
            Object expected = health.get("expectedStatus");
            int status = expected instanceof Number n ? n.intValue() : 200;
            checks.add(
                    http(
                            "health",
                            String.valueOf(health.get("url")),
                            code -> code == status,
                            "expected " + status));
        }
        if (parameters.get("database") instanceof Map<?, ?> database) {
            Object port = database.get("port");
            checks.add(
                    postgres(
                            "database",
                            String.valueOf(database.get("host")),
                            port instanceof Number n ? n.intValue() : 5432));
        }
        if (parameters.get("migrationDatabase") instanceof Map<?, ?> migrated) {
            // The database the deployment's MIGRATION phases change: it must answer before they
            // start and after the release. Only host and port travel; the executor logs in.
            Object port = migrated.get("port");
            checks.add(
                    postgres(
                            "migration-database",
                            String.valueOf(migrated.get("host")),
                            port instanceof Number n ? n.intValue() : 5432));
        }
        for (String url : strings(parameters.get("dependencies"))) {
            checks.add(http("dependency", url, code -> code >= 200 && code < 300, "expected 2xx"));
        }
        for (String url : strings(parameters.get("endpoints"))) {
            checks.add(http("endpoint", url, code -> code == 200, "expected 200"));
        }
        if (parameters.get("featureFlags") instanceof Map<?, ?> flags) {
            String url = String.valueOf(flags.get("url"));
            for (String flag : strings(flags.get("required"))) {
                checks.add(featureFlag(url, flag));
            }
        }
        String application = text(parameters.get("application"));
        String environment = text(parameters.get("environment"));
        String version = text(parameters.get("version"));
        if (parameters.get("errorRate") != null) {
            checks.add(
                    metric(
                            "error_rate",
                            text(parameters.get("errorRate")),
                            application,
                            environment,
                            version));
        }
        if (parameters.get("responseTimeP95") != null) {
            checks.add(
                    metric(
                            "response_time_p95",
                            text(parameters.get("responseTimeP95")),
                            application,
                            environment,
                            version));
        }
        if ("rollback".equals(text(parameters.get("stage")))
                && parameters.get("rollbackTriggers") instanceof List<?> triggers) {
            boolean healthChecked =
                    parameters.get("health") != null
                            || !strings(parameters.get("endpoints")).isEmpty();
            for (Object trigger : triggers) {
                if (trigger instanceof Map<?, ?> level) {
                    Uni<CheckResult> check =
                            stableTrigger(level, application, environment, version, healthChecked);
                    if (check != null) {
                        checks.add(check);
                    }
                }
            }
        }
        if (checks.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.join().all(checks).andFailFast();
    }

    /**
     * The endpoint whose bulkhead a CHECKS phase counts against: its first target (the health URL, the database,
     * the first dependency, endpoint or feature-flag service, in that order), else the Prometheus its metric checks
     * ask. The phase's checks run side by side, each within the timeout, so one that does not answer holds the
     * phase no longer than that.
     */
    public String endpoint(Map<String, Object> parameters) {
        if (parameters.get("health") instanceof Map<?, ?> health && health.get("url") != null) {
            return Endpoints.of(String.valueOf(health.get("url")));
        }
        for (String key : List.of("database", "migrationDatabase")) {
            if (parameters.get(key) instanceof Map<?, ?> database) {
                Object port = database.get("port");
                return Endpoints.tcp(
                        text(database.get("host")), port instanceof Number n ? n.intValue() : 5432);
            }
        }
        for (String list : List.of("dependencies", "endpoints")) {
            List<String> urls = strings(parameters.get(list));
            if (!urls.isEmpty()) {
                return Endpoints.of(urls.get(0));
            }
        }
        if (parameters.get("featureFlags") instanceof Map<?, ?> flags && flags.get("url") != null) {
            return Endpoints.of(String.valueOf(flags.get("url")));
        }
        try {
            MetricTemplates.Settings settings =
                    templates.settings(
                            text(parameters.get("application")),
                            text(parameters.get("environment")));
            return metrics.forType(settings.provider())
                    .map(p -> p.endpoint(settings.prometheus()))
                    .orElse("");
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** What the checks came to, for people. */
    public static String summary(String stage, List<CheckResult> results) {
        String name =
                "pre".equals(stage)
                        ? "pre-deployment checks"
                        : "post".equals(stage)
                                ? "post-deployment checks"
                                : "rollback".equals(stage)
                                        ? "stable's verification after the rollback"
                                        : "checks";
        if (results.isEmpty()) {
            return name + " passed: none configured";
        }
        List<String> failed =
                results.stream()
                        .filter(r -> !r.passed())
                        .map(r -> r.name() + " " + r.target() + ": " + r.message())
                        .toList();
        return failed.isEmpty()
                ? name + " passed: " + results.size() + " of " + results.size()
                : name + " failed: " + String.join("; ", failed);
    }

    private Uni<CheckResult> http(
            String name, String url, java.util.function.IntPredicate ok, String expectation) {
        String shown = Redaction.url(url);
        long began = System.nanoTime();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            return Uni.createFrom()
                    .item(new CheckResult(name, shown, false, null, null, "not a usable URL"));
        }
        // The client's request timeout stops at the answer's headers; the deadline covers the whole
        // call.
        return Uni.createFrom()
                .completionStage(
                        () -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .ifNoItem()
                .after(timeout)
                .fail()
                .map(
                        response -> {
                            long latency = millisSince(began);
                            boolean passed = ok.test(response.statusCode());
                            return new CheckResult(
                                    name,
                                    shown,
                                    passed,
                                    response.statusCode(),
                                    latency,
                                    "answered "
                                            + response.statusCode()
                                            + " in "
                                            + latency
                                            + "ms"
                                            + (passed ? "" : ", " + expectation));
                        })
                .onFailure()
                .recoverWithItem(
                        failure ->
                                new CheckResult(
                                        name,
                                        shown,
                                        false,
                                        null,
                                        millisSince(began),
                                        unreachable(failure)));
    }

    private Uni<CheckResult> featureFlag(String template, String flag) {
        String url = template.replace("{flag}", URLEncoder.encode(flag, StandardCharsets.UTF_8));
        String shown = Redaction.url(url);
        long began = System.nanoTime();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            return Uni.createFrom()
                    .item(
                            new CheckResult(
                                    "feature-flag " + flag,
                                    shown,
                                    false,
                                    null,
                                    null,
                                    "not a usable URL"));
        }
        return Uni.createFrom()
                .completionStage(
                        () -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .ifNoItem()
                .after(timeout)
                .fail()
                .map(
                        response -> {
                            long latency = millisSince(began);
                            if (response.statusCode() != 200) {
                                return new CheckResult(
                                        "feature-flag " + flag,
                                        shown,
                                        false,
                                        response.statusCode(),
                                        latency,
                                        "answered "
                                                + response.statusCode()
                                                + ", expected 200 with {\"enabled\": true}");
                            }
                            JsonNode enabled;
                            try {
                                enabled = JSON.readTree(response.body()).path("enabled");
                            } catch (java.io.IOException e) {
                                enabled = null;
                            }
                            boolean on =
                                    enabled != null && enabled.isBoolean() && enabled.asBoolean();
                            return new CheckResult(
                                    "feature-flag " + flag,
                                    shown,
                                    on,
                                    200,
                                    latency,
                                    on ? "enabled" : "not enabled (expected {\"enabled\": true})");
                        })
                .onFailure()
                .recoverWithItem(
                        failure ->
                                new CheckResult(
                                        "feature-flag " + flag,
                                        shown,
                                        false,
                                        null,
                                        millisSince(began),
                                        unreachable(failure)));
    }

    /** A real connection attempt: PostgreSQL answers an SSLRequest before any login, as pg_isready relies on. */
    private Uni<CheckResult> postgres(String check, String host, int port) {
        String shown = host + ":" + port;
        long began = System.nanoTime();
        var client =
                vertx.getDelegate()
                        .createNetClient(
                                new NetClientOptions()
                                        .setConnectTimeout(
                                                (int)
                                                        Math.min(
                                                                Integer.MAX_VALUE,
                                                                timeout.toMillis())));
        Uni<CheckResult> attempt =
                Uni.createFrom()
                        .<Byte>emitter(
                                emitter ->
                                        client.connect(port, host)
                                                .onFailure(emitter::fail)
                                                .onSuccess(
                                                        socket -> {
                                                            socket.handler(
                                                                    buffer -> {
                                                                        emitter.complete(
                                                                                buffer.getByte(0));
                                                                        socket.close();
                                                                    });
                                                            socket.closeHandler(
                                                                    v ->
                                                                            emitter.fail(
                                                                                    new IllegalStateException(
                                                                                            "closed without answering")));
                                                            socket.write(
                                                                    Buffer.buffer(SSL_REQUEST));
                                                        }))
                        .ifNoItem()
                        .after(timeout)
                        .fail()
                        .map(
                                answer -> {
                                    long latency = millisSince(began);
                                    boolean postgres = answer == 'S' || answer == 'N';
                                    return new CheckResult(
                                            check,
                                            shown,
                                            postgres,
                                            null,
                                            latency,
                                            postgres
                                                    ? "PostgreSQL accepting connections (answered in "
                                                            + latency
                                                            + "ms)"
                                                    : "something answered, but not PostgreSQL");
                                })
                        .onFailure()
                        .recoverWithItem(
                                failure ->
                                        new CheckResult(
                                                check,
                                                shown,
                                                false,
                                                null,
                                                millisSince(began),
                                                unreachable(failure)));
        return attempt.eventually(() -> client.close());
    }

    private Uni<CheckResult> metric(
            String metric,
            String threshold,
            String application,
            String environment,
            String version) {
        SuccessCriterion criterion;
        try {
            criterion = new SuccessCriterion(metric, threshold);
            criterion.metBy(0); // parses the threshold
        } catch (IllegalArgumentException e) {
            return Uni.createFrom()
                    .item(new CheckResult(metric, threshold, false, null, null, e.getMessage()));
        }
        return measured(
                metric,
                metric,
                threshold,
                application,
                environment,
                version,
                false,
                criterion::metBy,
                " within ",
                " not within ");
    }

    /**
     * A rollback trigger on the stable version, after a rollback: stable passes where its value is not over the
     * trigger's level, measured with the stable selector and track.
     */
    private Uni<CheckResult> stableTrigger(
            Map<?, ?> trigger,
            String application,
            String environment,
            String version,
            boolean healthChecked) {
        String metric = text(trigger.get("metric"));
        String threshold = text(trigger.get("threshold"));
        String name = "stable " + metric;
        RollbackTrigger level;
        try {
            level =
                    new RollbackTrigger(
                            text(trigger.get("name")),
                            metric,
                            threshold,
                            null,
                            ThresholdBreached.Action.ALERT);
            level.breachedBy(0); // parses the threshold
        } catch (RuntimeException e) {
            return Uni.createFrom()
                    .item(new CheckResult(name, threshold, false, null, null, e.getMessage()));
        }
        if ("health_check_success_rate".equals(metric)
                && templates.template(application, environment, metric).isEmpty()) {
            // No query counts stable's health checks: the phase's own health checks stand for it.
            return healthChecked
                    ? null
                    : Uni.createFrom()
                            .item(
                                    new CheckResult(
                                            name,
                                            threshold,
                                            false,
                                            null,
                                            null,
                                            "no query for "
                                                    + metric
                                                    + " and no health check (checks.pre.health or"
                                                    + " checks.post.endpoints) to verify stable with"));
        }
        return measured(
                name,
                metric,
                threshold,
                application,
                environment,
                version,
                true,
                value -> !level.breachedBy(value),
                " not over the trigger's ",
                " over the trigger's ");
    }

    private Uni<CheckResult> measured(
            String name,
            String metric,
            String threshold,
            String application,
            String environment,
            String version,
            boolean stable,
            java.util.function.DoublePredicate passes,
            String within,
            String outside) {
        String query;
        String prometheus;
        MetricProvider provider;
        try {
            MetricTemplates.Settings settings = templates.settings(application, environment);
            if (stable) {
                settings = settings.stable();
                if (version == null && settings.selector().contains("{version}")) {
                    throw new IllegalArgumentException(
                            "the stable version is unknown (no earlier SUCCEEDED deployment of "
                                    + application
                                    + " to "
                                    + environment
                                    + "); set stride.verifier.stable-selector to select stable's"
                                    + " series without {version}");
                }
            }
            prometheus = settings.prometheus();
            String type = settings.provider();
            provider =
                    metrics.forType(type)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "no metric provider " + type));
            String template =
                    templates
                            .template(application, environment, metric)
                            .orElseThrow(
                                    () -> new IllegalArgumentException("no query for " + metric));
            query =
                    MetricTemplates.render(
                            template,
                            settings.selector(),
                            settings.variables(application, environment, version, Map.of()));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom()
                    .item(new CheckResult(name, threshold, false, null, null, e.getMessage()));
        }
        long began = System.nanoTime();
        return provider.measure(prometheus, query, Instant.now())
                .map(
                        reading -> {
                            long latency = millisSince(began);
                            return switch (reading.kind()) {
                                case VALUE -> {
                                    boolean met = passes.test(reading.value());
                                    yield new CheckResult(
                                            name,
                                            threshold,
                                            met,
                                            null,
                                            latency,
                                            AnalysisJudge.format(metric, reading.value())
                                                    + (met ? within : outside)
                                                    + threshold);
                                }
                                case NO_DATA ->
                                        new CheckResult(
                                                name,
                                                threshold,
                                                false,
                                                null,
                                                latency,
                                                "no data: " + reading.message());
                                case ERROR ->
                                        new CheckResult(
                                                name,
                                                threshold,
                                                false,
                                                null,
                                                latency,
                                                "provider error: " + reading.message());
                            };
                        });
    }

    private static String unreachable(Throwable failure) {
        Throwable cause =
                failure instanceof java.util.concurrent.CompletionException
                                && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
        if (cause instanceof java.net.http.HttpTimeoutException
                || cause instanceof io.smallrye.mutiny.TimeoutException) {
            return "no answer in time";
        }
        if (cause instanceof java.net.ConnectException) {
            return "connection refused";
        }
        String message = cause.getMessage();
        return "unreachable ("
                + cause.getClass().getSimpleName()
                + (message == null || message.contains("://") ? "" : ": " + message)
                + ")";
    }

    private static long millisSince(long began) {
        return (System.nanoTime() - began) / 1_000_000;
    }

    private static List<String> strings(Object value) {
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().filter(java.util.Objects::nonNull).map(String::valueOf).toList();
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
