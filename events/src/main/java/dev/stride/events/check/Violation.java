package dev.stride.events.check;

/** One thing wrong with a deployment request: the field (dotted path, e.g. {@code deployment.phases[1].duration}) and why. */
public record Violation(String field, String message) {}
