package dev.stride.executor.traffic;

import java.time.Duration;

/**
 * What the executor does with a driver call that answers {@link RolloutInProgress}: makes it again, until the
 * platform has finished (here without the executor's pause between checks: the fake platforms finish in
 * milliseconds). Any other failure is the call's answer.
 */
public final class Rollouts {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    private Rollouts() {}

    @FunctionalInterface
    public interface DriverCall {
        void run() throws PlatformException;
    }

    /** Repeats {@code call} while the platform is still rolling out; throws the last in-progress answer at the limit. */
    public static void settle(DriverCall call) throws PlatformException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            try {
                call.run();
                return;
            } catch (RolloutInProgress progress) {
                if (System.nanoTime() > deadline) {
                    throw progress;
                }
            }
        }
    }
}
