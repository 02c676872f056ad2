package com.reliableedge.cloud.scan;

import java.time.Duration;
import java.time.Instant;

/**
 * When a stream whose scan or planning failed is tried again: after {@code backoff}, doubling with each failure in
 * a row, never longer than {@code maxBackoff}. An operator may un-park it earlier. Pure.
 */
public final class ParkRules {

    /** Longest stored reason. */
    static final int MAX_REASON = 500;

    private ParkRules() {
    }

    /** The end of the park after the {@code failures}-th failure in a row ({@code failures >= 1}). */
    public static Instant parkedUntil(int failures, Instant now, Duration backoff, Duration maxBackoff) {
        Duration park = backoff;
        for (int i = 1; i < failures && park.compareTo(maxBackoff) < 0; i++) {
            park = park.multipliedBy(2);
        }
        return now.plus(park.compareTo(maxBackoff) > 0 ? maxBackoff : park);
    }

    /** Whether the stream is left out of planning at {@code now}. */
    public static boolean isParked(Instant parkedUntil, Instant now) {
        return parkedUntil != null && parkedUntil.isAfter(now);
    }

    /** The reason kept with the park: the step and the failure's type and message, truncated. */
    public static String reason(String step, Throwable failure) {
        String message = failure.getMessage();
        String text = step + " failed: " + failure.getClass().getSimpleName()
                + (message == null || message.isEmpty() ? "" : ": " + message);
        return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON);
    }
}
