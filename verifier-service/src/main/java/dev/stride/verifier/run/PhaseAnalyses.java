package dev.stride.verifier.run;

import dev.stride.events.PhaseRequested;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Durations;
import dev.stride.events.spec.Metric;
import dev.stride.events.spec.Threshold;
import dev.stride.verifier.analysis.AnalysisSpec;
import dev.stride.verifier.analysis.HealthProbe;
import dev.stride.verifier.analysis.RollbackTrigger;
import dev.stride.verifier.analysis.SuccessCriterion;
import dev.stride.verifier.metrics.MetricTemplates;
import dev.stride.verifier.metrics.Redaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an analysed phase's PhaseRequested into its {@link AnalysisSpec}: the phase's hold ({@code duration}, or a
 * blue-green step's {@code interval}), its success criteria, the deployment's rollback triggers, and each metric's
 * query (the phase's own {@code queries.<metric>} if it carries PromQL, else the configured template), rendered for
 * this release. {@code health_check_success_rate} without a query is probed on the release's health endpoint when
 * {@code probe.url} is configured. What cannot be analysed throws {@link IllegalArgumentException} naming the parameter.
 */
final class PhaseAnalyses {

    private static final String HEALTH = Metric.HEALTH_CHECK_SUCCESS_RATE.wireName();

    private PhaseAnalyses() {}

    static AnalysisSpec spec(PhaseRequested phase, MetricTemplates templates) {
        return spec(phase, templates, false);
    }

    /**
     * The spec of {@code phase}; {@code watched}: an incident is open for its application and environment, so it is
     * measured at {@code incident-interval}.
     */
    static AnalysisSpec spec(PhaseRequested phase, MetricTemplates templates, boolean watched) {
        Map<String, Object> parameters = phase.parameters() == null ? Map.of() : phase.parameters();
        String application = text(parameters.get("application"));
        String environment = text(parameters.get("environment"));
        String version = text(parameters.get("version"));
        MetricTemplates.Settings settings = templates.settings(application, environment);
        if (watched) {
            settings = settings.watched();
        }
        Duration hold = hold(parameters);
        List<SuccessCriterion> criteria = new ArrayList<>();
        if (parameters.get("successCriteria") instanceof Map<?, ?> map) {
            map.forEach(
                    (metric, threshold) ->
                            criteria.add(
                                    checked(
                                            new SuccessCriterion(
                                                    String.valueOf(metric), text(threshold)),
                                            "successCriteria." + metric)));
        }
        List<RollbackTrigger> triggers = new ArrayList<>();
        if (parameters.get("rollbackTriggers") instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map<?, ?> trigger) {
                    triggers.add(trigger(trigger, "rollbackTriggers[" + i + "]"));
                }
            }
        }
        Map<String, String> variables =
                settings.variables(application, environment, version, targetVariables(phase));
        Map<String, String> own =
                parameters.get("queries") instanceof Map<?, ?> queries
                        ? stringMap(queries)
                        : Map.of();
        Map<String, String> rendered = new LinkedHashMap<>();
        boolean promoted = Boolean.TRUE.equals(parameters.get("promoted"));
        if (promoted) {
            return new AnalysisSpec(
                    application,
                    environment,
                    version,
                    hold,
                    settings.interval(),
                    settings.window(),
                    List.of(),
                    List.of(),
                    Map.of(),
                    settings.noDataLimit(),
                    settings.errorLimit(),
                    true,
                    settings.prometheus());
        }
        AnalysisSpec unrendered =
                new AnalysisSpec(
                        application,
                        environment,
                        version,
                        hold,
                        settings.interval(),
                        settings.window(),
                        triggers,
                        criteria,
                        Map.of(),
                        settings.noDataLimit(),
                        settings.errorLimit(),
                        false);
        HealthProbe probe = null;
        for (String metric : unrendered.metrics()) {
            java.util.Optional<String> template =
                    own.containsKey(metric)
                            ? java.util.Optional.of(own.get(metric))
                            : templates.template(application, environment, metric);
            if (template.isPresent()) {
                rendered.put(
                        metric,
                        MetricTemplates.render(template.get(), settings.selector(), variables));
            } else if (HEALTH.equals(metric) && settings.probeUrl() != null) {
                probe = probe(settings, variables);
            } else {
                throw new IllegalArgumentException(
                        "no query for metric "
                                + metric
                                + " (configure stride.verifier.query."
                                + metric
                                + (HEALTH.equals(metric)
                                        ? ", or stride.verifier.probe.url for the verifier to probe"
                                                + " the release's health endpoint"
                                        : "")
                                + ")");
            }
        }
        return new AnalysisSpec(
                application,
                environment,
                version,
                hold,
                settings.interval(),
                settings.window(),
                triggers,
                criteria,
                rendered,
                settings.noDataLimit(),
                settings.errorLimit(),
                false,
                settings.prometheus(),
                null,
                probe);
    }

    // The health URL is a template of the release like a query, but a URL: values go in as they
    // are, and it must come out an http(s) URL.
    private static HealthProbe probe(
            MetricTemplates.Settings settings, Map<String, String> variables) {
        String url = MetricTemplates.renderUrl(settings.probeUrl(), variables);
        java.net.URI uri;
        try {
            uri = java.net.URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "stride.verifier probe.url is not a URL once rendered: " + Redaction.url(url),
                    e);
        }
        if (uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme())
                        || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw new IllegalArgumentException(
                    "stride.verifier probe.url must render to an http(s) URL with a host, is "
                            + Redaction.url(url));
        }
        return new HealthProbe(url, settings.probeCount(), settings.probeTimeout());
    }

    private static Duration hold(Map<String, Object> parameters) {
        for (String key : List.of("duration", "interval")) {
            Object value = parameters.get(key);
            if (value != null) {
                try {
                    return Durations.parse(text(value));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(key + " " + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    private static RollbackTrigger trigger(Map<?, ?> trigger, String at) {
        String metric = text(trigger.get("metric"));
        if (metric == null) {
            throw new IllegalArgumentException(at + ".metric is missing");
        }
        Duration duration = null;
        if (trigger.get("duration") != null) {
            try {
                duration = Durations.parse(text(trigger.get("duration")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ".duration " + e.getMessage(), e);
            }
        }
        String action = text(trigger.get("action"));
        ThresholdBreached.Action parsed = ThresholdBreached.Action.AUTOMATIC_ROLLBACK;
        if (action != null) {
            try {
                parsed = ThresholdBreached.Action.valueOf(action.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        at + ".action must be automatic_rollback, pause or alert", e);
            }
        }
        RollbackTrigger parsedTrigger =
                new RollbackTrigger(
                        text(trigger.get("name")),
                        metric,
                        text(trigger.get("threshold")),
                        duration,
                        parsed);
        try {
            Threshold.parse(parsedTrigger.threshold());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ".threshold " + e.getMessage(), e);
        }
        return parsedTrigger;
    }

    private static SuccessCriterion checked(SuccessCriterion criterion, String at) {
        try {
            Threshold.parse(criterion.threshold());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + " " + e.getMessage(), e);
        }
        return criterion;
    }

    // The target names its own variables (namespace, backend, cluster, ...): no platform is known
    // here.
    private static Map<String, String> targetVariables(PhaseRequested phase) {
        return phase.target() == null ? Map.of() : phase.target().templateVariables();
    }

    private static Map<String, String> stringMap(Map<?, ?> map) {
        Map<String, String> strings = new LinkedHashMap<>();
        map.forEach((k, v) -> strings.put(String.valueOf(k), text(v)));
        return strings;
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
