package dev.stride.verifier.analysis;

import dev.stride.events.spec.Threshold;

final class Limits {

    private Limits() {}

    static boolean compare(double value, Threshold.Comparison comparison, double level) {
        return switch (comparison) {
            case LESS_THAN -> value < level;
            case AT_MOST -> value <= level;
            case GREATER_THAN -> value > level;
            case AT_LEAST -> value >= level;
        };
    }
}
