package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The backoff of the sender and of the mqtt transport's reconnects: exponential, capped, jittered within the upper
 * half of its ceiling, for any settings and any number of failures.
 */
class BackoffPropertiesTest {

    private static final long DAY_NANOS = 86_400_000_000_000L;

    /** The ceiling as the definition states it, in exact arithmetic. */
    private static long ceiling(long initial, long max, int failures) {
        int shift = Math.min(Math.max(failures, 1) - 1, 30);
        return java.math.BigInteger.valueOf(initial).shiftLeft(shift).min(java.math.BigInteger.valueOf(max))
                .longValueExact();
    }

    @Property(tries = 1000)
    void aDelayLiesInTheUpperHalfOfItsCeiling(@ForAll @LongRange(min = 1, max = DAY_NANOS) long initial,
            @ForAll @LongRange(min = 1, max = DAY_NANOS) long max, @ForAll int failures,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
        long delay = new Backoff(Duration.ofNanos(initial), Duration.ofNanos(max)).delayNanos(failures, random);
        long ceiling = ceiling(initial, max, failures);
        assertThat(delay).isBetween(ceiling / 2, ceiling).isLessThanOrEqualTo(max);
    }

    @Property(tries = 500)
    void moreFailuresNeverWaitLess(@ForAll @LongRange(min = 1, max = DAY_NANOS) long initial,
            @ForAll @LongRange(min = 1, max = DAY_NANOS) long max, @ForAll @IntRange(min = -5, max = 100) int failures,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
        Backoff b = new Backoff(Duration.ofNanos(initial), Duration.ofNanos(max));
        assertThat(b.delayNanos(failures + 1, random)).isGreaterThanOrEqualTo(b.delayNanos(failures, random));
    }

    @Property(tries = 500)
    void enoughFailuresReachTheMaximumAndStayThere(@ForAll @LongRange(min = 1, max = DAY_NANOS) long initial,
            @ForAll @LongRange(min = 1, max = DAY_NANOS) long max,
            @ForAll @IntRange(min = 31, max = Integer.MAX_VALUE) int failures,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
        Backoff backoff = new Backoff(Duration.ofNanos(initial), Duration.ofNanos(max));
        long delay = backoff.delayNanos(failures, random);
        // Doubling stops after 2^30 times the first delay (more than 8 years from 250 ms).
        assertThat(delay).isEqualTo(backoff.delayNanos(31, random));
        if (java.math.BigInteger.valueOf(initial).shiftLeft(30).compareTo(java.math.BigInteger.valueOf(max)) >= 0) {
            assertThat(delay).isBetween(max / 2, max);
        }
    }

    @Property(tries = 500)
    void theJitterSpreadsTheDelayAcrossTheUpperHalf(@ForAll @LongRange(min = 1_000, max = DAY_NANOS) long initial,
            @ForAll @IntRange(min = 1, max = 20) int failures,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double a,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double b) {
        Backoff backoff = new Backoff(Duration.ofNanos(initial), Duration.ofNanos(DAY_NANOS));
        long ceiling = ceiling(initial, DAY_NANOS, failures);
        assertThat(backoff.delayNanos(failures, 0.0)).isEqualTo(ceiling / 2);
        if (a < b) {
            assertThat(backoff.delayNanos(failures, a)).isLessThanOrEqualTo(backoff.delayNanos(failures, b));
        }
    }
}
