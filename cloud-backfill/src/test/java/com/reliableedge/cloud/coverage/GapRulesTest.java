package com.reliableedge.cloud.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Coverage, gaps and their {@code observedAt} against a brute-force model, over streams of live, backfill, duplicate,
 * out-of-order and overlapping windows and lost ranges.
 */
class GapRulesTest {

    /** One ingested message: a live or backfill window, or an unavailable range (lost). */
    record Op(String kind, int start, int end) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.of("live", "live", "backfill", "lost"),
                Arbitraries.integers().between(0, PointModel.SIZE - 1), Arbitraries.integers().between(1, 12))
                .as((kind, start, len) -> new Op(kind, start, Math.min(PointModel.SIZE, start + len)));
        return op.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 500)
    void gapsAndObservedAtMatchTheModel(@ForAll("ops") List<Op> ops) {
        IntervalSet coverage = new IntervalSet();
        IntervalSet lost = new IntervalSet();
        Long origin = null;
        Long lastLiveEnd = null;
        List<OpenGap> stored = new ArrayList<>();
        long nextId = 1;
        boolean[] covered = new boolean[PointModel.SIZE];
        boolean[] lostPoints = new boolean[PointModel.SIZE];
        long[] firstGapAt = new long[PointModel.SIZE];
        java.util.Arrays.fill(firstGapAt, -1);
        int modelOrigin = Integer.MAX_VALUE;
        int modelLastEnd = Integer.MIN_VALUE;

        for (int step = 0; step < ops.size(); step++) {
            Op op = ops.get(step);
            Instant now = Instant.ofEpochSecond(step);
            Window w = new Window(op.start(), op.end());
            switch (op.kind()) {
                case "live" -> {
                    // Every live batch names the same streamOrigin, 0, as a real edge does.
                    origin = 0L;
                    lastLiveEnd = lastLiveEnd == null ? w.end() : Math.max(lastLiveEnd, w.end());
                    coverage.add(w);
                    modelOrigin = 0;
                    modelLastEnd = Math.max(modelLastEnd, op.end());
                    mark(covered, op);
                }
                case "backfill" -> {
                    coverage.add(w);
                    mark(covered, op);
                }
                default -> {
                    for (Window hole : coverage.gaps(w)) {
                        lost.add(hole);
                    }
                    for (int i = op.start(); i < op.end(); i++) {
                        lostPoints[i] |= !covered[i];
                    }
                }
            }
            List<Window> current = GapRules.gaps(GapRules.bound(origin, lastLiveEnd, null, Long.MIN_VALUE), coverage,
                    lost);
            // The model: points in [origin, lastLiveEnd) neither covered nor lost.
            boolean[] gapPoints = new boolean[PointModel.SIZE];
            for (int i = 0; i < PointModel.SIZE; i++) {
                gapPoints[i] = i >= modelOrigin && i < modelLastEnd && !covered[i] && !lostPoints[i];
                if (gapPoints[i] && firstGapAt[i] < 0) {
                    firstGapAt[i] = step;
                }
            }
            assertThat(current).isEqualTo(PointModel.runs(gapPoints));
            assertThat(PointModel.points(coverage)).isEqualTo(covered);

            GapChanges changes = GapReconciler.reconcile(stored, current, coverage, now);
            List<OpenGap> next = new ArrayList<>(stored);
            next.removeAll(changes.replaced());
            next.removeAll(changes.closed());
            next.removeAll(changes.lost());
            for (OpenGap closed : changes.closed()) {
                assertThat(coverage.containsAll(closed.interval())).isTrue();
            }
            for (OpenGap gone : changes.lost()) {
                assertThat(lost.intersects(gone.interval())).isTrue();
            }
            for (GapChanges.NewGap g : changes.inserted()) {
                next.add(new OpenGap(nextId++, g.interval(), g.observedAt()));
            }
            assertThat(changes.openAfter(stored.size())).isEqualTo(current.size());
            stored = next;
            assertThat(stored.stream().map(OpenGap::interval).sorted(
                    java.util.Comparator.comparingLong(Window::start)).toList()).isEqualTo(current);
            for (OpenGap g : stored) {
                long first = Long.MAX_VALUE;
                for (long i = g.interval().start(); i < g.interval().end(); i++) {
                    first = Math.min(first, firstGapAt[(int) i]);
                }
                assertThat(g.observedAt()).as("observedAt of %s", g.interval()).isEqualTo(Instant.ofEpochSecond(
                        first));
            }
        }
    }

    private static void mark(boolean[] points, Op op) {
        for (int i = op.start(); i < op.end(); i++) {
            points[i] = true;
        }
    }

    @Test
    void holesFromBacklogFromOnAreNotGaps() {
        IntervalSet coverage = IntervalSet.of(new Window(0, 10), new Window(30, 40));
        assertThat(GapRules.gaps(GapRules.bound(0L, 40L, 10L, Long.MIN_VALUE), coverage, new IntervalSet())).isEmpty();
        assertThat(GapRules.gaps(GapRules.bound(0L, 40L, 20L, Long.MIN_VALUE), coverage, new IntervalSet()))
                .containsExactly(new Window(10, 20));
        assertThat(GapRules.gaps(GapRules.bound(0L, 40L, null, Long.MIN_VALUE), coverage, new IntervalSet()))
                .containsExactly(new Window(10, 30));
    }

    @Test
    void nothingIsAGapBeforeTheFirstLiveBatchOrBelowTheFloor() {
        assertThat(GapRules.bound(null, null, null, Long.MIN_VALUE)).isEmpty();
        assertThat(GapRules.bound(0L, 100L, null, 50)).contains(new Window(50, 100));
        assertThat(GapRules.bound(0L, 100L, null, 100)).isEqualTo(Optional.empty());
    }

    @Test
    void aGapThatShrinksKeepsItsObservedAtAndOneThatVanishesIsClosedOrLost() {
        Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
        Instant t1 = t0.plusSeconds(60);
        List<OpenGap> stored = List.of(new OpenGap(1, new Window(10, 30), t0), new OpenGap(2, new Window(40, 50),
                t0), new OpenGap(3, new Window(60, 70), t0));
        IntervalSet coverage = IntervalSet.of(new Window(0, 10), new Window(15, 20), new Window(30, 60));
        GapChanges changes = GapReconciler.reconcile(stored, List.of(new Window(10, 15), new Window(20, 30),
                new Window(80, 90)), coverage, t1);
        assertThat(changes.replaced()).extracting(OpenGap::id).containsExactly(1L);
        assertThat(changes.closed()).extracting(OpenGap::id).containsExactly(2L);
        assertThat(changes.lost()).extracting(OpenGap::id).containsExactly(3L);
        assertThat(changes.inserted()).containsExactly(new GapChanges.NewGap(new Window(10, 15), t0),
                new GapChanges.NewGap(new Window(20, 30), t0), new GapChanges.NewGap(new Window(80, 90), t1));
        assertThat(changes.opened()).isEqualTo(1);
    }

    @Test
    void theRetentionFloorIsTheLastLiveEndMinusTheRetentionForTimeStreamsOnly() {
        long end = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
        assertThat(GapRules.retentionFloor(IndexKind.TIME, end, Duration.ofDays(30)))
                .isEqualTo(Instant.parse("2026-10-27T10:00:00Z").toEpochMilli());
        assertThat(GapRules.retentionFloor(IndexKind.SEQUENCE, end, Duration.ofDays(30))).isEqualTo(Long.MIN_VALUE);
        assertThat(GapRules.retentionFloor(IndexKind.TIME, null, Duration.ofDays(30))).isEqualTo(Long.MIN_VALUE);
        // Before year 0 nothing is past retention.
        assertThat(GapRules.retentionFloor(IndexKind.TIME, IndexKind.MIN_TIME + 5, Duration.ofMillis(6)))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(GapRules.retentionFloor(IndexKind.TIME, IndexKind.MIN_TIME + 5, Duration.ofMillis(5)))
                .isEqualTo(IndexKind.MIN_TIME);
    }
}
