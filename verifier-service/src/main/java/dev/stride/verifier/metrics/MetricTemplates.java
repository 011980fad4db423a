package dev.stride.verifier.metrics;

import dev.stride.events.spec.Durations;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * The analysis settings and PromQL templates, per environment and application. A key is looked up, most specific
 * first, as {@code stride.verifier.application.<app>.environment.<env>.<key>}, then
 * {@code stride.verifier.application.<app>.<key>}, {@code stride.verifier.environment.<env>.<key>} and
 * {@code stride.verifier.<key>}. Keys: {@code interval}, {@code window}, {@code selector}, {@code track},
 * {@code no-data-limit}, {@code consecutive-error-limit}, {@code query.<metric>}, {@code provider} (the metric
 * provider's type, default {@code prometheus}), {@code prometheus.url} (the Prometheus that application's
 * analyses ask: one that does not answer delays only them; another provider's URL is {@code <provider>.url}), and
 * {@code incident-interval} (the interval while an incident is open there), {@code probe.url}, {@code probe.count},
 * {@code probe.timeout} (the release's health endpoint, a template like the
 * queries, that the verifier probes for {@code health_check_success_rate} when that metric has no query).
 *
 * <p>A template names variables in braces: {@code {selector}} (itself a template, expanded first, not quoted),
 * {@code {application}}, {@code {environment}}, {@code {version}}, {@code {track}}, {@code {window}} and the
 * target's own ({@code Target.templateVariables()}: {@code {backend}}, {@code {namespace}}, {@code {cluster}}, ...).
 * Values are escaped for a PromQL string literal. A template must yield its metric in the metric's unit: percent for rates, milliseconds for times.
 */
@ApplicationScoped
public class MetricTemplates {

    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final int MAX_PROBES = 20;
    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z]+)}");
    private static final Pattern PROMQL_DURATION =
            Pattern.compile("\\d+(ms|s|m|h)(\\d+(ms|s|m|h))*");

    private final Config config;

    public MetricTemplates(Config config) {
        this.config = config;
    }

    /** The settings that hold for {@code application} in {@code environment}. */
    public Settings settings(String application, String environment) {
        Duration interval =
                Durations.parse(lookup(application, environment, "interval").orElse("10s"));
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException(
                    "stride.verifier interval must be at least 1s, is " + interval);
        }
        Duration halved = interval.dividedBy(2);
        Duration incidentInterval =
                lookup(application, environment, "incident-interval")
                        .map(Durations::parse)
                        .orElse(halved.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : halved);
        if (incidentInterval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException(
                    "stride.verifier incident-interval must be at least 1s, is "
                            + incidentInterval);
        }
        String window = lookup(application, environment, "window").orElse("30s");
        if (!PROMQL_DURATION.matcher(window).matches()) {
            throw new IllegalArgumentException(
                    "stride.verifier window must be a PromQL duration such as 30s");
        }
        String provider =
                lookup(application, environment, "provider").orElse(MetricProviders.DEFAULT);
        int probes = integer(application, environment, "probe.count", "5");
        if (probes < 1 || probes > MAX_PROBES) {
            throw new IllegalArgumentException(
                    "stride.verifier probe.count must be 1 to " + MAX_PROBES + ", is " + probes);
        }
        Duration probeTimeout =
                Durations.parse(lookup(application, environment, "probe.timeout").orElse("2s"));
        Duration checksTimeout =
                config.getOptionalValue("stride.verifier.checks.timeout", String.class)
                        .map(MetricTemplates::duration)
                        .orElse(Duration.ofSeconds(10));
        if (probeTimeout.isZero()
                || probeTimeout.isNegative()
                || probeTimeout.compareTo(checksTimeout) > 0) {
            throw new IllegalArgumentException(
                    "stride.verifier probe.timeout must be longer than 0 and at most"
                            + " stride.verifier.checks.timeout ("
                            + checksTimeout
                            + "), is "
                            + probeTimeout);
        }
        return new Settings(
                interval,
                window,
                lookup(application, environment, "selector").orElse(""),
                lookup(application, environment, "track").orElse("canary"),
                Integer.parseInt(lookup(application, environment, "no-data-limit").orElse("3")),
                Integer.parseInt(
                        lookup(application, environment, "consecutive-error-limit").orElse("4")),
                lookup(application, environment, provider + ".url")
                        .orElse(
                                MetricProviders.DEFAULT.equals(provider)
                                        ? "http://localhost:9090"
                                        : null),
                provider,
                lookup(application, environment, "probe.url").orElse(null),
                probes,
                probeTimeout,
                incidentInterval,
                lookup(application, environment, "stable-selector")
                        .or(() -> lookup(application, environment, "selector"))
                        .orElse(""),
                lookup(application, environment, "stable-track").orElse("stable"));
    }

    // As Quarkus reads a Duration key: ISO-8601 (PT10S) or a number with a unit (10s).
    private static Duration duration(String value) {
        String text = value.strip();
        return text.startsWith("P") || text.startsWith("p")
                ? Duration.parse(text)
                : Durations.parse(text);
    }

    private int integer(String application, String environment, String key, String otherwise) {
        String value = lookup(application, environment, key).orElse(otherwise);
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "stride.verifier " + key + " must be a whole number, is " + value, e);
        }
    }

    /** The configured template for {@code metric}, if any. */
    public Optional<String> template(String application, String environment, String metric) {
        return lookup(application, environment, "query." + metric);
    }

    /**
     * Renders {@code template}: {@code {selector}} first, then the variables in {@code values}. An unknown
     * variable is left as written, so a PromQL brace never gets eaten.
     */
    public static String render(String template, String selector, Map<String, String> values) {
        String expanded = template.replace("{selector}", substitute(selector, values));
        return substitute(expanded, values);
    }

    /**
     * Renders a URL template ({@code probe.url}) with the variables in {@code values}, each percent-encoded, so a
     * value cannot add a path, a query or a host. An unknown variable is left as written.
     */
    public static String renderUrl(String template, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(
                    out,
                    Matcher.quoteReplacement(
                            value == null
                                    ? m.group()
                                    : java.net.URLEncoder.encode(
                                            value, java.nio.charset.StandardCharsets.UTF_8)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String substitute(String text, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(
                    out,
                    Matcher.quoteReplacement(
                            value == null ? m.group() : escape(m.group(1), value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    // A window goes in brackets, the rest inside double quotes.
    private static String escape(String variable, String value) {
        return "window".equals(variable)
                ? value
                : value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private Optional<String> lookup(String application, String environment, String key) {
        List<String> candidates =
                List.of(
                        "stride.verifier.application."
                                + application
                                + ".environment."
                                + environment
                                + "."
                                + key,
                        "stride.verifier.application." + application + "." + key,
                        "stride.verifier.environment." + environment + "." + key,
                        "stride.verifier." + key);
        for (String candidate : candidates) {
            Optional<String> value = config.getOptionalValue(candidate, String.class);
            if (value.isPresent() && !value.get().isBlank()) {
                return value;
            }
        }
        return Optional.empty();
    }

    /**
     * Resolved analysis settings of one application in one environment.
     *
     * @param prometheus the base URL of the provider's endpoint ({@code prometheus.url} for Prometheus, else
     *        {@code <provider>.url})
     * @param provider the metric provider's type ({@code provider}, default {@code prometheus})
     * @param probeUrl the template of the release's health URL ({@code probe.url}), or null: none configured
     * @param probeCount the probes per measurement ({@code probe.count}, default 5)
     * @param probeTimeout each probe's deadline ({@code probe.timeout}, default 2s)
     * @param incidentInterval the interval while an incident is open for the application and environment
     *        ({@code incident-interval}, default half the interval, at least 1s; never longer than the interval)
     * @param stableSelector which series are the stable version's, for its verification after a rollback
     *        ({@code stable-selector}, default the selector, rendered with the stable version)
     * @param stableTrack the {@code {track}} of the stable version ({@code stable-track}, default {@code stable})
     */
    public record Settings(
            Duration interval,
            String window,
            String selector,
            String track,
            int noDataLimit,
            int errorLimit,
            String prometheus,
            String provider,
            String probeUrl,
            int probeCount,
            Duration probeTimeout,
            Duration incidentInterval,
            String stableSelector,
            String stableTrack) {

        /** These settings while an incident is open: measured every {@code incidentInterval}. */
        public Settings watched() {
            return new Settings(
                    incidentInterval.compareTo(interval) < 0 ? incidentInterval : interval,
                    window,
                    selector,
                    track,
                    noDataLimit,
                    errorLimit,
                    prometheus,
                    provider,
                    probeUrl,
                    probeCount,
                    probeTimeout,
                    incidentInterval,
                    stableSelector,
                    stableTrack);
        }

        /** These settings for the stable version: its selector and its track. */
        public Settings stable() {
            return new Settings(
                    interval,
                    window,
                    stableSelector,
                    stableTrack,
                    noDataLimit,
                    errorLimit,
                    prometheus,
                    provider,
                    probeUrl,
                    probeCount,
                    probeTimeout,
                    incidentInterval,
                    stableSelector,
                    stableTrack);
        }

        /** The variables a template of this release may use. */
        public Map<String, String> variables(
                String application,
                String environment,
                String version,
                Map<String, String> target) {
            Map<String, String> values = new LinkedHashMap<>(target);
            values.put("application", application);
            values.put("environment", environment);
            values.put("version", version);
            values.put("track", track);
            values.put("window", window);
            return values;
        }
    }
}
