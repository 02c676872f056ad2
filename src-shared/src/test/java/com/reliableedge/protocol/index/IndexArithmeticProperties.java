package com.reliableedge.protocol.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Each saturated operation equals the exact result clamped to the {@code long} range. */
class IndexArithmeticProperties {

    private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    @Property
    void addIsTheClampedExactSum(@ForAll("indexes") long a, @ForAll("indexes") long b) {
        BigInteger exact = BigInteger.valueOf(a).add(BigInteger.valueOf(b));
        assertThat(IndexArithmetic.saturatedAdd(a, b)).isEqualTo(clamp(exact));
    }

    @Property
    void subtractIsTheClampedExactDifference(@ForAll("indexes") long a, @ForAll("indexes") long b) {
        BigInteger exact = BigInteger.valueOf(a).subtract(BigInteger.valueOf(b));
        assertThat(IndexArithmetic.saturatedSubtract(a, b)).isEqualTo(clamp(exact));
    }

    @Property
    void widthIsTheClampedExactWidth(@ForAll("indexes") long x, @ForAll("indexes") long y) {
        long start = Math.min(x, y);
        long end = Math.max(x, y);
        BigInteger exact = BigInteger.valueOf(end).subtract(BigInteger.valueOf(start));
        assertThat(IndexArithmetic.width(start, end)).isEqualTo(clamp(exact));
    }

    @Property
    void widerThanComparesTheExactWidth(@ForAll("indexes") long x, @ForAll("indexes") long y,
            @ForAll("indexes") long max) {
        long start = Math.min(x, y);
        long end = Math.max(x, y);
        BigInteger exact = BigInteger.valueOf(end).subtract(BigInteger.valueOf(start));
        boolean expected = exact.compareTo(BigInteger.valueOf(max)) > 0;
        assertThat(IndexArithmetic.isWiderThan(start, end, max)).isEqualTo(expected);
    }

    @Example
    void theEndsSaturate() {
        assertThat(IndexArithmetic.saturatedAdd(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(IndexArithmetic.saturatedAdd(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
        assertThat(IndexArithmetic.saturatedSubtract(Long.MIN_VALUE, 1)).isEqualTo(Long.MIN_VALUE);
        assertThat(IndexArithmetic.saturatedSubtract(Long.MAX_VALUE, -1)).isEqualTo(Long.MAX_VALUE);
        assertThat(IndexArithmetic.width(Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }

    /** Values near zero and near both ends, where overflow happens. */
    @Provide
    Arbitrary<Long> indexes() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-1000, 1000),
                Arbitraries.longs().between(Long.MAX_VALUE - 1000, Long.MAX_VALUE),
                Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 1000));
    }

    private static long clamp(BigInteger exact) {
        return exact.max(MIN).min(MAX).longValueExact();
    }
}
