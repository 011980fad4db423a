package dev.stride.incident.record;

import dev.stride.events.Severity;
import java.util.Optional;

/** A listing's filters and page. */
public record IncidentQuery(
        Optional<IncidentStatus> status,
        Optional<Severity> severity,
        Optional<String> application,
        Optional<String> environment,
        int page,
        int size) {}
