package com.reliableedge.edge.source.jdbc;

import java.util.ArrayDeque;
import java.util.Deque;

import com.reliableedge.protocol.index.IndexArithmetic;

/**
 * Where a live poll may read up to: the end of {@code [W, end)}, never below {@code W}, so watermarks never move
 * backwards.
 * <ul>
 * <li>{@code time}: {@code end = now - lag}. A row whose index (its timestamp) is older than that when it commits
 * missed its window: it is outside what the feed vouched for and reaches the cloud only through a backfill.</li>
 * <li>{@code sequence}: an index has no clock, so the lag is measured on the database's head ({@code max(index) +
 * 1}) as polls observed it: {@code end} is the highest head observed at least {@code lag} ago. A row is missed
 * only when a higher index was visible for longer than the lag before it committed.</li>
 * </ul>
 */
final class PollWindow {

    private PollWindow() {
    }

    /** The end of a time stream's poll window. */
    static long timeEnd(long watermark, long nowMillis, long lagMillis) {
        return Math.max(watermark, IndexArithmetic.saturatedSubtract(nowMillis, lagMillis));
    }

    /** The end of a sequence stream's poll window, from the head observations (oldest first) of {@link Heads}. */
    static long sequenceEnd(long watermark, long settledHead) {
        return Math.max(watermark, settledHead);
    }

    /**
     * The heads a sequence stream's polls observed, oldest first, kept only as long as needed: the newest one at
     * least {@code lag} old, and the younger ones.
     */
    static final class Heads {

        private record Seen(long atMillis, long head) {
        }

        private final Deque<Seen> seen = new ArrayDeque<>();
        private long settled = Long.MIN_VALUE;

        /** Records {@code head} observed at {@code atMillis}; heads never count as lower than one seen before. */
        void observe(long atMillis, long head) {
            Seen last = seen.peekLast();
            long h = last == null ? head : Math.max(head, last.head());
            seen.addLast(new Seen(atMillis, h));
        }

        /** The highest head observed at or before {@code nowMillis - lag}; {@code Long.MIN_VALUE} when none. */
        long settled(long nowMillis, long lagMillis) {
            long cut = IndexArithmetic.saturatedSubtract(nowMillis, lagMillis);
            while (!seen.isEmpty() && seen.peekFirst().atMillis() <= cut) {
                settled = Math.max(settled, seen.pollFirst().head());
            }
            return settled;
        }
    }
}
