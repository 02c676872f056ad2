package com.reliableedge.edge.source.opcua;

import java.util.ArrayList;
import java.util.List;

/**
 * Merges the raw history of a stream's nodes into one index-ordered read that stops on an index boundary.
 * <p>
 * Each node's values were read from {@code start} on; a node whose read was cut short ({@code truncated}) is
 * complete only below the index of its last value read (more values of that index may follow). The merged read
 * ends at the smallest such bound (or {@code end}), and earlier when more than {@code max} events lie below it, at
 * the last index boundary that keeps at most {@code max} (a single index with more events is returned whole).
 */
final class HistoryMerge {

    /** One node's values in {@code [start, end)}, in source order, and whether more followed. */
    record NodeValues(int node, List<NodeEvent> events, boolean truncated) {
    }

    /** The merged events and where the read ends ({@code start < readTo <= end}). */
    record Merged(List<NodeEvent> events, long readTo) {
    }

    private HistoryMerge() {
    }

    static Merged merge(List<NodeValues> nodes, long start, long end, int max) {
        long bound = end;
        for (NodeValues n : nodes) {
            if (n.truncated() && !n.events().isEmpty()) {
                bound = Math.min(bound, n.events().get(n.events().size() - 1).index());
            }
        }
        if (bound <= start) {
            throw new IllegalArgumentException("a truncated node read must reach past the start index");
        }
        List<NodeEvent> all = new ArrayList<>();
        for (NodeValues n : nodes) {
            for (NodeEvent e : n.events()) {
                if (e.index() >= start && e.index() < bound) {
                    all.add(e);
                }
            }
        }
        all.sort(NodeEvent.ORDER);
        if (all.size() <= max) {
            return new Merged(all, bound);
        }
        int cut = LiveFeed.wholeIndexes(all, Math.max(max, 0), Long.MAX_VALUE);
        if (cut == 0) {
            cut = LiveFeed.wholeIndexes(all, 1, Long.MAX_VALUE);
        }
        long readTo = cut < all.size() ? all.get(cut).index() : bound;
        return new Merged(List.copyOf(all.subList(0, cut)), readTo);
    }
}
