package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.reliableedge.edge.source.FakeClock;

class RateBudgetTest {

    @Test
    void messagesPerSecondAreKept() {
        FakeClock clock = new FakeClock(0);
        RateBudget budget = new RateBudget(2, 0, clock);
        assertThat(budget.delayNanos(10)).isZero();
        budget.take(10);
        budget.take(10);
        assertThat(budget.delayNanos(10)).isEqualTo(500_000_000L);
        clock.advanceMillis(500);
        assertThat(budget.delayNanos(10)).isZero();
    }

    @Test
    void bytesPerSecondAreKept() {
        FakeClock clock = new FakeClock(0);
        RateBudget budget = new RateBudget(0, 1000, clock);
        budget.take(800);
        assertThat(budget.delayNanos(400)).isEqualTo(200_000_000L);
        clock.advanceMillis(200);
        assertThat(budget.delayNanos(400)).isZero();
        assertThat(RateBudget.unlimited(clock).delayNanos(1 << 30)).isZero();
    }
}
