package dev.stride.planner.machine;

import dev.stride.planner.plan.PlannedPhase;
import java.time.Instant;

/** A planned phase and its progress. {@code deadline} is when it must have started (requested) or ended (running). */
public record PhaseState(
        PlannedPhase plan,
        PhaseStatus status,
        Instant startedAt,
        Instant completedAt,
        String verdict,
        Instant deadline) {

    public static PhaseState pending(PlannedPhase plan) {
        return new PhaseState(plan, PhaseStatus.PENDING, null, null, null, null);
    }

    public int index() {
        return plan.index();
    }

    PhaseState requested(Instant deadline) {
        return new PhaseState(plan, PhaseStatus.REQUESTED, null, null, null, deadline);
    }

    PhaseState running(Instant at, Instant deadline) {
        return new PhaseState(plan, PhaseStatus.RUNNING, at, completedAt, verdict, deadline);
    }

    PhaseState done(PhaseStatus outcome, Instant at, String why) {
        return new PhaseState(plan, outcome, startedAt, at, why, null);
    }

    PhaseState withDeadline(Instant newDeadline) {
        return new PhaseState(plan, status, startedAt, completedAt, verdict, newDeadline);
    }
}
