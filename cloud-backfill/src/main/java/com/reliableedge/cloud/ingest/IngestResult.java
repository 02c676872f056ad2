package com.reliableedge.cloud.ingest;

import java.time.Instant;

import com.reliableedge.cloud.coverage.GapChanges;

/**
 * What an ingest did, once committed.
 *
 * @param gaps how the stream's gaps changed, null when they were not looked at
 */
public record IngestResult(String messageId, Outcome outcome, GapChanges gaps, Instant at) {

    public enum Outcome {
        /** Recorded now. */
        RECORDED,
        /** Its messageId was recorded before: acknowledged, nothing changed. */
        DUPLICATE,
        /** Below the retention: acknowledged and dropped. */
        DISCARDED
    }
}
