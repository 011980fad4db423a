package dev.stride.incident.record;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** OPEN until someone takes it (ACKNOWLEDGED), RESOLVED with a resolution note. */
public enum IncidentStatus {
    OPEN,
    ACKNOWLEDGED,
    RESOLVED;

    public static Optional<IncidentStatus> parse(String text) {
        return Arrays.stream(values())
                .filter(s -> s.name().equalsIgnoreCase(text.trim()))
                .findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
