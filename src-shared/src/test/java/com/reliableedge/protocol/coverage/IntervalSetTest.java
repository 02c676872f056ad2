package com.reliableedge.protocol.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.Window;

class IntervalSetTest {

    private static final long MIN = Long.MIN_VALUE;
    private static final long MAX = Long.MAX_VALUE;

    @Test
    void emptySetCoversNothing() {
        IntervalSet set = new IntervalSet();

        assertThat(set.isEmpty()).isTrue();
        assertThat(set.size()).isZero();
        assertThat(set.intervals()).isEmpty();
        assertThat(set.span()).isEmpty();
        assertThat(set.contains(0)).isFalse();
        assertThat(set.intersects(MIN, MAX)).isFalse();
        assertThat(set.gaps(0, 10)).containsExactly(new Window(0, 10));
        assertThat(set.coveredLength(0, 10)).isZero();
        assertThat(set).hasToString("(empty)");
    }

    @Test
    void adjacentWindowsMerge() {
        IntervalSet set = new IntervalSet();

        assertThat(set.add(0, 5)).isTrue();
        assertThat(set.add(5, 9)).isTrue();

        assertThat(set.intervals()).containsExactly(new Window(0, 9));
        assertThat(set).hasToString("[0, 9)");
    }

    @Test
    void windowAdjacentOnTheLeftMerges() {
        IntervalSet set = IntervalSet.of(new Window(5, 9));

        set.add(2, 5);

        assertThat(set.intervals()).containsExactly(new Window(2, 9));
    }

    @Test
    void windowFillingAHoleJoinsBothNeighbours() {
        IntervalSet set = IntervalSet.of(new Window(0, 10), new Window(15, 25), new Window(30, 40));

        assertThat(set.add(10, 15)).isTrue();

        assertThat(set.intervals()).containsExactly(new Window(0, 25), new Window(30, 40));
    }

    @Test
    void windowSpanningSeveralIntervalsSwallowsThem() {
        IntervalSet set = IntervalSet.of(new Window(0, 2), new Window(4, 6), new Window(8, 10),
                new Window(20, 30));

        assertThat(set.add(1, 9)).isTrue();

        assertThat(set.intervals()).containsExactly(new Window(0, 10), new Window(20, 30));
        assertThat(set.size()).isEqualTo(2);
    }

    @Test
    void windowAlreadyCoveredChangesNothing() {
        IntervalSet set = IntervalSet.of(new Window(0, 10));

        assertThat(set.add(0, 10)).isFalse();
        assertThat(set.add(3, 7)).isFalse();
        assertThat(set.add(new Window(9, 10))).isFalse();

        assertThat(set.intervals()).containsExactly(new Window(0, 10));
    }

    @Test
    void windowSeparatedByOnePointStaysSeparate() {
        IntervalSet set = IntervalSet.of(new Window(0, 5), new Window(6, 9));

        assertThat(set.intervals()).containsExactly(new Window(0, 5), new Window(6, 9));
        assertThat(set).hasToString("[0, 5) [6, 9)");
        assertThat(set.contains(5)).isFalse();
    }

    @Test
    void subtractInsideAnIntervalSplitsIt() {
        IntervalSet set = IntervalSet.of(new Window(0, 10));

        assertThat(set.subtract(3, 7)).isTrue();

        assertThat(set.intervals()).containsExactly(new Window(0, 3), new Window(7, 10));
    }

    @Test
    void subtractTrimsEdgesAndRemovesIntervalsInside() {
        IntervalSet set = IntervalSet.of(new Window(0, 10), new Window(12, 14), new Window(16, 30));

        assertThat(set.subtract(new Window(5, 20))).isTrue();

        assertThat(set.intervals()).containsExactly(new Window(0, 5), new Window(20, 30));
    }

    @Test
    void subtractOfAnExactIntervalRemovesIt() {
        IntervalSet set = IntervalSet.of(new Window(0, 5), new Window(10, 15));

        assertThat(set.subtract(10, 15)).isTrue();

        assertThat(set.intervals()).containsExactly(new Window(0, 5));
    }

    @Test
    void subtractOfUncoveredWindowChangesNothing() {
        IntervalSet set = IntervalSet.of(new Window(0, 5), new Window(10, 15));

        assertThat(set.subtract(5, 10)).isFalse();
        assertThat(set.subtract(15, 100)).isFalse();
        assertThat(set.subtract(-100, 0)).isFalse();

        assertThat(set.intervals()).containsExactly(new Window(0, 5), new Window(10, 15));
    }

    @Test
    void containsIsHalfOpen() {
        IntervalSet set = IntervalSet.of(new Window(0, 5));

        assertThat(set.contains(-1)).isFalse();
        assertThat(set.contains(0)).isTrue();
        assertThat(set.contains(4)).isTrue();
        assertThat(set.contains(5)).isFalse();
    }

    @Test
    void containsAllNeedsTheWholeWindow() {
        IntervalSet set = IntervalSet.of(new Window(0, 5), new Window(6, 10));

        assertThat(set.containsAll(0, 5)).isTrue();
        assertThat(set.containsAll(1, 4)).isTrue();
        assertThat(set.containsAll(0, 6)).isFalse();
        assertThat(set.containsAll(4, 7)).isFalse();
        assertThat(set.containsAll(new Window(6, 10))).isTrue();
        assertThat(set.containsAll(6, 11)).isFalse();
    }

    @Test
    void intersectsNeedsOneCoveredPoint() {
        IntervalSet set = IntervalSet.of(new Window(0, 5), new Window(10, 15));

        assertThat(set.intersects(5, 10)).isFalse();
        assertThat(set.intersects(4, 5)).isTrue();
        assertThat(set.intersects(9, 11)).isTrue();
        assertThat(set.intersects(new Window(15, 20))).isFalse();
        assertThat(set.intersects(-5, 0)).isFalse();
        assertThat(set.intersects(-5, 100)).isTrue();
    }

    @Test
    void gapsAreTheUncoveredPartsOfTheBound() {
        IntervalSet set = IntervalSet.of(new Window(0, 10), new Window(15, 25), new Window(30, 40));

        assertThat(set.gaps(0, 40)).containsExactly(new Window(10, 15), new Window(25, 30));
        assertThat(set.gaps(-5, 50)).containsExactly(new Window(-5, 0), new Window(10, 15), new Window(25, 30),
                new Window(40, 50));
    }

    @Test
    void gapsAreClippedAtTheBounds() {
        IntervalSet set = IntervalSet.of(new Window(0, 10), new Window(15, 25));

        assertThat(set.gaps(5, 20)).containsExactly(new Window(10, 15));
        assertThat(set.gaps(12, 13)).containsExactly(new Window(12, 13));
        assertThat(set.gaps(new Window(12, 30))).containsExactly(new Window(12, 15), new Window(25, 30));
        assertThat(set.gaps(10, 15)).containsExactly(new Window(10, 15));
    }

    @Test
    void gapsOfACoveredBoundAreEmpty() {
        IntervalSet set = IntervalSet.of(new Window(0, 10), new Window(15, 25));

        assertThat(set.gaps(0, 10)).isEmpty();
        assertThat(set.gaps(16, 20)).isEmpty();
    }

    @Test
    void intervalsWithinAreClipped() {
        IntervalSet set = IntervalSet.of(new Window(0, 10), new Window(15, 25), new Window(30, 40));

        assertThat(set.intervalsWithin(5, 32)).containsExactly(new Window(5, 10), new Window(15, 25),
                new Window(30, 32));
        assertThat(set.intervalsWithin(10, 15)).isEmpty();
        assertThat(set.coveredLength(5, 32)).isEqualTo(5 + 10 + 2);
    }

    @Test
    void spanGoesFromTheFirstStartToTheLastEnd() {
        IntervalSet set = IntervalSet.of(new Window(30, 40), new Window(-3, 2));

        assertThat(set.span()).isEqualTo(Optional.of(new Window(-3, 40)));
    }

    @Test
    void wholeIndexRangeCanBeCovered() {
        IntervalSet set = IntervalSet.of(new Window(MIN, MAX));

        assertThat(set.contains(MIN)).isTrue();
        assertThat(set.contains(MAX - 1)).isTrue();
        assertThat(set.contains(MAX)).isFalse();
        assertThat(set.containsAll(MIN, MAX)).isTrue();
        assertThat(set.gaps(MIN, MAX)).isEmpty();
        assertThat(set.coveredLength(MIN, MAX)).isEqualTo(MAX);
        assertThat(new Window(MIN, MAX).length()).isEqualTo(MAX);
    }

    @Test
    void extremesMergeAndSplitWithoutOverflow() {
        IntervalSet set = new IntervalSet();

        set.add(MIN, MIN + 1);
        set.add(MAX - 1, MAX);
        assertThat(set.intervals()).containsExactly(new Window(MIN, MIN + 1), new Window(MAX - 1, MAX));
        assertThat(set.gaps(MIN, MAX)).containsExactly(new Window(MIN + 1, MAX - 1));
        assertThat(set.coveredLength(MIN, MAX)).isEqualTo(2);

        set.add(MIN + 1, MAX - 1);
        assertThat(set.intervals()).containsExactly(new Window(MIN, MAX));

        set.subtract(-1, 1);
        assertThat(set.intervals()).containsExactly(new Window(MIN, -1), new Window(1, MAX));
        assertThat(set.coveredLength(MIN, MAX)).isEqualTo(MAX);
        assertThat(set.coveredLength(0, MAX)).isEqualTo(MAX - 1);
        assertThat(set.intersects(MAX - 1, MAX)).isTrue();

        set.subtract(MIN, MAX);
        assertThat(set.isEmpty()).isTrue();
    }

    @Test
    void intervalLengthSaturates() {
        assertThat(new Window(0, 5).length()).isEqualTo(5);
        assertThat(new Window(-1, MAX).length()).isEqualTo(MAX);
        assertThat(new Window(MIN, 0).length()).isEqualTo(MAX);
        assertThat(new Window(MIN, MIN + 1).length()).isEqualTo(1);
        assertThat(new Window(3, 5).contains(5)).isFalse();
        assertThat(new Window(3, 5)).hasToString("[3, 5)");
    }

    @Test
    void manyIntervalsInRandomOrderStayMergedInADeepTree() {
        fillAndEmptyADeepTree(shuffled(5000, 1));
    }

    @Test
    void manyIntervalsAppendedInOrderStayMergedInADeepTree() {
        // Appends pack the leaves full, so the fills that follow shrink leaves in place.
        fillAndEmptyADeepTree(IntStream.range(0, 5000).boxed().toList());
    }

    private static void fillAndEmptyADeepTree(List<Integer> order) {
        // Nodes of four make thousands of intervals a tree seven levels deep, with splits, borrows and merges.
        IntervalSet set = new IntervalSet(4);
        int count = order.size();
        for (int i : order) {
            assertThat(set.add(i * 15L, i * 15L + 10)).isTrue();
        }
        assertThat(set.size()).isEqualTo(count);
        set.checkTree();
        List<Window> intervals = set.intervals();
        for (int i = 0; i < count; i++) {
            assertThat(intervals.get(i)).isEqualTo(new Window(i * 15L, i * 15L + 10));
        }
        assertThat(set.copy()).isEqualTo(set).isEqualTo(IntervalSet.of(intervals.toArray(Window[]::new)));

        List<Integer> holes = shuffled(count - 1, 2);
        for (int filled = 0; filled < holes.size(); filled++) {
            long start = holes.get(filled) * 15L + 10;
            assertThat(set.add(start, start + 5)).isTrue();
            assertThat(set.containsAll(start - 1, start + 6)).isTrue();
            if (filled % 500 == 0) {
                set.checkTree();
                assertThat(set.size()).isEqualTo(count - 1 - filled);
                assertThat(set.gaps(0, count * 15L)).hasSize(count - 2 - filled + 1);
            }
        }
        assertThat(set.intervals()).containsExactly(new Window(0, (count - 1) * 15L + 10));

        for (int hole : holes) {
            assertThat(set.subtract(hole * 15L + 10, hole * 15L + 15)).isTrue();
        }
        set.checkTree();
        assertThat(set.intervals()).isEqualTo(intervals);
        set.copy().checkTree();

        for (int i : shuffled(count, 3)) {
            assertThat(set.subtract(i * 15L, i * 15L + 10)).isTrue();
        }
        assertThat(set.isEmpty()).isTrue();
        assertThat(set.intervals()).isEmpty();
    }

    private static List<Integer> shuffled(int count, long seed) {
        List<Integer> numbers = new ArrayList<>(IntStream.range(0, count).boxed().toList());
        Collections.shuffle(numbers, new Random(seed));
        return numbers;
    }

    @Test
    void copyIsIndependent() {
        IntervalSet set = IntervalSet.of(new Window(0, 5));
        IntervalSet copy = set.copy();

        copy.add(5, 10);

        assertThat(set.intervals()).containsExactly(new Window(0, 5));
        assertThat(copy.intervals()).containsExactly(new Window(0, 10));
    }

    @Test
    void equalSetsCoverTheSamePoints() {
        IntervalSet merged = IntervalSet.of(new Window(0, 3), new Window(3, 6), new Window(8, 9));
        IntervalSet direct = IntervalSet.of(new Window(8, 9), new Window(0, 6));

        assertThat(merged).isEqualTo(direct).hasSameHashCodeAs(direct);
        assertThat(merged).isNotEqualTo(IntervalSet.of(new Window(0, 6)));
    }

    @Test
    void operationsRejectEmptyAndReversedWindows() {
        IntervalSet set = IntervalSet.of(new Window(0, 10));
        List<Runnable> calls = List.of(() -> set.add(5, 5), () -> set.subtract(5, 5), () -> set.containsAll(5, 5),
                () -> set.intersects(5, 5), () -> set.gaps(5, 5), () -> set.intervalsWithin(5, 5),
                () -> set.coveredLength(5, 5));

        for (Runnable call : calls) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ProtocolException.class, e -> {
                assertThat(e.field()).isEqualTo("window");
                assertThat(e.value()).isEqualTo("[5, 5)");
            });
        }
        assertThatThrownBy(() -> set.add(MAX, MIN)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.value()).isEqualTo("[" + MAX + ", " + MIN + ")"));
        assertThat(set.intervals()).containsExactly(new Window(0, 10));
    }
}
