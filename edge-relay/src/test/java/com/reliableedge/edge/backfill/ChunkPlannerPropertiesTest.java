package com.reliableedge.edge.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.protocol.index.IndexArithmetic;
import com.reliableedge.protocol.index.Window;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The chunk planner, driven through whole jobs against a random buffer and source: its steps tile the window
 * exactly and in order, each within its bounds, near the ends of the index range too, and their number is bounded by
 * what there is to serve (held batches, chunks of readable history), never by the window's width.
 */
class ChunkPlannerPropertiesTest {

    /** A random job's world: the window, the live cursor, the held batches, the source's horizon. */
    private record World(long start, long end, long liveCursor, List<Window> held, long availableFrom, long chunkSpan) {

        OptionalLong heldEnd(long p) {
            return held.stream().filter(w -> w.start() <= p && p < w.end()).mapToLong(Window::end).findFirst();
        }

        OptionalLong nextHeldStart(long p) {
            return held.stream().mapToLong(Window::start).filter(s -> s > p).min();
        }
    }

    private static long base(Random rnd, long width) {
        return switch (rnd.nextInt(4)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE - width;
            case 2 -> Long.MIN_VALUE + rnd.nextInt(1000);
            default -> width > Long.MAX_VALUE / 2 ? Long.MIN_VALUE : 1_790_000_000_000L + rnd.nextInt(1_000_000);
        };
    }

    /** {@code a + b}, clamped to the long range. */
    private static long clamped(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
    }

    private static World world(Random rnd, long maxChunks) {
        long chunkSpan = rnd.nextInt(5) == 0 ? Long.MAX_VALUE : 1 + rnd.nextInt(1000);
        long width = 1 + (long) (rnd.nextDouble() * Math.min(chunkSpan, 1000) * maxChunks);
        long start = base(rnd, width);
        long end = start + width;
        long liveCursor = switch (rnd.nextInt(4)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE;
            default -> clamped(start, (long) (rnd.nextDouble() * width * 1.2) - width / 10);
        };
        List<Window> held = new ArrayList<>();
        long at = clamped(start, -rnd.nextInt(100));
        int n = rnd.nextInt(8);
        for (int i = 0; i < n && at < end; i++) {
            long gap = (long) (rnd.nextDouble() * width / 4);
            long s = saturated(at, gap);
            long e = saturated(s, 1 + (long) (rnd.nextDouble() * width / 4));
            if (s < e) {
                held.add(new Window(s, e));
            }
            at = e;
        }
        long availableFrom = switch (rnd.nextInt(3)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> start + (long) (rnd.nextDouble() * width);
            default -> clamped(end, rnd.nextInt(100));
        };
        return new World(start, end, liveCursor, held, availableFrom, chunkSpan);
    }

    private static long saturated(long a, long b) {
        return IndexArithmetic.saturatedAdd(a, b);
    }

    /** Runs a whole job; returns the pieces in order, checking each step as it goes. */
    private static List<Window> run(World w, Random rnd, boolean partialReads, int maxSteps) {
        List<Window> pieces = new ArrayList<>();
        long p = w.start();
        int steps = 0;
        long limit = Math.min(w.end(), w.liveCursor());
        while (p < w.end()) {
            assertThat(++steps).as("steps").isLessThanOrEqualTo(maxSteps);
            OptionalLong heldEnd = w.heldEnd(p);
            OptionalLong nextHeld = w.nextHeldStart(p);
            ChunkPlanner.Step step = ChunkPlanner.next(p, w.end(), w.liveCursor(), heldEnd, nextHeld, w.chunkSpan());
            Window s = step.window();
            assertThat(s.start()).isEqualTo(p);
            assertThat(s.end()).isGreaterThan(p).isLessThanOrEqualTo(w.end());
            if (step instanceof ChunkPlanner.PastLiveCursor) {
                assertThat(p).isGreaterThanOrEqualTo(w.liveCursor());
                assertThat(s.end()).isEqualTo(w.end());
                pieces.add(s);
                p = s.end();
            } else if (step instanceof ChunkPlanner.FromHeld) {
                assertThat(s.end()).isLessThanOrEqualTo(limit).isLessThanOrEqualTo(heldEnd.orElseThrow());
                pieces.add(s);
                p = s.end();
            } else {
                assertThat(heldEnd).isEmpty();
                assertThat(s.end()).isLessThanOrEqualTo(limit);
                assertThat(IndexArithmetic.width(s.start(), s.end())).isLessThanOrEqualTo(w.chunkSpan());
                if (nextHeld.isPresent()) {
                    assertThat(s.end()).isLessThanOrEqualTo(nextHeld.getAsLong());
                }
                long readTo = s.end();
                if (partialReads && rnd.nextInt(3) == 0) {
                    // The read stopped at its event limit, or (rarely) a source broke its contract and read nothing.
                    readTo = rnd.nextInt(10) == 0
                            ? p
                            : p + 1 + (long) (rnd.nextDouble() * (IndexArithmetic.width(p, s
                                    .end()) - 1));
                }
                ChunkPlanner.AfterRead a = ChunkPlanner.afterRead(s, w.availableFrom(), readTo, limit, nextHeld);
                assertThat(a.progress()).isGreaterThan(p).isLessThanOrEqualTo(limit);
                long at = p;
                for (Window piece : new Window[]{a.unavailable(), a.served(), a.failed()}) {
                    if (piece != null) {
                        assertThat(piece.start()).isEqualTo(at);
                        at = piece.end();
                        pieces.add(piece);
                    }
                }
                assertThat(at).as("the read's pieces tile [p, progress)").isEqualTo(a.progress());
                if (a.unavailable() != null) {
                    assertThat(a.unavailable().end()).isLessThanOrEqualTo(w.availableFrom());
                    if (nextHeld.isPresent()) {
                        assertThat(a.unavailable().end()).isLessThanOrEqualTo(nextHeld.getAsLong());
                    }
                }
                if (a.served() != null) {
                    assertThat(a.served().start()).isGreaterThanOrEqualTo(w.availableFrom());
                    assertThat(a.served().end()).isLessThanOrEqualTo(Math.max(readTo, a.served().start()));
                }
                p = a.progress();
            }
        }
        return pieces;
    }

    private static void assertTiles(List<Window> pieces, long start, long end) {
        long at = start;
        for (Window piece : pieces) {
            assertThat(piece.start()).as("in order, no gap, no overlap").isEqualTo(at);
            at = piece.end();
        }
        assertThat(at).isEqualTo(end);
    }

    @Property(tries = 400)
    void stepsTileTheWindowExactlyInOrderWithinBounds(@ForAll long seed) {
        Random rnd = new Random(seed);
        World w = world(rnd, 200);
        assertTiles(run(w, rnd, true, 1_000_000), w.start(), w.end());
    }

    @Property(tries = 400)
    void theNumberOfStepsIsBoundedByWhatThereIsToServeNotByTheWidth(@ForAll long seed) {
        Random rnd = new Random(seed);
        World w = world(rnd, 200);
        // Full chunks only lie where the source can be read: at or above its horizon, below the live cursor.
        long lo = Math.max(w.start(), w.availableFrom());
        long hi = Math.min(w.end(), w.liveCursor());
        long readable = lo < hi ? IndexArithmetic.width(lo, hi) : 0;
        long chunks = readable / w.chunkSpan() + 1;
        // Each held batch adds at most a step of its own and splits a chunk; the horizon and the live cursor one
        // step each.
        int bound = (int) (chunks + 2L * w.held().size() + 3);
        assertTiles(run(w, rnd, false, bound), w.start(), w.end());
    }

    @Property(tries = 200)
    void aWindowBelowTheHorizonOrPastTheLiveCursorTakesTwoStepsHoweverWide(@ForAll long seed) {
        Random rnd = new Random(seed);
        long width = 1 + Math.min(Long.MAX_VALUE - 1, (long) (rnd.nextDouble() * Long.MAX_VALUE));
        long start = base(rnd, width);
        long end = start + width;
        boolean belowHorizon = rnd.nextBoolean();
        World w = belowHorizon
                ? new World(start, end, Long.MAX_VALUE, List.of(), end, 1 + rnd.nextInt(1000))
                : new World(start, end, clamped(start, -rnd.nextInt(10)), List.of(),
                        Long.MIN_VALUE, 1 + rnd.nextInt(1000));
        assertTiles(run(w, rnd, false, 2), start, end);
    }

    @Property(tries = 200)
    void chunkArithmeticSaturatesAtTheEndsOfTheIndexRange(@ForAll long seed) {
        Random rnd = new Random(seed);
        long p = Long.MAX_VALUE - 1 - rnd.nextInt(1000);
        long span = Long.MAX_VALUE - rnd.nextInt(1000);
        ChunkPlanner.Step step = ChunkPlanner.next(p, Long.MAX_VALUE, Long.MAX_VALUE, OptionalLong.empty(),
                OptionalLong.empty(), span);
        assertThat(step).isInstanceOf(ChunkPlanner.FromSource.class);
        assertThat(step.window()).isEqualTo(new Window(p, Long.MAX_VALUE));
        assertThat(IndexArithmetic.width(Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(IndexArithmetic.saturatedAdd(Long.MIN_VALUE + rnd.nextInt(1000), Long.MAX_VALUE)).isLessThan(
                Long.MAX_VALUE);
    }

    /**
     * The byte limit of a step keeps a prefix of the read, cut on an index boundary: within the budget, or exactly
     * the first index when that alone is over it; the read then ends at the first index left out.
     */
    @Property(tries = 2000)
    void aStepIsCutOnAnIndexBoundaryWithinItsByteBudget(@ForAll long seed) {
        Random rnd = new Random(seed);
        List<SourceEvent> events = new ArrayList<>();
        long index = rnd.nextInt(3) == 0 ? Long.MAX_VALUE - 200 : rnd.nextInt(1000) - 500;
        int n = 1 + rnd.nextInt(60);
        for (int i = 0; i < n && index < Long.MAX_VALUE - 1; i++) {
            events.add(new SourceEvent(index, new byte[1 + rnd.nextInt(300)]));
            if (rnd.nextInt(3) > 0) {
                index += 1 + rnd.nextInt(3);
            }
        }
        long readTo = index + 1;
        HistoryRead read = new HistoryRead(events, Long.MIN_VALUE, readTo);
        long budget = 1 + rnd.nextInt(8_000);

        HistoryRead step = ChunkPlanner.limitBytes(read, budget);

        List<SourceEvent> kept = step.events();
        assertThat(kept).isNotEmpty();
        assertThat(events.subList(0, kept.size())).isEqualTo(kept);
        long bytes = kept.stream().mapToLong(e -> e.json().length).sum();
        long total = events.stream().mapToLong(e -> e.json().length).sum();
        boolean onlyFirstIndex = kept.stream().allMatch(e -> e.index() == events.get(0).index());
        assertThat(bytes <= budget || onlyFirstIndex).as("within the budget, or the first index alone").isTrue();
        if (kept.size() == events.size()) {
            assertThat(step).isSameAs(read);
            assertThat(total <= budget || onlyFirstIndex).isTrue();
        } else {
            SourceEvent firstLeft = events.get(kept.size());
            assertThat(step.readTo()).isEqualTo(firstLeft.index());
            assertThat(firstLeft.index()).isGreaterThan(kept.get(kept.size() - 1).index());
            // As much as fits: the next whole index would have passed the budget (or the first index alone did).
            long withNext = bytes + events.stream().filter(e -> e.index() == firstLeft.index())
                    .mapToLong(e -> e.json().length).sum();
            assertThat(withNext > budget).isTrue();
        }
    }
}
