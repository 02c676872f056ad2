package com.reliableedge.cloud.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.reliableedge.cloud.coverage.OpenGap;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Window;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Lazy planning against the eager split it replaced: the same windows, prefix-wise, for any interval (near
 * {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE} too), at a cost bounded by the windows asked for.
 */
class RequestPlannerProperties {

    /** The eager split the planner used to do (kept as the model; only for intervals with few windows). */
    static List<Window> eagerSplit(Window interval, long maxSpan) {
        List<Window> into = new ArrayList<>();
        long start = interval.start();
        while (start < interval.end()) {
            long remaining = interval.end() - start;
            long end = remaining > 0 && remaining <= maxSpan ? interval.end() : start + maxSpan;
            into.add(new Window(start, end));
            start = end;
        }
        return into;
    }

    @Provide
    Arbitrary<Long> anywhere() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 50),
                Arbitraries.longs().between(Long.MAX_VALUE - 50, Long.MAX_VALUE), Arbitraries.longs().between(-50,
                        50),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 1L << 62, 253_402_300_799_999L));
    }

    @Provide
    Arbitrary<Window> anyInterval() {
        return Combinators.combine(anywhere(), anywhere()).filter((a, b) -> !a.equals(b))
                .as((a, b) -> new Window(Math.min(a, b), Math.max(a, b)));
    }

    @Property(tries = 2000)
    void lazySplitIsAPrefixOfTheEagerSplit(@ForAll("anyInterval") Window interval,
            @ForAll @IntRange(min = 1, max = 300) int pieces, @ForAll @IntRange(min = 0, max = 400) int limit) {
        // A span that gives the eager model at most about `pieces` windows, so that it can run.
        long maxSpan = Math.max(1, interval.length() / pieces);
        List<Window> eager = eagerSplit(interval, maxSpan);
        List<Window> lazy = RequestPlanner.split(interval, maxSpan, limit);
        assertThat(lazy).isEqualTo(eager.subList(0, Math.min(limit, eager.size())));
    }

    @Property(tries = 2000)
    void aHugeIntervalCostsOnlyTheWindowsAskedFor(@ForAll("anyInterval") Window interval,
            @ForAll @LongRange(min = 1, max = 1000) long maxSpan, @ForAll @IntRange(min = 0, max = 300) int limit) {
        List<Window> lazy = RequestPlanner.split(interval, maxSpan, limit);
        long length = interval.length();
        long all = length / maxSpan + (length % maxSpan == 0 ? 0 : 1);
        assertThat((long) lazy.size()).isEqualTo(Math.min(limit, all));
        long expectedStart = interval.start();
        for (Window w : lazy) {
            assertThat(w.start()).isEqualTo(expectedStart);
            assertThat(w.length()).isLessThanOrEqualTo(maxSpan);
            assertThat(w.end()).isLessThanOrEqualTo(interval.end());
            expectedStart = w.end();
        }
    }

    @Provide
    Arbitrary<List<Window>> smallIntervals() {
        return Combinators.combine(Arbitraries.longs().between(-200, 200), Arbitraries.longs().between(1, 60))
                .as((start, len) -> new Window(start, start + len)).list().ofMaxSize(8);
    }

    /**
     * What the scanner does over successive scans, each planning at most {@code limit} windows that then block
     * their part: together exactly the eager plan, in order.
     */
    @Property(tries = 1000)
    void successiveLazyPlansTogetherAreTheEagerPlan(@ForAll("smallIntervals") List<Window> gapInput,
            @ForAll("smallIntervals") List<Window> blockedInput, @ForAll @IntRange(min = 1, max = 15) int maxSpan,
            @ForAll @IntRange(min = 1, max = 7) int limit) {
        List<Window> gaps = IntervalSet.of(gapInput.toArray(Window[]::new)).intervals();
        IntervalSet blocked = IntervalSet.of(blockedInput.toArray(Window[]::new));
        List<Window> eager = new ArrayList<>();
        for (Window gap : gaps) {
            for (Window free : blocked.gaps(gap)) {
                eager.addAll(eagerSplit(free, maxSpan));
            }
        }
        assertThat(RequestPlanner.plan(gaps, blocked, maxSpan, Integer.MAX_VALUE)).isEqualTo(eager);

        List<Window> together = new ArrayList<>();
        IntervalSet scanBlocked = blocked.copy();
        for (int scan = 0; scan <= eager.size(); scan++) {
            List<Window> planned = RequestPlanner.plan(gaps, scanBlocked, maxSpan, limit);
            assertThat(planned.size()).isLessThanOrEqualTo(limit);
            planned.forEach(scanBlocked::add);
            together.addAll(planned);
        }
        assertThat(together).isEqualTo(eager);
    }

    @Property(tries = 1000)
    void planningNearTheEndsOfTheIndexIsBoundedAndInsideTheGaps(@ForAll("anyInterval") Window gap,
            @ForAll("anyInterval") Window blockedWindow, @ForAll @LongRange(min = 1, max = 100_000) long maxSpan,
            @ForAll @IntRange(min = 0, max = 200) int limit) {
        IntervalSet blocked = IntervalSet.of(blockedWindow);
        List<Window> planned = RequestPlanner.plan(List.of(gap), blocked, maxSpan, limit);
        assertThat(planned.size()).isLessThanOrEqualTo(limit);
        for (Window w : planned) {
            assertThat(w.start()).isGreaterThanOrEqualTo(gap.start());
            assertThat(w.end()).isLessThanOrEqualTo(gap.end());
            assertThat(blocked.intersects(w)).isFalse();
            assertThat(w.length()).isLessThanOrEqualTo(maxSpan);
        }
    }

    @Property
    void aGapNeedsAnOperatorExactlyWhenWiderThanTheAutoSpan(@ForAll("anyInterval") Window gap,
            @ForAll @LongRange(min = 1) long maxAuto) {
        boolean wide = Long.compareUnsigned(gap.end() - gap.start(), maxAuto) > 0;
        assertThat(RequestPlanner.needsOperator(gap, maxAuto)).isEqualTo(wide);
    }

    @Property(tries = 1000)
    void aGapIsEligibleExactlyWhenObservedByTheBoundTheScanQueriesWith(
            @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long observedOffsetMs,
            @ForAll @LongRange(min = 0, max = 1_000_000) long delayMs,
            @ForAll @LongRange(min = 0, max = 999_999) long nanos) {
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        Duration delay = Duration.ofMillis(delayMs);
        Instant observedAt = now.plusMillis(observedOffsetMs).plusNanos(nanos);
        OpenGap gap = new OpenGap(1, new Window(0, 1), observedAt);
        boolean eligible = RequestPlanner.isEligible(gap, now, delay);
        // PROTOCOL.md section 6: eligible once now - observedAt >= detectionDelay.
        assertThat(eligible).isEqualTo(Duration.between(observedAt, now).compareTo(delay) >= 0);
        assertThat(eligible).isEqualTo(!observedAt.isAfter(RequestPlanner.observedBy(now, delay)));
    }
}
