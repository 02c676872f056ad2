package com.reliableedge.edge.source.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The pure decisions of the OPC UA source: releasing live events below the watermark, merging history pages. */
class OpcUaDecisionsPropertiesTest {

    private static List<NodeEvent> events(List<Integer> offsets, int nodes) {
        List<NodeEvent> out = new ArrayList<>();
        for (int i = 0; i < offsets.size(); i++) {
            int node = i % nodes;
            out.add(LiveFeed.event(node, 1_000 + offsets.get(i), ("{\"i\":" + i + "}").getBytes(
                    StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Property
    void liveReleaseHandsOutWholeIndexesBelowItsWatermarkAndKeepsTheRest(
            @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 30) Integer> offsets,
            @ForAll @IntRange(min = 0, max = 40) int targetOffset, @ForAll @IntRange(min = 0, max = 20) int lastOffset,
            @ForAll @IntRange(min = 1, max = 10) int max) {
        List<NodeEvent> in = events(offsets, 3);
        long last = 1_000 + lastOffset;
        long target = Math.max(last, 1_000 + targetOffset);
        LiveFeed.Release r = LiveFeed.release(in, target, last, max);
        assertThat(r.watermark()).isGreaterThanOrEqualTo(last).isLessThanOrEqualTo(target);
        assertThat(r.released().size() + r.remaining().size()).isEqualTo(in.size());
        r.released().forEach(e -> assertThat(e.index()).isLessThan(target));
        // Released events below the watermark, except late ones (below the last one) that may share it.
        r.released().forEach(e -> assertThat(e.index() < r.watermark() || e.index() < last).isTrue());
        // Kept back: at or past the watermark, or late ones (below the last watermark) the limit left for later.
        r.remaining().forEach(e -> assertThat(e.index() >= r.watermark() || e.index() < last).isTrue());
        // No index is split between released and remaining.
        r.remaining().forEach(e -> assertThat(r.released()).noneMatch(x -> x.index() == e.index()));
        for (int i = 1; i < r.released().size(); i++) {
            assertThat(NodeEvent.ORDER.compare(r.released().get(i - 1), r.released().get(i))).isNotPositive();
        }
    }

    @Property
    void historyReadsPiecedByTheLimitEqualTheWholeRead(
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 50) Integer> offsets,
            @ForAll @IntRange(min = 1, max = 3) int nodes, @ForAll @IntRange(min = 1, max = 7) int max) {
        List<NodeEvent> all = events(offsets.stream().sorted().toList(), nodes);
        long start = 1_000;
        long end = 1_051;
        List<NodeEvent> whole = HistoryMerge.merge(perNode(all, nodes, start, Integer.MAX_VALUE), start, end,
                Integer.MAX_VALUE).events();
        List<NodeEvent> pieced = new ArrayList<>();
        long at = start;
        while (at < end) {
            HistoryMerge.Merged m = HistoryMerge.merge(perNode(all, nodes, at, max), at, end, max);
            assertThat(m.readTo()).isGreaterThan(at).isLessThanOrEqualTo(end);
            boolean oneIndex = m.events().stream().map(NodeEvent::index).distinct().count() <= 1;
            assertThat(m.events().size() <= max || oneIndex).isTrue();
            long from = at;
            m.events().forEach(e -> assertThat(e.index()).isGreaterThanOrEqualTo(from).isLessThan(m.readTo()));
            pieced.addAll(m.events());
            at = m.readTo();
        }
        assertThat(pieced).containsExactlyElementsOf(whole);
    }

    /** What each node's read returns from {@code from}: more than {@code max} values reaching past it, or all. */
    private static List<HistoryMerge.NodeValues> perNode(List<NodeEvent> all, int nodes, long from, int max) {
        List<HistoryMerge.NodeValues> out = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            int node = n;
            List<NodeEvent> mine = all.stream().filter(e -> e.node() == node && e.index() >= from).toList();
            List<NodeEvent> taken = new ArrayList<>();
            boolean truncated = false;
            for (NodeEvent e : mine) {
                if (taken.size() > max && taken.get(taken.size() - 1).index() > from) {
                    truncated = true;
                    break;
                }
                taken.add(e);
            }
            out.add(new HistoryMerge.NodeValues(node, taken, truncated));
        }
        return out;
    }
}
