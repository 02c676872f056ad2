package com.reliableedge.cloud.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;

import com.reliableedge.protocol.index.IndexKind;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * The one retention floor ({@link GapRules#retentionFloor}): the last live end minus the retention for a time
 * stream, never before the first representable time (then nothing is past retention), nothing for sequence streams
 * and before the first live batch; it rises with the last live end and falls with the retention.
 */
class RetentionFloorProperties {

    @Provide
    Arbitrary<Long> times() {
        return Arbitraries.oneOf(Arbitraries.longs().between(IndexKind.MIN_TIME, IndexKind.MAX_TIME),
                Arbitraries.of(IndexKind.MIN_TIME, IndexKind.MAX_TIME, 0L, 1_700_000_000_000L));
    }

    @Provide
    Arbitrary<Duration> retentions() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 400L * 365 * 24 * 3600 * 1000).map(Duration::ofMillis),
                Arbitraries.of(Duration.ofDays(30), Duration.ofSeconds(Long.MAX_VALUE / 1000),
                        Duration.ofDays(10_000 * 365L)));
    }

    @Property(tries = 2000)
    void theFloorIsTheLastLiveEndMinusTheRetentionWhenThatIsATime(@ForAll("times") long lastLiveEnd,
            @ForAll("retentions") Duration retention) {
        long floor = GapRules.retentionFloor(IndexKind.TIME, lastLiveEnd, retention);
        // Exact, without overflow: the model the function must agree with.
        BigInteger exact = BigInteger.valueOf(lastLiveEnd).subtract(BigInteger.valueOf(retention.toMillis()));
        if (exact.compareTo(BigInteger.valueOf(IndexKind.MIN_TIME)) < 0) {
            assertThat(floor).isEqualTo(Long.MIN_VALUE);
        } else {
            assertThat(floor).isEqualTo(exact.longValueExact()).isLessThanOrEqualTo(lastLiveEnd);
        }
    }

    @Property(tries = 500)
    void nothingIsPastRetentionForSequencesOrBeforeTheFirstLiveBatch(@ForAll long lastLiveEnd,
            @ForAll("retentions") Duration retention) {
        assertThat(GapRules.retentionFloor(IndexKind.SEQUENCE, lastLiveEnd, retention)).isEqualTo(Long.MIN_VALUE);
        assertThat(GapRules.retentionFloor(IndexKind.TIME, null, retention)).isEqualTo(Long.MIN_VALUE);
    }

    @Property(tries = 1000)
    void theFloorRisesWithTheLastLiveEndAndFallsWithTheRetention(@ForAll("times") long a, @ForAll("times") long b,
            @ForAll("retentions") Duration r, @ForAll @LongRange(min = 0, max = 1_000_000_000L) long more) {
        long low = Math.min(a, b);
        long high = Math.max(a, b);
        assertThat(GapRules.retentionFloor(IndexKind.TIME, low, r))
                .isLessThanOrEqualTo(GapRules.retentionFloor(IndexKind.TIME, high, r));
        assertThat(GapRules.retentionFloor(IndexKind.TIME, high, r.plusMillis(more)))
                .isLessThanOrEqualTo(GapRules.retentionFloor(IndexKind.TIME, high, r));
    }

    @Property(tries = 1000)
    void aGapBoundNeverReachesBelowTheFloor(@ForAll("times") long origin, @ForAll("times") long lastLiveEnd,
            @ForAll("retentions") Duration retention) {
        long floor = GapRules.retentionFloor(IndexKind.TIME, lastLiveEnd, retention);
        GapRules.bound(origin, lastLiveEnd, null, floor)
                .ifPresent(bound -> assertThat(bound.start()).isGreaterThanOrEqualTo(floor).isGreaterThanOrEqualTo(
                        origin));
    }
}
