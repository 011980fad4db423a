package dev.stride.planner.machine;

import java.time.Instant;

/** One line of a deployment's history: when, who (a person or a service), what, and why. */
public record TimelineEntry(Instant at, String actor, String action, String detail) {}
