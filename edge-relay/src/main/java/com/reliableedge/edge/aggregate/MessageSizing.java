package com.reliableedge.edge.aggregate;

import com.reliableedge.protocol.index.Identifiers;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * Bounds the properties part of a message before its window and counts are known, so that batches are cut on a
 * budget for the body alone: the largest properties any batch of the stream can carry (live with
 * {@code backlogFrom}, backfill with a request id of maximal length, or late), gzip included.
 */
public final class MessageSizing {

    private MessageSizing() {
    }

    /** The most bytes the properties of a batch of {@code streamId} can take. */
    public static int propertiesReserve(String streamId, IndexKind kind) {
        long lowest = kind == IndexKind.TIME ? IndexKind.MIN_TIME : Long.MIN_VALUE;
        Window widest = new Window(lowest, lowest + 1);
        String longestRequestId = "r".repeat(Identifiers.MAX_LENGTH);
        MessageProperties live = MessageProperties.live(streamId, kind, widest, Integer.MAX_VALUE, Long.MAX_VALUE,
                lowest).withBacklogFrom(lowest).withContentEncoding(MessageProperties.GZIP);
        MessageProperties backfill = MessageProperties.backfill(streamId, kind, widest, Integer.MAX_VALUE,
                longestRequestId).withContentEncoding(MessageProperties.GZIP);
        MessageProperties late = MessageProperties.late(streamId, kind, widest, Integer.MAX_VALUE, Long.MAX_VALUE)
                .withContentEncoding(MessageProperties.GZIP);
        int max = 0;
        for (MessageProperties p : new MessageProperties[]{live, backfill, late}) {
            max = Math.max(max, new Envelope("0".repeat(32), p).propertiesSize());
        }
        return max;
    }

    /** The largest plain body a batch of {@code streamId} may have under {@code maxBytes}. */
    public static long bodyBudget(int maxBytes, String streamId, IndexKind kind) {
        return maxBytes - propertiesReserve(streamId, kind);
    }

    /** The plain body size of {@code count} events of {@code bytes} serialized bytes in all. */
    public static long bodySize(int count, long bytes) {
        return BatchBody.sizeOf(count, bytes);
    }
}
