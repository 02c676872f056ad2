package com.reliableedge.protocol.coverage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.IndexArithmetic;
import com.reliableedge.protocol.index.Window;

/**
 * The coverage of a stream's data index: a set of points of the {@code long} index, held as sorted, merged
 * half-open intervals (PROTOCOL.md section 6).
 * <p>
 * Contract:
 * <ul>
 * <li><b>Half-open.</b> Every interval is {@code [start, end)} with {@code start < end}; arguments that describe
 * an empty or reversed window ({@code start >= end}) are rejected with a {@link ProtocolException} naming the field
 * {@code window} and the value {@code [start, end)}.</li>
 * <li><b>Merged.</b> After every operation the stored intervals are sorted, disjoint and non-adjacent: overlapping
 * and touching intervals merge ({@code [0, 5)} plus {@code [5, 9)} is {@code [0, 9)}), so there is exactly one
 * representation of any coverage and {@link #equals} compares coverage.</li>
 * <li><b>Full range.</b> Any {@code long} from {@link Long#MIN_VALUE} to {@link Long#MAX_VALUE} may be a bound; no
 * operation does arithmetic on bounds except the lengths, which saturate at {@code Long.MAX_VALUE}.</li>
 * <li><b>Cost.</b> With {@code n} stored intervals: {@link #add} and {@link #subtract} take {@code O(log n)}, plus
 * {@code O(log n)} for each interval they absorb or remove; {@link #contains}, {@link #containsAll},
 * {@link #intersects} and {@link #span} take {@code O(log n)}; {@link #gaps}, {@link #intervalsWithin} and
 * {@link #coveredLength} take {@code O(log n + k)} for the {@code k} intervals that overlap the bound;
 * {@link #size} and {@link #isEmpty} are {@code O(1)}; {@link #copy}, {@link #intervals}, {@link #equals} and
 * {@link #hashCode} are {@code O(n)}. Memory is about 16 bytes per interval for coverage that grows at its end,
 * up to about 33 when the tree's nodes are half full, all in primitive arrays.</li>
 * <li><b>Not thread-safe.</b> Callers that share an instance between threads must synchronize on their own.</li>
 * </ul>
 */
public final class IntervalSet {

    /*
     * A B+tree keyed by interval start. Leaves hold starts and ends in parallel primitive arrays and are linked both
     * ways for in-order walks; inner nodes hold separator keys: child j holds the starts s with keys[j - 1] <= s <
     * keys[j]. Leaves are never empty except an empty root. A removal that leaves a node but the root with fewer
     * than capacity / 2 entries or children refills it from a sibling or merges the two; only the split at the end of
     * the last leaf (see put) makes a smaller node on purpose. A TreeMap<Long, Long> took about 3 µs to fill a hole
     * among a million intervals and 86 bytes per interval (docs/BENCHMARKS.md): every level of its deeper tree is a
     * cache miss, and so is every boxed key.
     */

    static final int DEFAULT_NODE_CAPACITY = 64;

    private final int capacity;
    private final int minimum;
    private Node root;
    private int size;
    /** The key that a node split pushes up to the parent, handed from the split to the caller. */
    private long splitSeparator;

    /** An empty set. */
    public IntervalSet() {
        this(DEFAULT_NODE_CAPACITY);
    }

    /** An empty set whose tree nodes hold at most {@code nodeCapacity} entries; tests use small ones. */
    IntervalSet(int nodeCapacity) {
        if (nodeCapacity < 4) {
            throw new IllegalArgumentException("node capacity must be at least 4: " + nodeCapacity);
        }
        this.capacity = nodeCapacity;
        this.minimum = nodeCapacity / 2;
        this.root = new Leaf(nodeCapacity);
    }

    /** A set covering the union of the given intervals, which may overlap or touch. */
    public static IntervalSet of(Window... intervals) {
        IntervalSet set = new IntervalSet();
        for (Window interval : intervals) {
            set.add(interval);
        }
        return set;
    }

    /** An independent copy, in {@code O(n)}. */
    public IntervalSet copy() {
        IntervalSet copy = new IntervalSet(capacity);
        copy.root = copyOf(root, new Leaf[1]);
        copy.size = size;
        return copy;
    }

    /**
     * Adds {@code [start, end)}, merging it with every interval it overlaps or touches.
     *
     * @return whether the coverage changed, that is whether the window was not already fully covered
     * @throws ProtocolException (field {@code window}) when {@code start >= end}
     */
    public boolean add(long start, long end) {
        checkWindow(start, end);
        long mergedStart = start;
        long mergedEnd = end;
        Position floor = floor(start);
        boolean extendsFloor = floor != null && floor.end() >= start;
        if (extendsFloor) {
            if (floor.end() >= end) {
                return false;
            }
            if (extendInPlace(floor, end)) {
                return true;
            }
            mergedStart = floor.start();
        }
        // The intervals that start inside (start, end] overlap or touch the window; only the last can reach beyond.
        for (Position next = after(start); next != null && next.start() <= end; next = after(start)) {
            mergedEnd = Math.max(mergedEnd, next.end());
            remove(next.start());
        }
        put(mergedStart, mergedEnd);
        return true;
    }

    /**
     * Extends the floor interval to {@code end}, absorbing the intervals it reaches, without a tree descent: possible
     * when those intervals follow the floor in its leaf and the leaf keeps enough entries. That covers the common
     * cases, the next contiguous live window and a backfill window that fills a hole.
     *
     * @return false, changing nothing, when the tree must be restructured
     */
    private boolean extendInPlace(Position floor, long end) {
        Leaf leaf = floor.leaf;
        int kept = floor.index;
        int last = kept + 1;
        while (last < leaf.count && leaf.starts[last] <= end) {
            last++;
        }
        if (last == leaf.count && leaf.next != null && leaf.next.starts[0] <= end) {
            return false;
        }
        int absorbed = last - kept - 1;
        if (absorbed == 0) {
            leaf.ends[kept] = end;
            return true;
        }
        if (leaf != root && leaf.count - absorbed < minimum) {
            return false;
        }
        leaf.ends[kept] = Math.max(end, leaf.ends[last - 1]);
        leaf.remove(kept + 1, last);
        size -= absorbed;
        return true;
    }

    /** {@link #add(long, long)} for an interval. */
    public boolean add(Window interval) {
        return add(interval.start(), interval.end());
    }

    /**
     * Removes {@code [start, end)} from the coverage, trimming or splitting the intervals it overlaps.
     *
     * @return whether the coverage changed, that is whether the window intersected it
     * @throws ProtocolException (field {@code window}) when {@code start >= end}
     */
    public boolean subtract(long start, long end) {
        checkWindow(start, end);
        boolean changed = false;
        Position before = lower(start);
        if (before != null && before.end() > start) {
            long beforeEnd = before.end();
            before.setEnd(start);
            if (beforeEnd > end) {
                // The window lies strictly inside one interval: split it in two.
                put(end, beforeEnd);
                return true;
            }
            changed = true;
        }
        for (Position next = ceiling(start); next != null && next.start() < end; next = ceiling(start)) {
            long nextEnd = next.end();
            remove(next.start());
            changed = true;
            if (nextEnd > end) {
                put(end, nextEnd);
                break;
            }
        }
        return changed;
    }

    /** {@link #subtract(long, long)} for an interval. */
    public boolean subtract(Window interval) {
        return subtract(interval.start(), interval.end());
    }

    /** Whether the point is covered. */
    public boolean contains(long point) {
        Position floor = floor(point);
        return floor != null && floor.end() > point;
    }

    /**
     * Whether every point of {@code [start, end)} is covered.
     *
     * @throws ProtocolException (field {@code window}) when {@code start >= end}
     */
    public boolean containsAll(long start, long end) {
        checkWindow(start, end);
        // Intervals are merged, so a covered window lies inside a single interval.
        Position floor = floor(start);
        return floor != null && floor.end() >= end;
    }

    /** {@link #containsAll(long, long)} for an interval. */
    public boolean containsAll(Window window) {
        return containsAll(window.start(), window.end());
    }

    /**
     * Whether at least one point of {@code [start, end)} is covered.
     *
     * @throws ProtocolException (field {@code window}) when {@code start >= end}
     */
    public boolean intersects(long start, long end) {
        checkWindow(start, end);
        // Of the intervals starting before end, the last one reaches furthest.
        Position last = lower(end);
        return last != null && last.end() > start;
    }

    /** {@link #intersects(long, long)} for an interval. */
    public boolean intersects(Window window) {
        return intersects(window.start(), window.end());
    }

    /**
     * The maximal intervals of {@code [boundStart, boundEnd)} that are not covered, in order; the whole bound when
     * nothing in it is covered, an empty list when all of it is. {@code O(log n + k)}.
     *
     * @throws ProtocolException (field {@code window}) when {@code boundStart >= boundEnd}
     */
    public List<Window> gaps(long boundStart, long boundEnd) {
        checkWindow(boundStart, boundEnd);
        List<Window> gaps = new ArrayList<>();
        long[] cursor = {boundStart};
        forEachClipped(boundStart, boundEnd, (start, end) -> {
            if (start > cursor[0]) {
                gaps.add(new Window(cursor[0], start));
            }
            cursor[0] = end;
        });
        if (cursor[0] < boundEnd) {
            gaps.add(new Window(cursor[0], boundEnd));
        }
        return gaps;
    }

    /** {@link #gaps(long, long)} for a bound given as an interval. */
    public List<Window> gaps(Window bound) {
        return gaps(bound.start(), bound.end());
    }

    /** All intervals, in order. {@code O(n)}. */
    public List<Window> intervals() {
        List<Window> intervals = new ArrayList<>(size);
        for (Position p = first(); p != null; p = p.next()) {
            intervals.add(new Window(p.start(), p.end()));
        }
        return intervals;
    }

    /**
     * The intervals that overlap {@code [from, to)}, clipped to it, in order. {@code O(log n + k)}.
     *
     * @throws ProtocolException (field {@code window}) when {@code from >= to}
     */
    public List<Window> intervalsWithin(long from, long to) {
        checkWindow(from, to);
        List<Window> within = new ArrayList<>();
        forEachClipped(from, to, (start, end) -> within.add(new Window(start, end)));
        return within;
    }

    /**
     * How many points of {@code [from, to)} are covered, saturated at {@link Long#MAX_VALUE}. {@code O(log n + k)}.
     *
     * @throws ProtocolException (field {@code window}) when {@code from >= to}
     */
    public long coveredLength(long from, long to) {
        checkWindow(from, to);
        long[] total = {0};
        forEachClipped(from, to, (start, end) -> {
            long sum = total[0] + IndexArithmetic.width(start, end);
            // Both terms are non-negative, so a negative sum means it overflowed.
            total[0] = sum < 0 ? Long.MAX_VALUE : sum;
        });
        return total[0];
    }

    /** The number of stored (merged) intervals. */
    public int size() {
        return size;
    }

    /** Whether nothing is covered. */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * The smallest interval that holds the whole coverage, from the first start to the last end; empty when nothing
     * is covered.
     */
    public Optional<Window> span() {
        if (size == 0) {
            return Optional.empty();
        }
        Node node = root;
        while (node instanceof Inner inner) {
            node = inner.children[inner.count - 1];
        }
        Leaf last = (Leaf) node;
        return Optional.of(new Window(first().start(), last.ends[last.count - 1]));
    }

    /** Two sets are equal when they cover the same points. */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof IntervalSet that) || size != that.size) {
            return false;
        }
        Position q = that.first();
        for (Position p = first(); p != null; p = p.next(), q = q.next()) {
            if (p.start() != q.start() || p.end() != q.end()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (Position p = first(); p != null; p = p.next()) {
            hash = 31 * (31 * hash + Long.hashCode(p.start())) + Long.hashCode(p.end());
        }
        return hash;
    }

    /** The intervals separated by spaces, e.g. {@code [0, 5) [9, 12)}; {@code (empty)} when nothing is covered. */
    @Override
    public String toString() {
        if (size == 0) {
            return "(empty)";
        }
        StringBuilder text = new StringBuilder();
        for (Position p = first(); p != null; p = p.next()) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append('[').append(p.start()).append(", ").append(p.end()).append(')');
        }
        return text.toString();
    }

    /** Receives a stored interval clipped to a bound. */
    @FunctionalInterface
    private interface ClippedIntervalVisitor {
        void visit(long start, long end);
    }

    /** Visits, in order, the intervals that overlap {@code [from, to)}, clipped to it; {@code from < to}. */
    private void forEachClipped(long from, long to, ClippedIntervalVisitor visitor) {
        Position p = floor(from);
        if (p == null) {
            p = first();
        } else {
            if (p.end() > from) {
                visitor.visit(from, Math.min(p.end(), to));
            }
            p = p.next();
        }
        for (; p != null && p.start() < to; p = p.next()) {
            visitor.visit(p.start(), Math.min(p.end(), to));
        }
    }

    private static void checkWindow(long start, long end) {
        if (start >= end) {
            throw new ProtocolException("window", "[" + start + ", " + end + ")", "must have start < end");
        }
    }

    // ---- The tree: positions and lookups.

    /** An entry's place in a leaf; valid until the next structural change. */
    private static final class Position {
        private Leaf leaf;
        private int index;

        Position(Leaf leaf, int index) {
            this.leaf = leaf;
            this.index = index;
        }

        long start() {
            return leaf.starts[index];
        }

        long end() {
            return leaf.ends[index];
        }

        /** Changing an end never moves an entry, so it needs no restructuring. */
        void setEnd(long end) {
            leaf.ends[index] = end;
        }

        /** Moves this position to the next entry in start order and returns it; null after the last entry. */
        Position next() {
            if (++index < leaf.count) {
                return this;
            }
            leaf = leaf.next;
            index = 0;
            return leaf == null ? null : this;
        }
    }

    /** The entry with the greatest start at or below {@code key}, or null. */
    private Position floor(long key) {
        Node node = root;
        while (node instanceof Inner inner) {
            node = inner.children[inner.childIndex(key)];
        }
        Leaf leaf = (Leaf) node;
        int index = leaf.floorIndex(key);
        if (index >= 0) {
            return new Position(leaf, index);
        }
        // Every start in this leaf is above the key, and every start in the previous one is below it.
        Leaf previous = leaf.previous;
        return previous == null ? null : new Position(previous, previous.count - 1);
    }

    /** The entry with the greatest start below {@code key}, or null. */
    private Position lower(long key) {
        return key == Long.MIN_VALUE ? null : floor(key - 1);
    }

    /** The entry with the least start above {@code key}, or null. */
    private Position after(long key) {
        Position floor = floor(key);
        if (floor == null) {
            return first();
        }
        return floor.next();
    }

    /** The entry with the least start at or above {@code key}, or null. */
    private Position ceiling(long key) {
        return key == Long.MIN_VALUE ? first() : after(key - 1);
    }

    /** The entry with the least start, or null when the set is empty. */
    private Position first() {
        if (size == 0) {
            return null;
        }
        Node node = root;
        while (node instanceof Inner inner) {
            node = inner.children[0];
        }
        return new Position((Leaf) node, 0);
    }

    // ---- The tree: structural changes.

    /** Sets the end of the interval starting at {@code start}, inserting it when there is none. */
    private void put(long start, long end) {
        Node right = put(root, start, end);
        if (right != null) {
            Inner newRoot = new Inner(capacity);
            newRoot.children[0] = root;
            newRoot.children[1] = right;
            newRoot.keys[0] = splitSeparator;
            newRoot.count = 2;
            root = newRoot;
        }
    }

    /** Puts into the subtree; returns the new right sibling when the node split, with its separator set aside. */
    private Node put(Node node, long start, long end) {
        if (node instanceof Leaf leaf) {
            int index = leaf.floorIndex(start);
            if (index >= 0 && leaf.starts[index] == start) {
                leaf.ends[index] = end;
                return null;
            }
            leaf.insert(index + 1, start, end);
            size++;
            if (leaf.count <= capacity) {
                return null;
            }
            // A stream grows at its end: a leaf that overflows there stays full and the new one starts with the
            // last entry, so appended coverage packs its leaves and later fills still find room to shrink them.
            boolean appended = leaf.next == null && index + 1 == leaf.count - 1;
            return splitLeaf(leaf, appended ? leaf.count - 1 : leaf.count / 2);
        }
        Inner inner = (Inner) node;
        int child = inner.childIndex(start);
        Node right = put(inner.children[child], start, end);
        if (right == null) {
            return null;
        }
        inner.insert(child, splitSeparator, right);
        return inner.count > capacity ? splitInner(inner) : null;
    }

    private Leaf splitLeaf(Leaf leaf, int keep) {
        Leaf right = new Leaf(capacity);
        right.count = leaf.count - keep;
        System.arraycopy(leaf.starts, keep, right.starts, 0, right.count);
        System.arraycopy(leaf.ends, keep, right.ends, 0, right.count);
        leaf.count = keep;
        right.next = leaf.next;
        if (right.next != null) {
            right.next.previous = right;
        }
        right.previous = leaf;
        leaf.next = right;
        splitSeparator = right.starts[0];
        return right;
    }

    private Inner splitInner(Inner inner) {
        int keep = inner.count / 2;
        Inner right = new Inner(capacity);
        right.count = inner.count - keep;
        System.arraycopy(inner.children, keep, right.children, 0, right.count);
        System.arraycopy(inner.keys, keep, right.keys, 0, right.count - 1);
        splitSeparator = inner.keys[keep - 1];
        Arrays.fill(inner.children, keep, inner.count, null);
        inner.count = keep;
        return right;
    }

    /** Removes the interval starting at {@code start}, which must exist. */
    private void remove(long start) {
        remove(root, start);
        if (root instanceof Inner inner && inner.count == 1) {
            root = inner.children[0];
        }
    }

    private void remove(Node node, long start) {
        if (node instanceof Leaf leaf) {
            int index = leaf.floorIndex(start);
            leaf.remove(index, index + 1);
            size--;
            return;
        }
        Inner inner = (Inner) node;
        int child = inner.childIndex(start);
        remove(inner.children[child], start);
        if (inner.children[child].count < minimum) {
            rebalance(inner, child);
        }
    }

    /** Refills an underfull child from a sibling, or merges the two; the parent has at least two children. */
    private void rebalance(Inner parent, int child) {
        if (child > 0) {
            if (parent.children[child - 1].count > minimum) {
                borrowFromLeft(parent, child);
            } else {
                merge(parent, child - 1);
            }
        } else if (parent.children[child + 1].count > minimum) {
            borrowFromRight(parent, child);
        } else {
            merge(parent, child);
        }
    }

    private static void borrowFromLeft(Inner parent, int child) {
        if (parent.children[child] instanceof Leaf leaf) {
            Leaf left = (Leaf) parent.children[child - 1];
            left.count--;
            leaf.insert(0, left.starts[left.count], left.ends[left.count]);
            parent.keys[child - 1] = leaf.starts[0];
        } else {
            Inner inner = (Inner) parent.children[child];
            Inner left = (Inner) parent.children[child - 1];
            System.arraycopy(inner.children, 0, inner.children, 1, inner.count);
            System.arraycopy(inner.keys, 0, inner.keys, 1, inner.count - 1);
            inner.children[0] = left.children[left.count - 1];
            inner.keys[0] = parent.keys[child - 1];
            inner.count++;
            parent.keys[child - 1] = left.keys[left.count - 2];
            left.children[left.count - 1] = null;
            left.count--;
        }
    }

    private static void borrowFromRight(Inner parent, int child) {
        if (parent.children[child] instanceof Leaf leaf) {
            Leaf right = (Leaf) parent.children[child + 1];
            leaf.insert(leaf.count, right.starts[0], right.ends[0]);
            right.remove(0, 1);
            parent.keys[child] = right.starts[0];
        } else {
            Inner inner = (Inner) parent.children[child];
            Inner right = (Inner) parent.children[child + 1];
            inner.children[inner.count] = right.children[0];
            inner.keys[inner.count - 1] = parent.keys[child];
            inner.count++;
            parent.keys[child] = right.keys[0];
            System.arraycopy(right.children, 1, right.children, 0, right.count - 1);
            System.arraycopy(right.keys, 1, right.keys, 0, right.count - 2);
            right.children[right.count - 1] = null;
            right.count--;
        }
    }

    /** Moves child {@code left + 1} of the parent into child {@code left}, and drops it. */
    private static void merge(Inner parent, int left) {
        Node into = parent.children[left];
        Node from = parent.children[left + 1];
        if (into instanceof Leaf leaf) {
            Leaf right = (Leaf) from;
            System.arraycopy(right.starts, 0, leaf.starts, leaf.count, right.count);
            System.arraycopy(right.ends, 0, leaf.ends, leaf.count, right.count);
            leaf.count += right.count;
            leaf.next = right.next;
            if (leaf.next != null) {
                leaf.next.previous = leaf;
            }
        } else {
            Inner inner = (Inner) into;
            Inner right = (Inner) from;
            inner.keys[inner.count - 1] = parent.keys[left];
            System.arraycopy(right.keys, 0, inner.keys, inner.count, right.count - 1);
            System.arraycopy(right.children, 0, inner.children, inner.count, right.count);
            inner.count += right.count;
        }
        System.arraycopy(parent.keys, left + 1, parent.keys, left, parent.count - left - 2);
        System.arraycopy(parent.children, left + 2, parent.children, left + 1, parent.count - left - 2);
        parent.children[parent.count - 1] = null;
        parent.count--;
    }

    /**
     * Checks the tree's own invariants, for tests: all leaves at one depth, linked in order, never empty (but an empty
     * root); inner nodes but the root with at least capacity / 2 children; every start within its separators; the
     * size right.
     *
     * @throws IllegalStateException naming the first violation
     */
    void checkTree() {
        Leaf[] previous = new Leaf[1];
        int[] leafDepth = {-1};
        long counted = checkNode(root, 0, Long.MIN_VALUE, Long.MAX_VALUE, true, previous, leafDepth);
        if (previous[0] != null && previous[0].next != null) {
            throw new IllegalStateException("last leaf has a next leaf");
        }
        if (counted != size) {
            throw new IllegalStateException("size " + size + " but " + counted + " entries");
        }
    }

    /** Checks the subtree whose starts must lie in [low, high], or [low, high) when not the last; returns its size. */
    private long checkNode(Node node, int depth, long low, long high, boolean highInclusive, Leaf[] previous,
            int[] leafDepth) {
        if (node instanceof Leaf leaf) {
            if (leafDepth[0] >= 0 && leafDepth[0] != depth) {
                throw new IllegalStateException("leaves at depths " + leafDepth[0] + " and " + depth);
            }
            leafDepth[0] = depth;
            if (leaf.count == 0 && leaf != root) {
                throw new IllegalStateException("empty leaf");
            }
            if (leaf.previous != previous[0] || (previous[0] != null && previous[0].next != leaf)) {
                throw new IllegalStateException("leaf links out of order");
            }
            previous[0] = leaf;
            for (int i = 0; i < leaf.count; i++) {
                long start = leaf.starts[i];
                boolean belowHigh = highInclusive ? start <= high : start < high;
                if (start < low || !belowHigh || (i > 0 && start <= leaf.starts[i - 1])) {
                    throw new IllegalStateException("start " + start + " out of order or outside its separators");
                }
            }
            return leaf.count;
        }
        Inner inner = (Inner) node;
        if (inner.count < (inner == root ? 2 : minimum)) {
            throw new IllegalStateException("inner node with " + inner.count + " children");
        }
        long total = 0;
        for (int i = 0; i < inner.count; i++) {
            long childLow = i == 0 ? low : inner.keys[i - 1];
            boolean last = i == inner.count - 1;
            long childHigh = last ? high : inner.keys[i];
            total += checkNode(inner.children[i], depth + 1, childLow, childHigh, last && highInclusive, previous,
                    leafDepth);
        }
        return total;
    }

    /** A deep copy of the subtree; {@code lastLeaf[0]} links the copied leaves in order as they are made. */
    private static Node copyOf(Node node, Leaf[] lastLeaf) {
        if (node instanceof Leaf leaf) {
            Leaf copy = new Leaf(leaf.starts.length - 1);
            copy.count = leaf.count;
            System.arraycopy(leaf.starts, 0, copy.starts, 0, leaf.count);
            System.arraycopy(leaf.ends, 0, copy.ends, 0, leaf.count);
            copy.previous = lastLeaf[0];
            if (lastLeaf[0] != null) {
                lastLeaf[0].next = copy;
            }
            lastLeaf[0] = copy;
            return copy;
        }
        Inner inner = (Inner) node;
        Inner copy = new Inner(inner.children.length - 1);
        copy.count = inner.count;
        System.arraycopy(inner.keys, 0, copy.keys, 0, inner.count - 1);
        for (int i = 0; i < inner.count; i++) {
            copy.children[i] = copyOf(inner.children[i], lastLeaf);
        }
        return copy;
    }

    private abstract static class Node {
        /** Entries in a leaf, children in an inner node. */
        int count;
    }

    private static final class Leaf extends Node {
        // One slot beyond the capacity holds an insertion until the leaf splits.
        final long[] starts;
        final long[] ends;
        Leaf previous;
        Leaf next;

        Leaf(int capacity) {
            starts = new long[capacity + 1];
            ends = new long[capacity + 1];
        }

        /** The index of the greatest start at or below the key, or -1. */
        int floorIndex(long key) {
            int found = Arrays.binarySearch(starts, 0, count, key);
            return found >= 0 ? found : -found - 2;
        }

        void insert(int index, long start, long end) {
            System.arraycopy(starts, index, starts, index + 1, count - index);
            System.arraycopy(ends, index, ends, index + 1, count - index);
            starts[index] = start;
            ends[index] = end;
            count++;
        }

        /** Removes the entries from {@code from} up to, not including, {@code to}. */
        void remove(int from, int to) {
            System.arraycopy(starts, to, starts, from, count - to);
            System.arraycopy(ends, to, ends, from, count - to);
            count -= to - from;
        }
    }

    private static final class Inner extends Node {
        // One slot beyond the capacity holds an insertion until the node splits.
        final long[] keys;
        final Node[] children;

        Inner(int capacity) {
            keys = new long[capacity];
            children = new Node[capacity + 1];
        }

        /** The child whose range holds the key: the number of separators at or below it. */
        int childIndex(long key) {
            int found = Arrays.binarySearch(keys, 0, count - 1, key);
            return found >= 0 ? found + 1 : -found - 1;
        }

        /** Inserts {@code right} after child {@code left}, separated from it by {@code separator}. */
        void insert(int left, long separator, Node right) {
            System.arraycopy(keys, left, keys, left + 1, count - 1 - left);
            System.arraycopy(children, left + 1, children, left + 2, count - left - 1);
            keys[left] = separator;
            children[left + 1] = right;
            count++;
        }
    }
}
