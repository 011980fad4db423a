package dev.stride.events.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds a target's {@link Target#templateVariables()}: names and values in order, a null value left out. */
final class TemplateVariables {

    private TemplateVariables() {}

    static Map<String, String> of(String... namesAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                values.put(namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return Collections.unmodifiableMap(values);
    }
}
