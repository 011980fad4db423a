package dev.stride.verifier.analysis;

import dev.stride.events.ThresholdBreached;

/** Something a measurement showed that the planner must hear of at once (it becomes a ThresholdBreached). */
public record Finding(
        ThresholdBreached.Kind kind,
        String metric,
        Double observedValue,
        String threshold,
        String window,
        ThresholdBreached.Action action) {}
