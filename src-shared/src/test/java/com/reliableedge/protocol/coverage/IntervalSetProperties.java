package com.reliableedge.protocol.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.reliableedge.protocol.index.Window;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Runs random sequences of adds and subtracts against an {@link IntervalSet} and against a brute-force model, one
 * boolean per point of a small index range, and checks after every step that both agree on everything the set
 * answers. The range is placed at zero, at a negative offset and at both ends of {@code long}; small tree nodes make
 * a few dozen intervals exercise node splits, borrows and merges several levels deep.
 */
class IntervalSetProperties {

    /** Points in the model; windows lie within {@code [base, base + size)}. */
    private static final int SIZE = 200;

    /** Points in the model of the long runs, which hold a hundred intervals or more. */
    private static final int LARGE_SIZE = 2000;

    /** A window of model offsets, {@code 0 <= start < end <= size}; the index window starts at the base. */
    record ModelWindow(int start, int end) {
    }

    sealed interface Operation permits Add, Subtract {
        ModelWindow window();

        /** The value the operation gives the model's points in its window. */
        boolean covers();

        /** Applies the operation to the set, returning what the set reports. */
        boolean applyTo(IntervalSet set, long base);
    }

    record Add(ModelWindow window) implements Operation {
        @Override
        public boolean covers() {
            return true;
        }

        @Override
        public boolean applyTo(IntervalSet set, long base) {
            return set.add(base + window.start(), base + window.end());
        }
    }

    record Subtract(ModelWindow window) implements Operation {
        @Override
        public boolean covers() {
            return false;
        }

        @Override
        public boolean applyTo(IntervalSet set, long base) {
            return set.subtract(new Window(base + window.start(), base + window.end()));
        }
    }

    /** One operation, then a window to check the answers over. */
    record Step(Operation operation, ModelWindow query) {
    }

    record Scenario(long base, int nodeCapacity, int size, List<Step> steps) {
    }

    @Property
    void agreesWithBruteForceModel(@ForAll("scenarios") Scenario scenario) {
        run(scenario);
    }

    @Property(tries = 15)
    void agreesWithBruteForceModelOverLongRuns(@ForAll("longScenarios") Scenario scenario) {
        run(scenario);
    }

    private static void run(Scenario scenario) {
        long base = scenario.base();
        IntervalSet set = new IntervalSet(scenario.nodeCapacity());
        boolean[] model = new boolean[scenario.size()];

        for (Step step : scenario.steps()) {
            Operation operation = step.operation();
            boolean modelChanged = false;
            for (int i = operation.window().start(); i < operation.window().end(); i++) {
                modelChanged |= model[i] != operation.covers();
                model[i] = operation.covers();
            }
            boolean changed = operation.applyTo(set, base);

            assertThat(changed).as("%s reports a change", operation).isEqualTo(modelChanged);
            set.checkTree();
            assertAgrees(set, model, base, step);
        }
    }

    private static void assertAgrees(IntervalSet set, boolean[] model, long base, Step step) {
        int size = model.length;
        List<Window> runs = runs(model, base, 0, size, true);
        List<Window> intervals = set.intervals();

        assertThat(intervals).isEqualTo(runs);
        for (int i = 1; i < intervals.size(); i++) {
            if (intervals.get(i - 1).end() >= intervals.get(i).start()) {
                throw new AssertionError("not sorted, disjoint and non-adjacent: " + set);
            }
        }
        assertThat(set.size()).isEqualTo(runs.size());
        assertThat(set.isEmpty()).isEqualTo(runs.isEmpty());
        assertThat(set.span()).isEqualTo(runs.isEmpty()
                ? Optional.empty()
                : Optional.of(new Window(runs.get(0).start(), runs.get(runs.size() - 1).end())));
        assertThat(set).isEqualTo(IntervalSet.of(runs.toArray(Window[]::new))).isEqualTo(set.copy());

        boolean[] contained = new boolean[size];
        for (int i = 0; i < size; i++) {
            contained[i] = set.contains(base + i);
        }
        assertThat(contained).as("contains, point by point from the base").isEqualTo(model);
        assertThat(set.contains(base + size)).isFalse();
        if (base > Long.MIN_VALUE) {
            assertThat(set.contains(base - 1)).isFalse();
        }

        int from = step.query().start();
        int to = step.query().end();
        long queryStart = base + from;
        long queryEnd = base + to;
        assertThat(set.containsAll(queryStart, queryEnd)).isEqualTo(count(model, from, to) == to - from);
        assertThat(set.intersects(queryStart, queryEnd)).isEqualTo(count(model, from, to) > 0);
        assertThat(set.coveredLength(queryStart, queryEnd)).isEqualTo(count(model, from, to));
        assertThat(set.gaps(queryStart, queryEnd)).isEqualTo(runs(model, base, from, to, false));
        assertThat(set.intervalsWithin(queryStart, queryEnd)).isEqualTo(runs(model, base, from, to, true));
        assertThat(set.gaps(base, base + size)).isEqualTo(runs(model, base, 0, size, false));
    }

    /** The maximal runs of points in {@code [from, to)} whose model value is {@code value}. */
    private static List<Window> runs(boolean[] model, long base, int from, int to, boolean value) {
        List<Window> runs = new ArrayList<>();
        int i = from;
        while (i < to) {
            if (model[i] != value) {
                i++;
                continue;
            }
            int start = i;
            while (i < to && model[i] == value) {
                i++;
            }
            runs.add(new Window(base + start, base + i));
        }
        return runs;
    }

    private static long count(boolean[] model, int from, int to) {
        long covered = 0;
        for (int i = from; i < to; i++) {
            if (model[i]) {
                covered++;
            }
        }
        return covered;
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        // Adds outnumber subtracts so that coverage builds up and the set holds several intervals.
        return scenarios(SIZE, 1, 40, 2, 8);
    }

    @Provide
    Arbitrary<Scenario> longScenarios() {
        // As many subtracts as adds, nearly all short, keep the coverage fragmented into many intervals.
        return scenarios(LARGE_SIZE, 300, 600, 1, 200);
    }

    /**
     * @param addsPerSubtract how many adds to a subtract
     * @param shortPerLong how many short windows (1 to 12 points) to a window of any length
     */
    private static Arbitrary<Scenario> scenarios(int size, int minSteps, int maxSteps, int addsPerSubtract,
            int shortPerLong) {
        Arbitrary<Long> bases = Arbitraries.of(0L, -100L, Long.MIN_VALUE, Long.MAX_VALUE - size);
        Arbitrary<Integer> nodeCapacities = Arbitraries.of(4, 5, 8, IntervalSet.DEFAULT_NODE_CAPACITY);
        Arbitrary<List<Step>> steps = steps(size, addsPerSubtract, shortPerLong).list()
                .ofMinSize(minSteps)
                .ofMaxSize(maxSteps)
                .withSizeDistribution(RandomDistribution.uniform());
        return Combinators.combine(bases, nodeCapacities, steps).as((base, nodeCapacity,
                list) -> new Scenario(base, nodeCapacity, size, list));
    }

    private static Arbitrary<Step> steps(int size, int addsPerSubtract, int shortPerLong) {
        Arbitrary<ModelWindow> windows = windows(size, shortPerLong);
        Arbitrary<Operation> operations = Arbitraries.frequencyOf(Tuple.of(addsPerSubtract, windows.map(Add::new)),
                Tuple.of(1, windows.map(Subtract::new)));
        return Combinators.combine(operations, windows(size, 4)).as(Step::new);
    }

    /** Windows within the model, mostly short so that intervals touch and overlap often. */
    private static Arbitrary<ModelWindow> windows(int size, int shortPerLong) {
        Arbitrary<Integer> starts = Arbitraries.integers().between(0, size - 1);
        Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
                Tuple.of(shortPerLong, Arbitraries.integers().between(1, 12)),
                Tuple.of(1, Arbitraries.integers().between(1, size)));
        return Combinators.combine(starts, lengths).as((start, length) -> new ModelWindow(start,
                Math.min(start + length, size)));
    }
}
