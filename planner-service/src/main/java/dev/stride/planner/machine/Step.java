package dev.stride.planner.machine;

import dev.stride.events.StrideEvent;
import java.util.List;

/**
 * What one input did to a deployment: its new state, the events to publish (through the outbox, in the same
 * transaction), the timeline lines to append, and, when the input was not allowed in this state, why.
 */
public record Step(
        DeploymentState state,
        List<StrideEvent> events,
        List<TimelineEntry> timeline,
        String refusal,
        boolean forbidden) {

    static Step ignored(DeploymentState state) {
        return new Step(state, List.of(), List.of(), null, false);
    }

    /** Not allowed in the deployment's present state. */
    static Step refused(DeploymentState state, String why) {
        return new Step(state, List.of(), List.of(), why, false);
    }

    /** Not allowed for this actor, whatever the state. */
    static Step forbidden(DeploymentState state, String why) {
        return new Step(state, List.of(), List.of(), why, true);
    }

    public boolean isRefused() {
        return refusal != null;
    }

    public boolean changedAnything() {
        return !events.isEmpty() || !timeline.isEmpty();
    }
}
