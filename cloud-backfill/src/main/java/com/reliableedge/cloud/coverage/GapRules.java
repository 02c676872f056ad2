package com.reliableedge.cloud.coverage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * Which holes of a stream are gaps (PROTOCOL.md section 6): the maximal intervals of
 * {@code [origin, last live endWindow)} that coverage lacks, minus windows recorded as lost, where holes at or
 * after the latest {@code backlogFrom} are in flight and not gaps yet. Pure.
 */
public final class GapRules {

    private GapRules() {
    }

    /**
     * The part of the index where holes count as gaps, or empty before the first live batch.
     *
     * @param origin smallest {@code streamOrigin} or live {@code startWindow} seen, null before any live batch
     * @param lastLiveEnd largest live {@code endWindow} seen
     * @param backlogFrom {@code backlogFrom} of the newest live batch, null when it had none
     * @param floor the retention floor (no gaps below it), {@link Long#MIN_VALUE} for none
     */
    public static Optional<Window> bound(Long origin, Long lastLiveEnd, Long backlogFrom, long floor) {
        if (origin == null || lastLiveEnd == null) {
            return Optional.empty();
        }
        long start = Math.max(origin, floor);
        long end = backlogFrom == null ? lastLiveEnd : Math.min(lastLiveEnd, backlogFrom);
        return start < end ? Optional.of(new Window(start, end)) : Optional.empty();
    }

    /**
     * The retention floor (PROTOCOL.md section 9): below it a stream's data is past retention. For a time stream
     * with a live batch it is {@code lastLiveEnd - retention}; {@link Long#MIN_VALUE} (nothing is past retention)
     * for a sequence stream, before the first live batch, and when the difference would lie before the first
     * representable time. The one definition of the floor: ingest discards below it, the purge deletes below it.
     */
    public static long retentionFloor(IndexKind kind, Long lastLiveEnd, Duration retention) {
        if (kind != IndexKind.TIME || lastLiveEnd == null) {
            return Long.MIN_VALUE;
        }
        long floor;
        try {
            floor = Math.subtractExact(lastLiveEnd, retention.toMillis());
        } catch (ArithmeticException e) {
            return Long.MIN_VALUE;
        }
        return floor < IndexKind.MIN_TIME ? Long.MIN_VALUE : floor;
    }

    /** The gaps inside {@code bound}: what neither coverage nor the lost windows hold, as maximal intervals. */
    public static List<Window> gaps(Optional<Window> bound, IntervalSet coverage, IntervalSet lost) {
        if (bound.isEmpty()) {
            return List.of();
        }
        List<Window> gaps = new ArrayList<>();
        for (Window hole : coverage.gaps(bound.get())) {
            gaps.addAll(lost.gaps(hole));
        }
        // Holes are maximal and separated by covered points, pieces of one hole by lost ones: still maximal.
        return gaps;
    }
}
