package com.reliableedge.edge.buffer;

import com.reliableedge.protocol.index.IndexKind;

/**
 * A stream's durable live state (E1): the last sealed {@code endWindow}, the {@code seq} of the last live batch, the
 * first {@code startWindow} ever sealed ({@code streamOrigin}) and the last {@code lateSeq}.
 */
public record StreamCursor(String streamId, IndexKind kind, long cursor, long seq, long streamOrigin, long lateSeq) {

    public StreamCursor withCursor(long newCursor) {
        return new StreamCursor(streamId, kind, newCursor, seq, streamOrigin, lateSeq);
    }
}
