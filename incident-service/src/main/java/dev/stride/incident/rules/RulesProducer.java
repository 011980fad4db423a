package dev.stride.incident.rules;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.Severity;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.EnvironmentCatalog;
import dev.stride.events.spec.Metric;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The rules in force: configured ones when there are any, else the runbook's. They are made at start-up, not at the
 * first event, so a rule that does not parse stops the start.
 */
@ApplicationScoped
public class RulesProducer {

    private static final Logger LOG = Logger.getLogger(RulesProducer.class);

    /** Makes the rules now (an application-scoped bean is otherwise made when first used). */
    void validate(@Observes StartupEvent event, IncidentRules rules) {
        rules.rules();
    }

    @Produces
    @ApplicationScoped
    IncidentRules rules(ClassificationConfig config, EnvironmentCatalog environments) {
        IncidentRules rules =
                config.rules()
                        .filter(list -> !list.isEmpty())
                        .map(list -> parse(list, environments))
                        .orElseGet(() -> IncidentRules.runbookDefaults(environments));
        LOG.infof(
                "Classification rules: %s",
                rules.rules().stream().map(r -> r.name() + "=" + r.severity()).toList());
        return rules;
    }

    /** Turns configured rules into classification rules; the message names the offending key. */
    public static IncidentRules parse(List<ClassificationConfig.Rule> configured) {
        return parse(configured, EnvironmentCatalog.runbook());
    }

    /** As {@link #parse(List)}, a rule's environments being configured ones. */
    public static IncidentRules parse(
            List<ClassificationConfig.Rule> configured, EnvironmentCatalog environments) {
        List<ClassificationRule> rules = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            ClassificationConfig.Rule c = configured.get(i);
            String key = "stride.incident.classification.rules[" + i + "].";
            Signal.Source on = parse(key + "on", c.on(), Signal.Source::parse);
            rules.add(
                    new ClassificationRule(
                            c.name(),
                            on,
                            set(
                                    key + "environments",
                                    c.environments().orElse(List.of()),
                                    environments::require),
                            set(
                                    key + "metrics",
                                    c.metrics().orElse(List.of()),
                                    m ->
                                            Metric.of(m)
                                                    .map(Metric::wireName)
                                                    .orElseThrow(
                                                            () ->
                                                                    new IllegalArgumentException(
                                                                            "unknown metric, expected one of "
                                                                                    + Metric
                                                                                            .names()))),
                            set(
                                    key + "kinds",
                                    c.kinds().orElse(List.of()),
                                    k -> ThresholdBreached.Kind.valueOf(upper(k))),
                            set(
                                    key + "actions",
                                    c.actions().orElse(List.of()),
                                    a -> ThresholdBreached.Action.valueOf(upper(a))),
                            set(
                                    key + "outcomes",
                                    c.outcomes().orElse(List.of()),
                                    o -> outcome(on, upper(o))),
                            set(
                                    key + "requesters",
                                    c.requesters().orElse(List.of()),
                                    r -> Signal.Requester.valueOf(upper(r))),
                            parse(key + "severity", c.severity(), s -> Severity.valueOf(upper(s))),
                            c.cause().orElse(null),
                            c.title().orElse(null)));
        }
        return new IncidentRules(rules);
    }

    private static String outcome(Signal.Source on, String outcome) {
        Set<String> known = new HashSet<>();
        Arrays.stream(RollbackCompleted.Outcome.values()).forEach(o -> known.add(o.name()));
        Arrays.stream(DeploymentFinished.Outcome.values()).forEach(o -> known.add(o.name()));
        if (!known.contains(outcome)) {
            throw new IllegalArgumentException("unknown outcome, expected one of " + known);
        }
        return outcome;
    }

    private static String upper(String text) {
        return text.trim().toUpperCase(Locale.ROOT);
    }

    private static <T> Set<T> set(String key, List<String> values, Function<String, T> parse) {
        Set<T> parsed = new HashSet<>();
        for (String value : values) {
            parsed.add(parse(key, value, parse));
        }
        return parsed;
    }

    private static <T> T parse(String key, String value, Function<String, T> parse) {
        try {
            return parse.apply(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    key + ": '" + value + "' is not valid: " + e.getMessage(), e);
        }
    }
}
