package dev.stride.planner.validation;

import static dev.stride.events.check.FieldChecks.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.spec.Metric;
import dev.stride.events.spec.Threshold;
import java.util.Map;
import java.util.Optional;

/**
 * Limits on a metric, wherever a request gives them (a canary phase's success criteria, a rollback trigger, the
 * post-deployment checks): a known metric, and a threshold in its unit.
 */
final class CriteriaRules {

    private CriteriaRules() {}

    static void criteria(FieldChecks checks, JsonNode criteria, String at) {
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
    static void criterion(FieldChecks checks, String field, Metric metric, Threshold threshold) {
        if (threshold.comparison() == null) {
            checks.add(field, "must say which side passes, e.g. \"<1%\" or \"<500ms\"");
        }
        unitFits(checks, field, metric, threshold);
    }

    static void unitFits(FieldChecks checks, String field, Metric metric, Threshold threshold) {
        if (threshold.unit() != metric.unit()) {
            checks.add(field, metric.wireName() + " is measured in " + metric.unit().description());
        }
    }
}
