package dev.stride.events.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Collects violations while walking a JSON tree; each check names the field it looks at. Shared by the planner's
 * request rules and each platform's target rules (dev.stride.events.spec.Platform), so both report alike.
 */
public final class FieldChecks {

    private static final int MAX_STRING = 1024;

    private final List<Violation> violations = new ArrayList<>();
    private final boolean tolerateUnknownFields;

    public FieldChecks(boolean tolerateUnknownFields) {
        this.tolerateUnknownFields = tolerateUnknownFields;
    }

    public List<Violation> violations() {
        return violations;
    }

    public void add(String field, String message) {
        violations.add(new Violation(field, message));
    }

    public static String path(String parent, String child) {
        return parent.isEmpty() ? child : parent + "." + child;
    }

    /** Reports every field of {@code object} not in {@code allowed}, suggesting the closest allowed name. */
    public void onlyKnownFields(JsonNode object, String path, Set<String> allowed) {
        if (tolerateUnknownFields) {
            return;
        }
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                String suggestion =
                        closest(name, allowed).map(s -> "; did you mean '" + s + "'?").orElse("");
                add(path(path, name), "unknown field" + suggestion);
            }
        }
    }

    public Optional<JsonNode> object(JsonNode parent, String name, String path, boolean required) {
        return present(parent, name, path, required)
                .filter(
                        node -> {
                            if (!node.isObject()) {
                                add(path(path, name), "must be an object" + got(node));
                                return false;
                            }
                            return true;
                        });
    }

    public Optional<JsonNode> array(JsonNode parent, String name, String path, boolean required) {
        return present(parent, name, path, required)
                .filter(
                        node -> {
                            if (!node.isArray()) {
                                add(path(path, name), "must be a list" + got(node));
                                return false;
                            }
                            return true;
                        });
    }

    public Optional<String> string(JsonNode parent, String name, String path, boolean required) {
        return present(parent, name, path, required).flatMap(node -> text(node, path(path, name)));
    }

    /**
     * {@code node} itself as a string, checked as {@link #string} checks a field: for the items of a list, which
     * {@code field} names (e.g. {@code checks.post.endpoints[1]}). A null item is reported, not skipped.
     */
    public Optional<String> text(JsonNode node, String field) {
        if (!node.isTextual()) {
            add(
                    field,
                    "must be a string"
                            + got(node)
                            + (node.isNumber() || node.isBoolean()
                                    ? " (in YAML, put it in quotes)"
                                    : ""));
            return Optional.empty();
        }
        String text = node.asText();
        if (text.isBlank()) {
            add(field, "must not be blank");
            return Optional.empty();
        }
        if (text.length() > MAX_STRING) {
            add(field, "must be at most " + MAX_STRING + " characters");
            return Optional.empty();
        }
        if (hasControlCharacter(text)) {
            add(field, "must not contain control characters");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    public Optional<String> matching(
            JsonNode parent,
            String name,
            String path,
            boolean required,
            Pattern pattern,
            String expectation) {
        return string(parent, name, path, required)
                .filter(text -> matches(text, path(path, name), pattern, expectation));
    }

    /** An item of a list that must be a string matching {@code pattern}; {@code field} names the item. */
    public Optional<String> matchingText(
            JsonNode node, String field, Pattern pattern, String expectation) {
        return text(node, field).filter(text -> matches(text, field, pattern, expectation));
    }

    private boolean matches(String text, String field, Pattern pattern, String expectation) {
        if (!pattern.matcher(text).matches()) {
            add(field, expectation);
            return false;
        }
        return true;
    }

    public Optional<String> oneOf(
            JsonNode parent, String name, String path, boolean required, Set<String> values) {
        return string(parent, name, path, required)
                .filter(
                        text -> {
                            if (!values.contains(text)) {
                                add(
                                        path(path, name),
                                        "must be one of "
                                                + String.join(
                                                        ", ", values.stream().sorted().toList())
                                                + ", not '"
                                                + text
                                                + "'");
                                return false;
                            }
                            return true;
                        });
    }

    /** A string that {@code parser} accepts; the parser's {@link IllegalArgumentException} message is the violation. */
    public <T> Optional<T> parsed(
            JsonNode parent,
            String name,
            String path,
            boolean required,
            Function<String, T> parser) {
        return string(parent, name, path, required)
                .flatMap(text -> parse(text, path(path, name), parser));
    }

    public <T> Optional<T> parse(String text, String field, Function<String, T> parser) {
        try {
            return Optional.of(parser.apply(text));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            add(field, e.getMessage());
            return Optional.empty();
        }
    }

    public Optional<Integer> integer(
            JsonNode parent, String name, String path, boolean required, int min, int max) {
        return present(parent, name, path, required)
                .flatMap(
                        node -> {
                            String field = path(path, name);
                            if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                                add(
                                        field,
                                        "must be a whole number from "
                                                + min
                                                + " to "
                                                + max
                                                + got(node));
                                return Optional.empty();
                            }
                            int value = node.intValue();
                            if (value < min || value > max) {
                                add(field, "must be from " + min + " to " + max + ", not " + value);
                                return Optional.empty();
                            }
                            return Optional.of(value);
                        });
    }

    /** U+0000-U+001F and U+007F: never meant in a name or reference, and PostgreSQL refuses U+0000. */
    public static boolean hasControlCharacter(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private Optional<JsonNode> present(
            JsonNode parent, String name, String path, boolean required) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                add(path(path, name), "is required");
            }
            return Optional.empty();
        }
        return Optional.of(node);
    }

    private static String got(JsonNode node) {
        String kind =
                node.isNull()
                        ? "null"
                        : node.isTextual()
                                ? "a string"
                                : node.isIntegralNumber()
                                        ? "a whole number"
                                        : node.isNumber()
                                                ? "a number"
                                                : node.isBoolean()
                                                        ? "a boolean"
                                                        : node.isArray()
                                                                ? "a list"
                                                                : node.isObject()
                                                                        ? "an object"
                                                                        : "something else";
        return ", got " + kind;
    }

    private static Optional<String> closest(String name, Set<String> candidates) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : candidates) {
            int distance = distance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(current[j - 1] + 1, previous[j] + 1),
                                previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
