package com.reliableedge.systemtest.verify;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.simulator.SimulatorData;
import com.reliableedge.systemtest.cloud.CloudClient;

/**
 * The simulator events of a stream's checked window {@code [origin, last live endWindow)} split four ways that add up
 * exactly (a partition of the window, counted with {@link SimulatorData#countIn}): {@code live}, in the cloud and never
 * inside a gap it saw; {@code repaired}, in the cloud inside a gap the cloud saw (filled by backfill, or by the edge's
 * backlog arriving after a cut); {@code lost}, in windows recorded unrecoverable; {@code missing}, not
 * there yet (open gaps, requests in flight).
 */
public record Tally(long expected, long live, long repaired, long lost, long missing) {

    public static final Tally NONE = new Tally(0, 0, 0, 0, 0);

    public Tally {
        if (expected != live + repaired + lost + missing) {
            throw new IllegalArgumentException("the parts " + live + " + " + repaired + " + " + lost + " + " + missing
                    + " do not add up to " + expected);
        }
    }

    public Tally plus(Tally o) {
        return new Tally(expected + o.expected, live + o.live, repaired + o.repaired, lost + o.lost, missing
                + o.missing);
    }

    /** In the cloud: live plus repaired. */
    public long inCloud() {
        return live + repaired;
    }

    /**
     * @param coverage the cloud's covered intervals
     * @param gapsSeen the windows of the gaps the cloud saw (open, closed or lost)
     * @param lostWindows the windows recorded lost
     */
    public static Tally of(IndexKind kind, long periodMs, Window checked, List<Window> coverage,
            List<Window> gapsSeen, List<Window> lostWindows) {
        IntervalSet covered = clipped(coverage, checked);
        IntervalSet seen = clipped(gapsSeen, checked);
        IntervalSet repaired = covered.copy();
        seen.gaps(checked).forEach(repaired::subtract);
        IntervalSet live = covered.copy();
        seen.intervals().forEach(live::subtract);
        IntervalSet lost = clipped(lostWindows, checked);
        covered.intervals().forEach(lost::subtract);
        IntervalSet missing = IntervalSet.of(checked);
        covered.intervals().forEach(missing::subtract);
        lost.intervals().forEach(missing::subtract);
        return new Tally(SimulatorData.countIn(kind, periodMs, checked), count(kind, periodMs, live), count(kind,
                periodMs, repaired), count(kind, periodMs, lost), count(kind, periodMs, missing));
    }

    /**
     * From a stream's detail JSON ({@code coverage}, {@code lost}) and the gaps the cloud saw of it (open, closed or
     * lost: {@code GET /api/v1/gaps}).
     */
    public static Tally of(JsonNode detail, List<CloudClient.Gap> gapsSeen, IndexKind kind, long periodMs,
            Window checked) {
        List<Window> gaps = gapsSeen.stream().filter(g -> g.startWindow() != null && g.endWindow() != null).map(
                g -> Window.parse(kind, g.startWindow(), g.endWindow())).toList();
        return of(kind, periodMs, checked, windows(detail.path("coverage"), kind), gaps, windows(detail.path("lost"),
                kind));
    }

    private static List<Window> windows(JsonNode list, IndexKind kind) {
        List<Window> out = new java.util.ArrayList<>();
        for (JsonNode w : list) {
            out.add(Window.parse(kind, w.path("startWindow").asText(), w.path("endWindow").asText()));
        }
        return out;
    }

    private static IntervalSet clipped(List<Window> windows, Window bound) {
        IntervalSet s = new IntervalSet();
        for (Window w : windows) {
            long start = Math.max(w.start(), bound.start());
            long end = Math.min(w.end(), bound.end());
            if (start < end) {
                s.add(start, end);
            }
        }
        return s;
    }

    private static long count(IndexKind kind, long periodMs, IntervalSet set) {
        return set.intervals().stream().mapToLong(w -> SimulatorData.countIn(kind, periodMs, w)).sum();
    }
}
