package com.reliableedge.edge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * The ingest loop's next pass: never later than the poll interval, at a deadline that falls inside it, never sooner
 * than the floor, wherever the monotonic clock stands (it may wrap).
 */
class NextPassPropertiesTest {

    private static final long HOUR = 3_600_000_000_000L;

    @Property(tries = 1000)
    void theWaitIsBetweenTheFloorAndThePollInterval(@ForAll long now, @ForAll long deadline,
            @ForAll @LongRange(min = 1, max = HOUR) long poll) {
        long delay = NextPass.delayNanos(now, deadline, poll);
        assertThat(delay).isBetween(Math.min(NextPass.MIN_DELAY_NANOS, poll), poll);
    }

    @Property(tries = 1000)
    void aDeadlineWithinThePollIntervalIsMetExactly(@ForAll long now,
            @ForAll @LongRange(min = 1, max = HOUR) long poll, @ForAll @LongRange(min = 0, max = HOUR) long until) {
        long deadline = now + until;
        if (deadline == Long.MAX_VALUE) {
            return;
        }
        long delay = NextPass.delayNanos(now, deadline, poll);
        long floor = Math.min(NextPass.MIN_DELAY_NANOS, poll);
        if (until >= floor && until <= poll) {
            assertThat(delay).isEqualTo(until);
        } else if (until > poll) {
            // The source must be polled for new events: the poll interval wins over a later deadline.
            assertThat(delay).isEqualTo(poll);
        } else {
            assertThat(delay).isEqualTo(floor);
        }
    }

    @Property(tries = 500)
    void noDeadlineWaitsThePollInterval(@ForAll long now, @ForAll @LongRange(min = 1, max = HOUR) long poll) {
        assertThat(NextPass.delayNanos(now, Long.MAX_VALUE, poll)).isEqualTo(poll);
    }

    @Property(tries = 500)
    void aDeadlineAlreadyDueWaitsOnlyTheFloor(@ForAll long now, @ForAll @LongRange(min = 0, max = HOUR) long ago,
            @ForAll @LongRange(min = 1, max = HOUR) long poll) {
        long deadline = now - ago;
        if (deadline == Long.MAX_VALUE) {
            return;
        }
        assertThat(NextPass.delayNanos(now, deadline, poll)).isEqualTo(Math.min(NextPass.MIN_DELAY_NANOS, poll));
    }

    @Property(tries = 500)
    void theEarlierOfTwoDeadlinesIsTheOneThatComesFirst(@ForAll long now,
            @ForAll @LongRange(min = 0, max = HOUR) long a, @ForAll @LongRange(min = 0, max = HOUR) long b) {
        long da = now + a;
        long db = now + b;
        if (da == Long.MAX_VALUE || db == Long.MAX_VALUE) {
            return;
        }
        assertThat(SealPolicy.earlier(da, db)).isEqualTo(a <= b ? da : db);
        assertThat(SealPolicy.earlier(da, Long.MAX_VALUE)).isEqualTo(da);
        assertThat(SealPolicy.earlier(Long.MAX_VALUE, db)).isEqualTo(db);
    }
}
