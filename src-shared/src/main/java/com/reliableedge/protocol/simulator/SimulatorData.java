package com.reliableedge.protocol.simulator;

import java.util.function.LongConsumer;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * The simulator's data function (PROTOCOL.md section 8), so that anyone can tell which events a simulated stream
 * holds: a time-indexed stream has one event at each index {@code t} with {@code t mod periodMs == 0}, a
 * sequence-indexed one an event at every integer; each event is {@code {"index": "<wire form>", "value": v}}.
 */
public final class SimulatorData {

    /** Default spacing of a time-indexed stream's events. */
    public static final long DEFAULT_PERIOD_MS = 100;

    private SimulatorData() {
    }

    /** The value of the event at {@code index} of stream {@code batchId}. */
    public static long value(String batchId, long index) {
        return Math.floorMod(index * 1103515245L + 12345L + batchId.hashCode(), 2147483648L);
    }

    /** Whether the stream has an event at {@code index}. */
    public static boolean hasEventAt(IndexKind kind, long periodMs, long index) {
        return kind == IndexKind.SEQUENCE || Math.floorMod(index, periodMs) == 0;
    }

    /** The first index at or after {@code from} that holds an event. */
    public static long firstEventAtOrAfter(IndexKind kind, long periodMs, long from) {
        if (kind == IndexKind.SEQUENCE) {
            return from;
        }
        long rem = Math.floorMod(from, periodMs);
        return rem == 0 ? from : from + (periodMs - rem);
    }

    /** The number of events in {@code window}. */
    public static long countIn(IndexKind kind, long periodMs, Window window) {
        if (kind == IndexKind.SEQUENCE) {
            return window.end() - window.start();
        }
        long first = firstEventAtOrAfter(kind, periodMs, window.start());
        return first >= window.end() ? 0 : (window.end() - 1 - first) / periodMs + 1;
    }

    /** Calls {@code action} with each event index in {@code window}, in order. */
    public static void forEachIndex(IndexKind kind, long periodMs, Window window, LongConsumer action) {
        long step = kind == IndexKind.SEQUENCE ? 1 : periodMs;
        for (long i = firstEventAtOrAfter(kind, periodMs, window.start()); i < window.end(); i += step) {
            action.accept(i);
            if (i > Long.MAX_VALUE - step) {
                break;
            }
        }
    }

    /** The event at {@code index} as the body's JSON object. */
    public static String eventJson(IndexKind kind, String batchId, long index) {
        return "{\"index\":\"" + kind.format(index) + "\",\"value\":" + value(batchId, index) + "}";
    }
}
