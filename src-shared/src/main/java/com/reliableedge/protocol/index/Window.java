package com.reliableedge.protocol.index;

import com.reliableedge.protocol.ProtocolException;

/**
 * A non-empty half-open interval {@code [start, end)} of a stream's data index: {@code start} is included,
 * {@code end} is not. Because the end is exclusive, {@link Long#MAX_VALUE} can be an end but never an index inside.
 * The one type for a batch's window, a gap, a covered run and a requested range alike.
 *
 * @param start the first index inside the window
 * @param end the first index after the window, greater than {@code start}
 */
public record Window(long start, long end) {

    public static final String START_FIELD = "startWindow";
    public static final String END_FIELD = "endWindow";

    public Window {
        if (start >= end) {
            throw new ProtocolException(START_FIELD, "[" + start + ", " + end + ")", "must be before endWindow");
        }
    }

    /** Parses a window from its two wire forms; errors name {@code startWindow} or {@code endWindow}. */
    public static Window parse(IndexKind kind, String startWindow, String endWindow) {
        long start = kind.parse(START_FIELD, startWindow);
        long end = kind.parse(END_FIELD, endWindow);
        if (start >= end) {
            throw new ProtocolException(START_FIELD, startWindow, "must be before endWindow '" + endWindow + "'");
        }
        return new Window(start, end);
    }

    /**
     * The number of indexes inside, saturated at {@link Long#MAX_VALUE}: a window wider than that (only possible
     * when it straddles zero, e.g. {@code [Long.MIN_VALUE, 1)}) reports {@code Long.MAX_VALUE}.
     */
    public long length() {
        return IndexArithmetic.width(start, end);
    }

    /** Whether the window holds more than {@code max} indexes, exactly, also where {@link #length()} saturates. */
    public boolean isWiderThan(long max) {
        return IndexArithmetic.isWiderThan(start, end, max);
    }

    /** Whether {@code index} lies in the window. */
    public boolean contains(long index) {
        return index >= start && index < end;
    }

    /** Whether the two windows share at least one index. */
    public boolean overlaps(Window other) {
        return start < other.end && other.start < end;
    }

    /** The start in the wire form of {@code kind}. */
    public String startWire(IndexKind kind) {
        return kind.format(start);
    }

    /** The end in the wire form of {@code kind}. */
    public String endWire(IndexKind kind) {
        return kind.format(end);
    }

    /** The window as {@code [start, end)} in the wire form of {@code kind}, for logs and errors. */
    public String toString(IndexKind kind) {
        return "[" + startWire(kind) + ", " + endWire(kind) + ")";
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
