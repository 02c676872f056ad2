package com.reliableedge.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Window;

/**
 * The coverage of a long stream with many holes: 1,000,000 windows of 10 index points, each followed by a hole of
 * 5, so the set holds a million intervals. Each benchmark runs in its own JVM and builds its own stream.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class IntervalSetBenchmark {

    static final int INTERVALS = 1_000_000;
    static final long WINDOW = 10;
    static final long HOLE = 5;
    static final long STRIDE = WINDOW + HOLE;
    static final long SEED = 20261126L;

    /** Holes filled per invocation of {@link #addWindowIntoMiddle}. */
    static final int FILLS_PER_INVOCATION = 1000;

    /** Windows that {@link #gapQuery} looks at. */
    static final int QUERY_INTERVALS = 100;

    static IntervalSet stream() {
        IntervalSet set = new IntervalSet();
        for (long i = 0; i < INTERVALS; i++) {
            set.add(i * STRIDE, i * STRIDE + WINDOW);
        }
        return set;
    }

    /** The stream, and the start of the next live window right after its end. */
    @State(Scope.Thread)
    public static class Live {
        IntervalSet set;
        long nextStart;

        @Setup(Level.Trial)
        public void build() {
            set = stream();
            nextStart = set.span().orElseThrow().end();
        }
    }

    /**
     * The stream and the holes in random order. Each invocation fills the next {@link #FILLS_PER_INVOCATION} of
     * them; the tear-down, which is not measured, reopens them, so every invocation starts from the same coverage.
     */
    @State(Scope.Thread)
    public static class Holes {
        IntervalSet set;
        long[] holeStarts;
        int next;

        @Setup(Level.Trial)
        public void build() {
            set = stream();
            // A whole number of invocations' worth, so a batch never wraps around.
            int count = (INTERVALS - 1) / FILLS_PER_INVOCATION * FILLS_PER_INVOCATION;
            holeStarts = new long[count];
            for (int i = 0; i < count; i++) {
                holeStarts[i] = i * STRIDE + WINDOW;
            }
            SplittableRandom random = new SplittableRandom(SEED);
            for (int i = count - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long swap = holeStarts[i];
                holeStarts[i] = holeStarts[j];
                holeStarts[j] = swap;
            }
        }

        @TearDown(Level.Invocation)
        public void reopen() {
            for (int i = next; i < next + FILLS_PER_INVOCATION; i++) {
                set.subtract(holeStarts[i], holeStarts[i] + HOLE);
            }
            next = (next + FILLS_PER_INVOCATION) % holeStarts.length;
        }
    }

    /** The stream and precomputed random query positions, so that no query is answered from a warm cache path. */
    @State(Scope.Thread)
    public static class Queries {
        static final int POSITIONS = 1 << 16;

        IntervalSet set;
        long[] starts;
        int next;

        @Setup(Level.Trial)
        public void build() {
            set = stream();
            starts = new long[POSITIONS];
            SplittableRandom random = new SplittableRandom(SEED);
            long lastStart = (INTERVALS - QUERY_INTERVALS) * STRIDE;
            for (int i = 0; i < POSITIONS; i++) {
                starts[i] = random.nextLong(lastStart);
            }
        }

        long nextStart() {
            long start = starts[next];
            next = (next + 1) & (POSITIONS - 1);
            return start;
        }
    }

    /** The common case: the next contiguous live window extends the last interval. */
    @Benchmark
    public boolean addAdjacentWindow(Live live) {
        long start = live.nextStart;
        live.nextStart = start + WINDOW;
        return live.set.add(start, start + WINDOW);
    }

    /**
     * A backfill window that exactly fills an interior hole at a random place, merging three intervals into one.
     * Only the adds are timed: the score is the time of one add.
     */
    @Benchmark
    @OperationsPerInvocation(FILLS_PER_INVOCATION)
    public int addWindowIntoMiddle(Holes holes) {
        int added = 0;
        for (int i = holes.next; i < holes.next + FILLS_PER_INVOCATION; i++) {
            if (holes.set.add(holes.holeStarts[i], holes.holeStarts[i] + HOLE)) {
                added++;
            }
        }
        return added;
    }

    /** Whether a window at a random place is covered: one descent of the tree, for comparison with the adds. */
    @Benchmark
    public boolean containsAllRandomWindow(Queries queries) {
        long start = queries.nextStart();
        return queries.set.containsAll(start, start + WINDOW);
    }

    /** The gaps in a bound of 100 windows (about 100 gaps) at a random place. */
    @Benchmark
    public List<Window> gapQuery(Queries queries) {
        long start = queries.nextStart();
        return queries.set.gaps(start, start + QUERY_INTERVALS * STRIDE);
    }

    /** The gaps of the whole stream, a million of them: what a full rescan costs. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<Window> gapQueryWholeStream(Queries queries) {
        return queries.set.gaps(0, INTERVALS * STRIDE);
    }
}
