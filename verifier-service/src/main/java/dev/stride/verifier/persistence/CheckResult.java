package dev.stride.verifier.persistence;

/** One check of a CHECKS phase with its evidence; {@code target} is already masked. */
public record CheckResult(
        String name,
        String target,
        boolean passed,
        Integer statusCode,
        Long latencyMs,
        String message) {}
