package dev.stride.kit.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem document. {@code errors} names each offending field (a dotted path into the request
 * such as {@code deployment.phases[1].duration}, a query parameter or a header) and what is wrong with it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {}

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, List.of());
    }

    public static Problem invalid(int status, String title, List<FieldError> errors) {
        String detail =
                errors.size() == 1
                        ? errors.get(0).field() + ": " + errors.get(0).message()
                        : errors.size() + " problems; see errors";
        return new Problem(
                "https://stride.dev/problems/invalid-request",
                title,
                status,
                detail,
                null,
                List.copyOf(errors));
    }
}
