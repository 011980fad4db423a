package dev.stride.planner.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, unmodifiable copies of phase parameters. Only values that serialize to the same JSON on every mapper are
 * let in, so a plan stored as JSON and read back equals the plan that was compiled.
 */
final class Parameters {

    private Parameters() {}

    static Map<String, Object> copyOf(Map<?, ?> parameters) {
        return copyMap(parameters, "parameters");
    }

    private static Map<String, Object> copyMap(Map<?, ?> map, String at) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new IllegalArgumentException(
                        at + " has a key that is not a string: " + entry.getKey());
            }
            copy.put(key, copyValue(entry.getValue(), at + "." + key));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Object copyValue(Object value, String at) {
        if (value instanceof String
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Double
                || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return copyMap(map, at);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(copyValue(list.get(i), at + "[" + i + "]"));
            }
            return Collections.unmodifiableList(copy);
        }
        throw new IllegalArgumentException(
                at
                        + " must be a string, number, boolean, list or map, not "
                        + (value == null ? "null" : value.getClass().getSimpleName()));
    }
}
