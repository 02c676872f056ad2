package com.reliableedge.edge.buffer;

import com.reliableedge.protocol.index.Window;

/** Told about every message the buffer drops without it being acknowledged, with the reason and its window. */
@FunctionalInterface
public interface DropListener {

    /**
     * @param reason {@code full}, {@code expired}, {@code unreadable}, {@code rejected}
     * @param streamId the stream, or {@code *} when unknown (an unreadable store)
     * @param window the window lost, {@code null} when unknown
     */
    void dropped(String reason, String streamId, Window window);

    DropListener NONE = (reason, streamId, window) -> {
    };
}
