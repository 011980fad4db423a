package dev.stride.incident.record;

import java.time.Instant;

/** One line of an incident's timeline: what arrived or what was done, when, by whom. */
public record TimelineEntry(Instant at, String kind, String actor, String detail) {}
