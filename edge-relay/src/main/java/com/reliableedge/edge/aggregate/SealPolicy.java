package com.reliableedge.edge.aggregate;

import com.reliableedge.protocol.index.IndexArithmetic;

/**
 * The sealing decision as a pure function of an open window's summary and {@code now}, in the manner of Kafka's
 * {@code RecordAccumulator}: it says whether to seal, why, and when to ask again. It never reads a clock.
 */
public final class SealPolicy {

    /** What to do with the open window. */
    public enum Action {
        /** Nothing yet. */
        NONE,
        /** Seal the batches that are full (by size, count or span) and keep the remainder open. */
        SEAL_FULL,
        /** Seal everything up to the watermark, the remainder too (possibly an empty batch). */
        SEAL_ALL
    }

    /** Why a seal happens. */
    public enum Reason {
        NONE, SIZE, COUNT, SPAN, LINGER, HEARTBEAT, DISCONTINUITY
    }

    /**
     * An open window, summarized.
     *
     * @param cursor the window's start: the last sealed {@code endWindow}
     * @param watermark every event below it has been delivered
     * @param eligibleEvents events in {@code [cursor, watermark)}
     * @param eligibleBytes their serialized bytes, summed
     * @param oldestEventNanos monotonic arrival of the oldest event in the window; ignored when
     *        {@code eligibleEvents == 0}
     * @param lastSealNanos monotonic time of the last live seal (or of the stream's start)
     * @param feedLost the live feed was lost: seal at the watermark now (E2)
     * @param lateEvents late events waiting
     * @param oldestLateNanos monotonic arrival of the oldest of them
     * @param bodyBudget the largest plain body a batch may have
     */
    public record Input(long cursor, long watermark, int eligibleEvents, long eligibleBytes, long oldestEventNanos,
            long lastSealNanos, boolean feedLost, int lateEvents, long oldestLateNanos, long bodyBudget) {
    }

    /**
     * @param flushLate seal the waiting late events now
     * @param nextDeadlineNanos when the answer may change without new input ({@link Long#MAX_VALUE} for never)
     */
    public record Decision(Action action, Reason reason, boolean flushLate, long nextDeadlineNanos) {
    }

    private SealPolicy() {
    }

    public static Decision decide(Input in, SealLimits limits, long now) {
        boolean lateDue = in.lateEvents() > 0 && elapsed(in.oldestLateNanos(), now) >= limits.lingerNanos();
        long lateDeadline = in.lateEvents() > 0 ? in.oldestLateNanos() + limits.lingerNanos() : Long.MAX_VALUE;
        if (in.watermark() <= in.cursor()) {
            // Nothing is vouched for past the cursor: there is no window to close.
            return new Decision(Action.NONE, Reason.NONE, lateDue || (in.feedLost() && in.lateEvents() > 0),
                    lateDue ? Long.MAX_VALUE : lateDeadline);
        }
        if (in.feedLost()) {
            return new Decision(Action.SEAL_ALL, Reason.DISCONTINUITY, in.lateEvents() > 0, Long.MAX_VALUE);
        }
        if (in.eligibleEvents() > limits.maxEvents()) {
            return full(Reason.COUNT, in);
        }
        if (MessageSizing.bodySize(in.eligibleEvents(), in.eligibleBytes()) > in.bodyBudget()) {
            return full(Reason.SIZE, in);
        }
        if (IndexArithmetic.saturatedSubtract(in.watermark(), in.cursor()) > limits.maxSpan()) {
            return full(Reason.SPAN, in);
        }
        if (in.eligibleEvents() > 0 && elapsed(in.oldestEventNanos(), now) >= limits.lingerNanos()) {
            return new Decision(Action.SEAL_ALL, Reason.LINGER, in.lateEvents() > 0, Long.MAX_VALUE);
        }
        if (elapsed(in.lastSealNanos(), now) >= limits.heartbeatNanos()) {
            return new Decision(Action.SEAL_ALL, Reason.HEARTBEAT, in.lateEvents() > 0, Long.MAX_VALUE);
        }
        long next = in.lastSealNanos() + limits.heartbeatNanos();
        if (in.eligibleEvents() > 0) {
            next = earlier(next, in.oldestEventNanos() + limits.lingerNanos());
        }
        if (!lateDue) {
            next = earlier(next, lateDeadline);
        }
        return new Decision(Action.NONE, Reason.NONE, lateDue, next);
    }

    private static Decision full(Reason reason, Input in) {
        return new Decision(Action.SEAL_FULL, reason, in.lateEvents() > 0, Long.MAX_VALUE);
    }

    // Monotonic nanos are compared by difference, which stays right across numeric overflow.
    private static long elapsed(long since, long now) {
        return now - since;
    }

    /** The earlier of two deadlines, {@link Long#MAX_VALUE} meaning none. */
    static long earlier(long a, long b) {
        if (a == Long.MAX_VALUE) {
            return b;
        }
        if (b == Long.MAX_VALUE) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }
}
