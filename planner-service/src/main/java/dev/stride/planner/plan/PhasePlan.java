package dev.stride.planner.plan;

import java.util.List;
import java.util.Objects;

/** A deployment's phases in the order they run; phase {@code i} sits at position {@code i}. */
public record PhasePlan(List<PlannedPhase> phases) {

    public PhasePlan {
        phases = List.copyOf(Objects.requireNonNull(phases, "phases"));
        for (int i = 0; i < phases.size(); i++) {
            if (phases.get(i).index() != i) {
                throw new IllegalArgumentException(
                        "phase at position " + i + " has index " + phases.get(i).index());
            }
        }
    }

    /** The phase with this index; throws {@link IndexOutOfBoundsException} past the end of the plan. */
    public PlannedPhase phase(int index) {
        if (index < 0 || index >= phases.size()) {
            throw new IndexOutOfBoundsException(
                    "no phase " + index + " in a plan of " + phases.size());
        }
        return phases.get(index);
    }

    public int size() {
        return phases.size();
    }
}
