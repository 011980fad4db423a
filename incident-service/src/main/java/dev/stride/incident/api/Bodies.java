package dev.stride.incident.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stride.kit.problem.ProblemException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Reads the small JSON bodies of incident actions, naming the field at fault in a problem document. */
final class Bodies {

    static final int MAX_TEXT = 4096;
    static final int MAX_ITEMS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Bodies() {}

    /** The body as an object holding only {@code allowed} fields; an empty body is an empty object. */
    static JsonNode object(byte[] body, Set<String> allowed) {
        JsonNode document;
        if (body == null || body.length == 0) {
            document = JSON.createObjectNode();
        } else {
            try {
                document = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw ProblemException.badRequest(
                        "(body)", "is not valid JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw ProblemException.badRequest("(body)", "could not be read");
            }
        }
        if (document == null || !document.isObject()) {
            throw ProblemException.badRequest("(body)", "must be a JSON object with " + allowed);
        }
        Iterator<String> fields = document.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!allowed.contains(field)) {
                throw ProblemException.badRequest(
                        field, "unknown field; the body may hold " + allowed);
            }
        }
        return document;
    }

    /** A text field: absent or null gives null unless {@code required}. */
    static String text(JsonNode document, String field, boolean required) {
        JsonNode value = document.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw ProblemException.badRequest(field, "is required");
            }
            return null;
        }
        return checked(field, value);
    }

    /** A list of text items: absent or null gives an empty list. */
    static List<String> texts(JsonNode document, String field) {
        JsonNode value = document.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray() || value.size() > MAX_ITEMS) {
            throw ProblemException.badRequest(
                    field, "must be an array of at most " + MAX_ITEMS + " strings");
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            items.add(checked(field + "[" + i + "]", value.get(i)));
        }
        return items;
    }

    private static String checked(String field, JsonNode value) {
        String text = value.isTextual() ? value.asText() : null;
        if (text == null
                || text.isBlank()
                || text.length() > MAX_TEXT
                || text.chars().anyMatch(c -> (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)) {
            throw ProblemException.badRequest(
                    field,
                    "must be a non-blank string of at most "
                            + MAX_TEXT
                            + " characters without control characters");
        }
        return text.strip();
    }
}
