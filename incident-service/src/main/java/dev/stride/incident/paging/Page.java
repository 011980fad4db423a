package dev.stride.incident.paging;

import dev.stride.events.Severity;
import java.util.Locale;
import java.util.UUID;

/** One page to send: what to do and for which incident. */
public record Page(
        long id,
        Action action,
        UUID incidentId,
        UUID deploymentId,
        Severity severity,
        String title,
        String application,
        String environment,
        String cause,
        String rule,
        int tries) {

    public enum Action {
        TRIGGER,
        ACKNOWLEDGE,
        RESOLVE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The pager's de-duplication key: one page per incident, however often it is triggered. */
    public String dedupKey() {
        return "stride-incident-" + incidentId;
    }
}
