package dev.stride.kit.problem;

import java.util.List;

/** Thrown to answer with a problem document; never logged as an error, since it is the caller's mistake. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "Not Found", detail));
    }

    public static ProblemException badRequest(String field, String message) {
        return new ProblemException(
                Problem.invalid(
                        400, "Bad Request", List.of(new Problem.FieldError(field, message))));
    }
}
