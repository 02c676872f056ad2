package com.reliableedge.cloud.coverage;

import java.time.Duration;
import java.time.Instant;

/** A stream's state for operators: STALLED beats GAPPED beats HEALTHY. Pure. */
public enum StreamHealth {
    HEALTHY, GAPPED, STALLED;

    /** No live batch ingested for {@code stallAfter}: {@code now - lastLiveAt >= stallAfter}. */
    public static boolean isStalled(Instant lastLiveAt, Instant now, Duration stallAfter) {
        return !lastLiveAt.plus(stallAfter).isAfter(now);
    }

    public static StreamHealth of(Instant lastLiveAt, int openGaps, Instant now, Duration stallAfter) {
        if (isStalled(lastLiveAt, now, stallAfter)) {
            return STALLED;
        }
        return openGaps > 0 ? GAPPED : HEALTHY;
    }
}
