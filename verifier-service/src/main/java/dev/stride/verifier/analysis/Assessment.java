package dev.stride.verifier.analysis;

import dev.stride.events.PhaseCompleted;
import java.util.List;

/**
 * What one measurement of an analysis means: breaches to report now, and, when the analysis ends with it, the
 * phase's outcome and a summary for people.
 */
public record Assessment(List<Finding> findings, PhaseCompleted.Outcome outcome, String summary) {

    public boolean ends() {
        return outcome != null;
    }
}
