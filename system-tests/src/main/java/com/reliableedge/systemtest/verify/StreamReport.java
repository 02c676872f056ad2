package com.reliableedge.systemtest.verify;

import java.time.Duration;
import java.util.List;

/**
 * What the cloud holds of one simulated stream against what the simulator produced in
 * {@code [origin, last live endWindow)}.
 *
 * @param expected events the simulator holds in the checked window, outside windows reported lost
 * @param received events the cloud's events API served in that window
 * @param missing expected events the cloud does not serve
 * @param duplicates events served more than once
 * @param wrong events served with a value the simulator never produced, or outside the expected set
 * @param lostWindows windows the cloud reported unrecoverable
 * @param longestRepair the longest time from a gap being observed to being closed, null when none closed
 */
public record StreamReport(String batchId, String indexKind, String from, String to, long expected, long received,
        long missing, long duplicates, long wrong, int lostWindows, int gapsSeen, int gapsRepaired,
        Duration longestRepair) {

    /** Every expected event is there exactly once with its right value. */
    public boolean complete() {
        return expected > 0 && missing == 0 && duplicates == 0 && wrong == 0;
    }

    /** A plain-text table of the reports, one line per stream. */
    public static String table(List<StreamReport> reports) {
        StringBuilder sb = new StringBuilder(String.format("%-10s %-8s %10s %10s %8s %6s %6s %5s %5s %9s %12s%n",
                "stream", "kind", "expected", "in cloud", "missing", "dupes", "wrong", "gaps", "fixed", "lost win",
                "worst fix"));
        for (StreamReport r : reports) {
            sb.append(String.format("%-10s %-8s %,10d %,10d %,8d %,6d %,6d %5d %5d %9d %12s%n", r.batchId(), r
                    .indexKind(), r.expected(), r.received(), r.missing(), r.duplicates(), r.wrong(), r.gapsSeen(),
                    r
                            .gapsRepaired(),
                    r.lostWindows(), r.longestRepair() == null
                            ? "-"
                            : format(r
                                    .longestRepair())));
        }
        for (StreamReport r : reports) {
            sb.append(String.format("  %s checked over [%s, %s)%n", r.batchId(), r.from(), r.to()));
        }
        return sb.toString();
    }

    private static String format(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
