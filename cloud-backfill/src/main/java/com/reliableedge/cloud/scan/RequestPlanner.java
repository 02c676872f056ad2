package com.reliableedge.cloud.scan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.reliableedge.cloud.coverage.OpenGap;
import com.reliableedge.protocol.coverage.Interval;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;

/**
 * Which windows the scanner requests (PROTOCOL.md section 6): each eligible gap interval not covered by an active
 * request (nor by a FAILED one, which only an operator repeats) becomes requests, split at the maximum span from the
 * interval's start. Pure.
 */
public final class RequestPlanner {

    private RequestPlanner() {
    }

    /** Whether a gap has waited the detection delay: {@code now - observedAt >= detectionDelay}. */
    public static boolean isEligible(OpenGap gap, Instant now, Duration detectionDelay) {
        return !gap.observedAt().plus(detectionDelay).isAfter(now);
    }

    /**
     * @param eligible eligible gaps, in order, disjoint
     * @param blocked the windows of the stream's active and FAILED requests
     * @param maxSpan the largest window of one request, {@code >= 1}
     * @return the windows to request, in order
     */
    public static List<Interval> plan(List<Interval> eligible, IntervalSet blocked, long maxSpan) {
        if (maxSpan < 1) {
            throw new IllegalArgumentException("maxSpan must be at least 1, was " + maxSpan);
        }
        List<Interval> windows = new ArrayList<>();
        for (Interval gap : eligible) {
            for (Interval free : blocked.gaps(gap)) {
                split(free, maxSpan, windows);
            }
        }
        return windows;
    }

    /** Splits {@code interval} into windows of at most {@code maxSpan}, from its start. */
    public static void split(Interval interval, long maxSpan, List<Interval> into) {
        long start = interval.start();
        while (start < interval.end()) {
            // The difference wraps negative only for intervals wider than Long.MAX_VALUE; then start + maxSpan fits.
            long remaining = interval.end() - start;
            long end = remaining > 0 && remaining <= maxSpan ? interval.end() : start + maxSpan;
            into.add(new Interval(start, end));
            start = end;
        }
    }

    /** The configured maximum span in the index unit of {@code kind}. */
    public static long maxSpan(IndexKind kind, Duration timeSpan, long sequenceSpan) {
        return kind == IndexKind.TIME ? timeSpan.toMillis() : sequenceSpan;
    }
}
