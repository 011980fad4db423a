package dev.stride.events;

import java.util.List;

/** Kafka topic names: the interface other systems build on. Keep them stable. */
public final class Topics {
    public static final String DEPLOYMENT_REQUESTED = "stride.deployment-requested";
    public static final String PHASE_REQUESTED = "stride.phase-requested";
    public static final String PHASE_STARTED = "stride.phase-started";
    public static final String PHASE_COMPLETED = "stride.phase-completed";
    public static final String THRESHOLD_BREACHED = "stride.threshold-breached";
    public static final String ROLLBACK_REQUESTED = "stride.rollback-requested";
    public static final String ROLLBACK_COMPLETED = "stride.rollback-completed";
    public static final String DEPLOYMENT_FINISHED = "stride.deployment-finished";
    public static final String INCIDENTS = "stride.incidents";

    /** DeploymentPaused and DeploymentResumed: one topic, so a pause and the resume after it stay in order. */
    public static final String DEPLOYMENT_CONTROL = "stride.deployment-control";

    /** Suffix of every dead-letter topic: records that could not be parsed or validated land there. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    public static final List<String> ALL =
            List.of(
                    DEPLOYMENT_REQUESTED,
                    PHASE_REQUESTED,
                    PHASE_STARTED,
                    PHASE_COMPLETED,
                    THRESHOLD_BREACHED,
                    ROLLBACK_REQUESTED,
                    ROLLBACK_COMPLETED,
                    DEPLOYMENT_FINISHED,
                    DEPLOYMENT_CONTROL,
                    INCIDENTS);

    private Topics() {}

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
