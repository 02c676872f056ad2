package com.reliableedge.protocol.index;

/**
 * Arithmetic on data indexes that never wraps. Indexes span the whole {@code long} range (a {@code time} index is
 * epoch milliseconds, a {@code sequence} any signed number), so a sum or a difference near the ends would overflow;
 * these saturate at {@link Long#MIN_VALUE} / {@link Long#MAX_VALUE} instead, which every caller reads as "beyond
 * any bound".
 */
public final class IndexArithmetic {

    private IndexArithmetic() {
    }

    /** {@code a + b}, saturated at {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}. */
    public static long saturatedAdd(long a, long b) {
        long r = a + b;
        // Overflow happened iff both operands have the sign the result lacks.
        if (((a ^ r) & (b ^ r)) < 0) {
            return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }

    /** {@code a - b}, saturated at {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}. */
    public static long saturatedSubtract(long a, long b) {
        long r = a - b;
        // Overflow happened iff the operands differ in sign and the result's sign differs from a's.
        if (((a ^ b) & (a ^ r)) < 0) {
            return b < 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }

    /**
     * The number of indexes in {@code [start, end)} for {@code start <= end}, saturated at {@link Long#MAX_VALUE}:
     * only a range straddling zero (e.g. {@code [Long.MIN_VALUE, 1)}) can be wider than that.
     */
    public static long width(long start, long end) {
        return saturatedSubtract(end, start);
    }

    /**
     * Whether {@code [start, end)} ({@code start <= end}) holds more than {@code max} indexes, exactly, also where
     * {@link #width} saturates. Every range is wider than a negative {@code max}.
     */
    public static boolean isWiderThan(long start, long end, long max) {
        // end - start read as an unsigned number is the exact width, since it is below 2^64.
        return max < 0 || Long.compareUnsigned(end - start, max) > 0;
    }
}
