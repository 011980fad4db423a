package dev.stride.events;

import java.util.Arrays;
import java.util.Optional;

/** Each event's CloudEvents {@code type}, its topic, its data record and its JSON Schema. */
public enum EventType {
    DEPLOYMENT_REQUESTED(
            "dev.stride.deployment.requested.v1",
            Topics.DEPLOYMENT_REQUESTED,
            DeploymentRequested.class,
            "deployment-requested"),
    PHASE_REQUESTED(
            "dev.stride.phase.requested.v1",
            Topics.PHASE_REQUESTED,
            PhaseRequested.class,
            "phase-requested"),
    PHASE_STARTED(
            "dev.stride.phase.started.v1",
            Topics.PHASE_STARTED,
            PhaseStarted.class,
            "phase-started"),
    PHASE_COMPLETED(
            "dev.stride.phase.completed.v1",
            Topics.PHASE_COMPLETED,
            PhaseCompleted.class,
            "phase-completed"),
    THRESHOLD_BREACHED(
            "dev.stride.threshold.breached.v1",
            Topics.THRESHOLD_BREACHED,
            ThresholdBreached.class,
            "threshold-breached"),
    ROLLBACK_REQUESTED(
            "dev.stride.rollback.requested.v1",
            Topics.ROLLBACK_REQUESTED,
            RollbackRequested.class,
            "rollback-requested"),
    ROLLBACK_COMPLETED(
            "dev.stride.rollback.completed.v1",
            Topics.ROLLBACK_COMPLETED,
            RollbackCompleted.class,
            "rollback-completed"),
    DEPLOYMENT_FINISHED(
            "dev.stride.deployment.finished.v1",
            Topics.DEPLOYMENT_FINISHED,
            DeploymentFinished.class,
            "deployment-finished"),
    DEPLOYMENT_PAUSED(
            "dev.stride.deployment.paused.v1",
            Topics.DEPLOYMENT_CONTROL,
            DeploymentPaused.class,
            "deployment-paused"),
    DEPLOYMENT_RESUMED(
            "dev.stride.deployment.resumed.v1",
            Topics.DEPLOYMENT_CONTROL,
            DeploymentResumed.class,
            "deployment-resumed"),
    INCIDENT_OPENED(
            "dev.stride.incident.opened.v1",
            Topics.INCIDENTS,
            IncidentOpened.class,
            "incident-opened"),
    INCIDENT_RESOLVED(
            "dev.stride.incident.resolved.v1",
            Topics.INCIDENTS,
            IncidentResolved.class,
            "incident-resolved");

    private final String type;
    private final String topic;
    private final Class<? extends StrideEvent> dataClass;
    private final String schemaName;

    EventType(
            String type, String topic, Class<? extends StrideEvent> dataClass, String schemaName) {
        this.type = type;
        this.topic = topic;
        this.dataClass = dataClass;
        this.schemaName = schemaName;
    }

    /** The CloudEvents {@code type} attribute. */
    public String type() {
        return type;
    }

    public String topic() {
        return topic;
    }

    public Class<? extends StrideEvent> dataClass() {
        return dataClass;
    }

    /** Classpath location of the event's JSON Schema (the whole CloudEvent, data included). */
    public String schemaResource() {
        return "schemas/" + schemaName + ".schema.json";
    }

    public static Optional<EventType> ofType(String type) {
        return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
    }

    /**
     * The type a record on a topic that carries several (stride.incidents: opened and resolved; stride.deployment-control: paused and resumed) says it is, by its
     * envelope's {@code type}, when that is a type of {@code fallback}'s topic; else {@code fallback}, so that a
     * consumer reading it as that type dead-letters it with the reason.
     */
    public static EventType onTopicOf(String payload, EventType fallback) {
        try {
            String type = EventCodec.mapper().readTree(payload).path("type").asText();
            return ofType(type).filter(t -> t.topic().equals(fallback.topic())).orElse(fallback);
        } catch (Exception unreadable) {
            return fallback;
        }
    }

    public static EventType of(StrideEvent event) {
        return of(event.getClass());
    }

    public static EventType of(Class<? extends StrideEvent> dataClass) {
        return Arrays.stream(values())
                .filter(t -> t.dataClass.equals(dataClass))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "not a Stride event: " + dataClass.getName()));
    }
}
