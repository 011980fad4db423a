package dev.stride.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which type a record on a topic that carries several says it is. */
class EventTypeTest {

    @Test
    void aRecordOnASharedTopicIsTheTypeItsEnvelopeNamesWhenThatTypeBelongsThere() {
        String resolved = "{\"type\": \"dev.stride.incident.resolved.v1\", \"data\": {}}";
        assertThat(EventType.onTopicOf(resolved, EventType.INCIDENT_OPENED))
                .isEqualTo(EventType.INCIDENT_RESOLVED);
        String opened = "{\"type\": \"dev.stride.incident.opened.v1\"}";
        assertThat(EventType.onTopicOf(opened, EventType.INCIDENT_OPENED))
                .isEqualTo(EventType.INCIDENT_OPENED);
        // A type of another topic, an unknown one or no JSON at all: read as the fallback, which
        // the consumer then dead-letters with the reason.
        String elsewhere = "{\"type\": \"dev.stride.rollback.requested.v1\"}";
        assertThat(EventType.onTopicOf(elsewhere, EventType.INCIDENT_OPENED))
                .isEqualTo(EventType.INCIDENT_OPENED);
        assertThat(EventType.onTopicOf("{\"type\": \"x\"}", EventType.INCIDENT_OPENED))
                .isEqualTo(EventType.INCIDENT_OPENED);
        assertThat(EventType.onTopicOf("not json", EventType.INCIDENT_OPENED))
                .isEqualTo(EventType.INCIDENT_OPENED);
    }
}
