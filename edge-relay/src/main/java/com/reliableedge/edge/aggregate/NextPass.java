package com.reliableedge.edge.aggregate;

/**
 * When the ingest loop makes its next pass, as a pure function of {@code now}, the earliest seal deadline of its
 * streams ({@link SealPolicy.Decision#nextDeadlineNanos}) and the poll interval. The source is pulled, not pushed: a
 * poll is the only way new events, a moved watermark or a lost feed become known, so the loop never waits longer
 * than the poll interval. A deadline before that (a linger, heartbeat or late-event timer shorter than the interval,
 * or falling between two polls) brings the pass forward, so a window is sealed when its timer runs out rather than
 * at the next poll after it. A floor keeps a deadline that is already due from spinning the loop.
 */
public final class NextPass {

    /** The shortest wait between passes (or the poll interval, when that is shorter). */
    public static final long MIN_DELAY_NANOS = 1_000_000L;

    private NextPass() {
    }

    /**
     * How long to wait, in nanoseconds, before the next pass.
     *
     * @param deadlineNanos the earliest deadline on the monotonic clock, {@link Long#MAX_VALUE} for none
     * @param pollIntervalNanos the longest wait, positive
     */
    public static long delayNanos(long nowNanos, long deadlineNanos, long pollIntervalNanos) {
        long floor = Math.min(MIN_DELAY_NANOS, pollIntervalNanos);
        if (deadlineNanos == Long.MAX_VALUE) {
            return pollIntervalNanos;
        }
        // Monotonic nanos are compared by difference, which stays right across numeric overflow.
        long until = deadlineNanos - nowNanos;
        return Math.max(floor, Math.min(pollIntervalNanos, until));
    }
}
