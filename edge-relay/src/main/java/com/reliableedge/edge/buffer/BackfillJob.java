package com.reliableedge.edge.buffer;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * An accepted backfill request, durable from the moment it is answered 202 until long after it is done (so a repeated
 * {@code requestId} is recognised).
 *
 * @param progress the index up to which the window has been served (sealed, or classified unavailable/failed)
 * @param edgeOriginated a self-heal job (E5, request id {@code edge-…}) rather than a cloud request
 */
public record BackfillJob(String requestId, String streamId, IndexKind kind, Window window, long progress,
        State state, boolean edgeOriginated, int attempt, long createdAtMillis) {

    /** Where a job is. */
    public enum State {
        /** Parts of the window remain to be served. */
        ACTIVE,
        /** Every part is sealed or classified; waiting for the upstream to acknowledge its batches. */
        SERVED,
        /** Its status messages are sealed (or, for a self-heal job, nothing remains to send). */
        DONE
    }

    public static BackfillJob accepted(String requestId, String streamId, IndexKind kind, Window window,
            boolean edgeOriginated, int attempt, long nowMillis) {
        return new BackfillJob(requestId, streamId, kind, window, window.start(), State.ACTIVE, edgeOriginated,
                attempt, nowMillis);
    }
}
