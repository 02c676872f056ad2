package com.reliableedge.protocol.coverage;

import com.reliableedge.protocol.ProtocolException;

/**
 * A non-empty half-open interval {@code [start, end)} of a stream's data index: {@code start} is included,
 * {@code end} is not. Because the end is exclusive, {@link Long#MAX_VALUE} can be an end but never a point inside.
 *
 * @param start the first index inside the interval
 * @param end the first index after the interval, greater than {@code start}
 */
public record Interval(long start, long end) {

    /**
     * @throws ProtocolException (field {@code interval}) when {@code start >= end}
     */
    public Interval {
        if (start >= end) {
            throw new ProtocolException("interval", format(start, end), "must have start < end");
        }
    }

    /**
     * The number of indexes inside, saturated at {@link Long#MAX_VALUE}: an interval wider than that (only
     * possible when it straddles zero, e.g. {@code [Long.MIN_VALUE, 1)}) reports {@code Long.MAX_VALUE}.
     */
    public long length() {
        return saturatedLength(start, end);
    }

    /** Whether {@code start <= point < end}. */
    public boolean contains(long point) {
        return start <= point && point < end;
    }

    /** The interval as {@code [start, end)}. */
    @Override
    public String toString() {
        return format(start, end);
    }

    static String format(long start, long end) {
        return "[" + start + ", " + end + ")";
    }

    /** {@code end - start} for {@code start < end}, saturated at {@link Long#MAX_VALUE}. */
    static long saturatedLength(long start, long end) {
        long length = end - start;
        // The true difference is positive; a negative result means it wrapped past Long.MAX_VALUE.
        return length < 0 ? Long.MAX_VALUE : length;
    }
}
