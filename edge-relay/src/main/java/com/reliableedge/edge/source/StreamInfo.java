package com.reliableedge.edge.source;

import com.reliableedge.protocol.index.Identifiers;
import com.reliableedge.protocol.index.IndexKind;

/** A stream a source offers: its name (the wire's {@code batchId}) and its index kind. */
public record StreamInfo(String streamId, IndexKind kind) {

    public StreamInfo {
        Identifiers.require("batchId", streamId);
        if (kind == null) {
            throw new IllegalArgumentException("indexKind is required");
        }
    }
}
