package com.reliableedge.edge.source;

/**
 * One event from a source: its data index and the event object as serialized UTF-8 JSON, which carries the
 * index in its {@code index} field in the index's wire form.
 */
public record SourceEvent(long index, byte[] json) {

    public SourceEvent {
        if (json == null || json.length == 0) {
            throw new IllegalArgumentException("an event needs its JSON");
        }
    }
}
