package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** {@link Plausibility} against exact arithmetic. */
class PlausibilityTest {

    @Property(tries = 2000)
    void aTimeWindowIsTooFarAheadExactlyWhenItsEndPassesNowPlusMaxFuture(
            @ForAll @LongRange(min = IndexKind.MIN_TIME, max = IndexKind.MAX_TIME - 1) long start,
            @ForAll @LongRange(min = 1, max = 1_000_000_000_000L) long length,
            @ForAll @LongRange(min = IndexKind.MIN_TIME, max = IndexKind.MAX_TIME) long now,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long maxFuture) {
        long end = Math.min(IndexKind.MAX_TIME, start + length);
        Window window = new Window(start, end);
        boolean expected = BigInteger.valueOf(end).compareTo(BigInteger.valueOf(now).add(BigInteger.valueOf(
                maxFuture))) > 0;
        assertThat(Plausibility.endsTooFarAhead(IndexKind.TIME, window, now, maxFuture)).isEqualTo(expected);
    }

    @Property
    void aSequenceWindowIsNeverJudgedByTheClock(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 1) long start,
            @ForAll long now) {
        assertThat(Plausibility.endsTooFarAhead(IndexKind.SEQUENCE, new Window(start, start + 1), now, 0)).isFalse();
    }
}
