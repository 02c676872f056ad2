package com.reliableedge.protocol.message;

import java.time.Instant;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/** The sample messages that the golden files show in wire form. */
public final class Samples {

    public static final String DEVICE = "site-7";

    private Samples() {
    }

    public static long time(String rfc3339) {
        return Instant.parse(rfc3339).toEpochMilli();
    }

    public static MessageProperties liveTimeBatch() {
        return MessageProperties.live("line-1", IndexKind.TIME, new Window(time("2026-11-26T10:00:00Z"), time(
                "2026-11-26T10:00:05Z")), 50, 17, time("2026-11-26T09:00:00Z"))
                .withBacklogFrom(time("2026-11-26T09:59:00Z"))
                .withContentEncoding("gzip");
    }

    public static MessageProperties backfillSequenceBatch() {
        return MessageProperties.backfill("seq-1", IndexKind.SEQUENCE, new Window(100, 200), 100,
                "6f1c2a9e-2d4b-4c1e-9a51-0c8f3b7d1e22");
    }

    public static MessageProperties lateBatch() {
        return MessageProperties.late("line-1", IndexKind.SEQUENCE, new Window(100, 200), 2, 3);
    }

    public static MessageProperties backfillStatus() {
        return MessageProperties.backfillStatus("line-1", IndexKind.TIME, new Window(time("2026-11-26T10:00:00Z"),
                time("2026-11-26T10:05:00Z")), "6f1c-req");
    }
}
