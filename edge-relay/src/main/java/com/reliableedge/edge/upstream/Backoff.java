package com.reliableedge.edge.upstream;

import java.time.Duration;

/**
 * Exponential backoff with full jitter, as a pure function: after {@code failures} consecutive failures, wait a
 * random share (given) of {@code min(max, initial * 2^(failures-1))}, never less than half of it.
 */
public record Backoff(Duration initial, Duration max) {

    /**
     * @param failures consecutive failures so far, at least 1
     * @param random a uniform draw in {@code [0, 1)}
     * @return the wait in nanoseconds
     */
    public long delayNanos(int failures, double random) {
        int shift = Math.min(Math.max(failures, 1) - 1, 30);
        long maxNanos = max.toNanos();
        long initialNanos = initial.toNanos();
        // Saturates instead of shifting bits out (a shift that overflowed could come out small and positive).
        long ceiling = initialNanos > maxNanos >> shift ? maxNanos : Math.min(maxNanos, initialNanos << shift);
        return ceiling / 2 + (long) (ceiling / 2 * random);
    }
}
