package dev.stride.executor.traffic;

import java.time.Duration;
import java.util.Objects;

/**
 * The platform took the change and is still rolling it out (pods or tasks starting): nothing failed, and nothing is
 * waited for on a thread. The executor puts the execution back with a re-check time ({@code recheckAfter}) and calls
 * the driver again then; since every driver call is safe to repeat, the repeat finds the change in place and checks
 * the progress once more. Past {@code deadline} after the phase was asked for, the phase fails with this message.
 */
public class RolloutInProgress extends PlatformException {

    private final Duration recheckAfter;
    private final Duration deadline;

    public RolloutInProgress(String message, Duration recheckAfter, Duration deadline) {
        super(message, false);
        this.recheckAfter = Objects.requireNonNull(recheckAfter, "recheckAfter");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    public Duration recheckAfter() {
        return recheckAfter;
    }

    public Duration deadline() {
        return deadline;
    }
}
