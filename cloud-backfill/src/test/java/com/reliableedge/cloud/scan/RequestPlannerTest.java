package com.reliableedge.cloud.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.coverage.OpenGap;
import com.reliableedge.cloud.coverage.PointModel;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Request planning against a brute-force model. */
class RequestPlannerTest {

    @Provide
    Arbitrary<List<Window>> intervals() {
        return Combinators.combine(Arbitraries.integers().between(0, PointModel.SIZE - 1),
                Arbitraries.integers().between(1, 20))
                .as((start, len) -> new Window(start, Math.min(PointModel.SIZE, start + len))).list().ofMaxSize(8);
    }

    @Property(tries = 1000)
    void requestsCoverExactlyTheEligibleGapsNotBlockedSplitAtTheSpan(@ForAll("intervals") List<Window> gapInput,
            @ForAll("intervals") List<Window> blockedInput, @ForAll @IntRange(min = 1, max = 20) int maxSpan) {
        // Gaps are disjoint maximal intervals: normalise the random input through an IntervalSet.
        List<Window> gaps = IntervalSet.of(gapInput.toArray(Window[]::new)).intervals();
        IntervalSet blocked = IntervalSet.of(blockedInput.toArray(Window[]::new));

        List<Window> windows = RequestPlanner.plan(gaps, blocked, maxSpan, Integer.MAX_VALUE);

        boolean[] expected = new boolean[PointModel.SIZE];
        boolean[] inGap = PointModel.points(gaps);
        boolean[] isBlocked = PointModel.points(blocked);
        for (int i = 0; i < PointModel.SIZE; i++) {
            expected[i] = inGap[i] && !isBlocked[i];
        }
        int[] hits = new int[PointModel.SIZE];
        for (Window w : windows) {
            assertThat(w.length()).isLessThanOrEqualTo(maxSpan);
            assertThat(gaps).anySatisfy(g -> assertThat(g.start() <= w.start() && w.end() <= g.end()).isTrue());
            for (long i = w.start(); i < w.end(); i++) {
                hits[(int) i]++;
            }
        }
        for (int i = 0; i < PointModel.SIZE; i++) {
            assertThat(hits[i]).as("point %d", i).isEqualTo(expected[i] ? 1 : 0);
        }
        List<Window> sorted = new ArrayList<>(windows);
        sorted.sort(java.util.Comparator.comparingLong(Window::start));
        assertThat(windows).isEqualTo(sorted);
        // Split from each free interval's start: only the last piece of each may be shorter.
        for (Window free : PointModel.runs(expected)) {
            List<Window> pieces = windows.stream().filter(w -> w.start() >= free.start() && w.end() <= free.end())
                    .toList();
            for (int k = 0; k < pieces.size() - 1; k++) {
                assertThat(pieces.get(k).length()).isEqualTo(maxSpan);
            }
        }
    }

    @Test
    void splittingWorksAtTheEndsOfTheIndex() {
        List<Window> out = RequestPlanner.split(new Window(Long.MIN_VALUE, Long.MAX_VALUE), Long.MAX_VALUE, 10);
        assertThat(out).containsExactly(new Window(Long.MIN_VALUE, -1), new Window(-1, Long.MAX_VALUE - 1),
                new Window(Long.MAX_VALUE - 1, Long.MAX_VALUE));
        assertThatThrownBy(() -> RequestPlanner.plan(List.of(), new IntervalSet(), 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eligibilityIsNowMinusObservedAtAtLeastTheDelay() {
        Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
        OpenGap gap = new OpenGap(1, new Window(0, 1), t0);
        assertThat(RequestPlanner.isEligible(gap, t0.plusSeconds(29), Duration.ofSeconds(30))).isFalse();
        assertThat(RequestPlanner.isEligible(gap, t0.plusSeconds(30), Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void theMaximumSpanIsInTheIndexUnit() {
        assertThat(RequestPlanner.maxSpan(IndexKind.TIME, Duration.ofHours(1), 100_000)).isEqualTo(3_600_000);
        assertThat(RequestPlanner.maxSpan(IndexKind.SEQUENCE, Duration.ofHours(1), 100_000)).isEqualTo(100_000);
    }
}
