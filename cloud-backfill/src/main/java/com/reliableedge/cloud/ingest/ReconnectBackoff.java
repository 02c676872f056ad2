package com.reliableedge.cloud.ingest;

import java.time.Duration;

/**
 * How long the MQTT ingest waits before it connects again: {@code first} doubled with each failure in a row, at most
 * {@code max}, scaled by a jitter in [1/2, 1] so that instances that lost the broker together do not come back
 * together.
 */
public final class ReconnectBackoff {

    private ReconnectBackoff() {
    }

    /**
     * @param failures failures in a row (connects that failed, messages that could not be committed), at least 0
     * @param random uniformly drawn from [0, 1)
     */
    public static Duration delay(int failures, Duration first, Duration max, double random) {
        long firstMs = Math.max(1, first.toMillis());
        long maxMs = Math.max(firstMs, max.toMillis());
        int doublings = Math.min(Math.max(failures, 0), 62);
        // Doubling stops at the cap; firstMs << doublings could overflow long before 62.
        long full = doublings >= Long.numberOfLeadingZeros(firstMs) - 1 ? maxMs : Math.min(maxMs, firstMs << doublings);
        double factor = 0.5 + 0.5 * Math.min(Math.max(random, 0.0), 1.0);
        return Duration.ofMillis(Math.max(1, Math.round(full * factor)));
    }
}
