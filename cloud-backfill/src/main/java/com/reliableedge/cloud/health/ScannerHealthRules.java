package com.reliableedge.cloud.health;

import java.time.Duration;
import java.time.Instant;

/**
 * When the scanner is unhealthy, as pure functions of what it recorded and {@code now}. Readiness: DOWN after
 * {@code maxFailures} whole scans failed in a row, or when no scan succeeded for {@code staleIntervals} scan
 * intervals; UP again after a good scan. Liveness: DOWN when no scan completed at all, well or not, for
 * {@code stuckIntervals} scan intervals (a scan that hangs holds up every later one).
 */
public final class ScannerHealthRules {

    private ScannerHealthRules() {
    }

    /**
     * What the scanner recorded.
     *
     * @param startedAt when the service started (the reference before any scan)
     * @param lastSuccess end of the last scan that succeeded, or null
     * @param lastCompletion end of the last scan, well or not, or null
     * @param consecutiveFailures whole scans failed since the last good one
     * @param lastError the last failure, or null
     */
    public record Record(Instant startedAt, Instant lastSuccess, Instant lastCompletion, int consecutiveFailures,
            String lastError) {
    }

    /** UP or DOWN, and why when DOWN. */
    public record Verdict(boolean up, String reason) {

        static Verdict ok() {
            return new Verdict(true, null);
        }
    }

    public static Verdict readiness(Record r, Instant now, Duration interval, int maxFailures, int staleIntervals) {
        if (r.consecutiveFailures() >= maxFailures) {
            return new Verdict(false, r.consecutiveFailures() + " scans failed in a row, last: " + r.lastError());
        }
        Instant since = latest(r.startedAt(), r.lastSuccess());
        if (since.plus(interval.multipliedBy(staleIntervals)).isBefore(now)) {
            return new Verdict(false, "no scan succeeded since " + since);
        }
        return Verdict.ok();
    }

    public static Verdict liveness(Record r, Instant now, Duration interval, int stuckIntervals) {
        Instant since = latest(r.startedAt(), r.lastCompletion());
        if (since.plus(interval.multipliedBy(stuckIntervals)).isBefore(now)) {
            return new Verdict(false, "no scan completed since " + since);
        }
        return Verdict.ok();
    }

    private static Instant latest(Instant a, Instant b) {
        return b == null || a.isAfter(b) ? a : b;
    }
}
