package dev.stride.notifier.delivery;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: the n-th retry waits between half and all of {@code initial * 2^(n-1)}, capped at
 * {@code max}, so receivers that failed together are not hit again together.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The wait after failed attempt number {@code attempt} (1 for the first). */
    public Duration after(int attempt) {
        long cap = max.toMillis();
        long base = initial.toMillis() << Math.min(Math.max(attempt - 1, 0), 30);
        long ceiling = Math.max(1, Math.min(base <= 0 ? cap : base, cap));
        long half = ceiling / 2;
        return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
    }
}
