package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** {@link ReconnectBackoff}: bounded, growing with failures, jittered by at most half. */
class ReconnectBackoffProperties {

    @Property
    void theDelayLiesBetweenHalfTheFirstAndTheCap(@ForAll @IntRange(min = -1, max = 1000) int failures,
            @ForAll @LongRange(min = 1, max = 60_000) long firstMs,
            @ForAll @LongRange(min = 1, max = 3_600_000) long maxMs,
            @ForAll @DoubleRange(min = 0, max = 1) double random) {
        long delay = ReconnectBackoff.delay(failures, Duration.ofMillis(firstMs), Duration.ofMillis(maxMs), random)
                .toMillis();
        long cap = Math.max(firstMs, maxMs);
        assertThat(delay).isBetween(Math.max(1, firstMs / 2), cap);
    }

    @Property
    void withoutJitterItDoublesUpToTheCapAndNeverShrinks(@ForAll @IntRange(min = 0, max = 200) int failures,
            @ForAll @LongRange(min = 1, max = 60_000) long firstMs,
            @ForAll @LongRange(min = 1, max = 3_600_000) long maxMs) {
        Duration first = Duration.ofMillis(firstMs);
        Duration max = Duration.ofMillis(maxMs);
        long now = ReconnectBackoff.delay(failures, first, max, 1.0).toMillis();
        long next = ReconnectBackoff.delay(failures + 1, first, max, 1.0).toMillis();
        assertThat(next).isGreaterThanOrEqualTo(now);
        assertThat(next).isEqualTo(Math.min(2 * now, Math.max(firstMs, maxMs)));
        assertThat(ReconnectBackoff.delay(0, first, max, 1.0).toMillis()).isEqualTo(firstMs);
    }
}
