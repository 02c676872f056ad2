package com.reliableedge.cloud.scan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.reliableedge.cloud.coverage.OpenGap;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * Which windows the scanner requests (PROTOCOL.md section 6): each eligible gap interval not covered by an active
 * request (nor by a FAILED one, which only an operator repeats) becomes requests, split at the maximum span from the
 * interval's start. Planning is lazy: it yields only the first {@code limit} windows, so its cost grows with the
 * windows asked for and the intervals given, never with the width of a gap. The next scan plans on from there,
 * because the windows planned now block their part of the gap. Pure.
 */
public final class RequestPlanner {

    private RequestPlanner() {
    }

    /** Whether a gap has waited the detection delay: {@code now - observedAt >= detectionDelay}. */
    public static boolean isEligible(OpenGap gap, Instant now, Duration detectionDelay) {
        return !gap.observedAt().isAfter(observedBy(now, detectionDelay));
    }

    /**
     * The latest {@code observedAt} of a gap that is eligible at {@code now}: the same rule as {@link #isEligible},
     * as the bound a query filters with.
     */
    public static Instant observedBy(Instant now, Duration detectionDelay) {
        return now.minus(detectionDelay);
    }

    /**
     * Whether a gap is too wide to be requested automatically: wider than {@code maxAutoSpan}, it waits for an
     * operator (an implausible hole would cost the edge an unbounded history read).
     */
    public static boolean needsOperator(Window gap, long maxAutoSpan) {
        return gap.isWiderThan(maxAutoSpan);
    }

    /**
     * The first windows to request, in order.
     *
     * @param eligible eligible gaps, in order, disjoint
     * @param blocked the windows of the stream's active and FAILED requests
     * @param maxSpan the largest window of one request, {@code >= 1}
     * @param limit most windows returned, {@code >= 0}
     * @return the first {@code min(limit, all)} windows of the eager plan
     */
    public static List<Window> plan(List<Window> eligible, IntervalSet blocked, long maxSpan, int limit) {
        checkSpan(maxSpan);
        List<Window> windows = new ArrayList<>(Math.min(limit, 64));
        for (Window gap : eligible) {
            if (windows.size() >= limit) {
                break;
            }
            for (Window free : blocked.gaps(gap)) {
                int room = limit - windows.size();
                if (room <= 0) {
                    break;
                }
                windows.addAll(split(free, maxSpan, room));
            }
        }
        return windows;
    }

    /**
     * The first {@code limit} windows of {@code interval} split at {@code maxSpan} from its start; the cost is
     * proportional to the windows returned.
     */
    public static List<Window> split(Window interval, long maxSpan, int limit) {
        checkSpan(maxSpan);
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        List<Window> windows = new ArrayList<>(Math.min(limit, 64));
        long start = interval.start();
        while (start < interval.end() && windows.size() < limit) {
            Window w = window(start, interval.end(), maxSpan);
            windows.add(w);
            start = w.end();
        }
        return windows;
    }

    /** The window from {@code start} towards {@code end}: {@code maxSpan} wide, or up to {@code end}. */
    static Window window(long start, long end, long maxSpan) {
        // The difference wraps negative only for intervals wider than Long.MAX_VALUE; then start + maxSpan fits.
        long remaining = end - start;
        return new Window(start, remaining > 0 && remaining <= maxSpan ? end : start + maxSpan);
    }

    /** The configured maximum span in the index unit of {@code kind}. */
    public static long maxSpan(IndexKind kind, Duration timeSpan, long sequenceSpan) {
        return kind == IndexKind.TIME ? timeSpan.toMillis() : sequenceSpan;
    }

    private static void checkSpan(long maxSpan) {
        if (maxSpan < 1) {
            throw new IllegalArgumentException("maxSpan must be at least 1, was " + maxSpan);
        }
    }
}
