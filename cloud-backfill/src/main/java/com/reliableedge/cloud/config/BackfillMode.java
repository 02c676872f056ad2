package com.reliableedge.cloud.config;

import java.util.Locale;

/** How the process runs: {@code backfill.mode}. */
public enum BackfillMode {
    /** A long-running service: HTTP, ingest and the scheduled scan and purge. */
    SERVICE,
    /** One scan, drain of the retry queue and send of the due requests, then exit (scheduled serverless jobs). */
    ONE_SHOT;

    /** Whether the raw value of {@code backfill.mode} (as written: {@code one-shot}, any case) names one-shot. */
    public static boolean isOneShot(String value) {
        return value != null && value.trim().toLowerCase(Locale.ROOT).replace('_', '-').equals("one-shot");
    }
}
