package dev.stride.events;

import java.util.UUID;

/**
 * The data of one Stride event. It travels as the {@code data} of a structured-mode CloudEvent
 * ({@link CloudEvent}); the envelope's {@code subject} is always {@link #deploymentId()}.
 */
public sealed interface StrideEvent
        permits DeploymentRequested,
                PhaseRequested,
                PhaseStarted,
                PhaseCompleted,
                ThresholdBreached,
                RollbackRequested,
                RollbackCompleted,
                DeploymentFinished,
                DeploymentPaused,
                DeploymentResumed,
                IncidentOpened,
                IncidentResolved {

    UUID deploymentId();
}
