package com.reliableedge.edge.source;

import java.util.List;
import java.util.Optional;

import com.reliableedge.protocol.index.Window;

/**
 * A legacy data source (PROTOCOL.md section 1): a live feed per stream with a watermark and a discontinuity signal,
 * and a history read by window.
 * <p>
 * Contract: {@link #poll} is called by one thread per stream; a stream's first update is {@link LiveUpdate.Resumed};
 * after {@link LiveUpdate.Lost} the next update that brings data is preceded by a {@code Resumed}. {@link #read}
 * may be called from another thread at any time, for windows below the watermark, and returns exactly the events
 * the source holds there.
 */
public interface SourceAdapter {

    /** Every stream this source offers. */
    List<StreamInfo> streams();

    /** The stream named {@code streamId}, if the source knows it. */
    default Optional<StreamInfo> stream(String streamId) {
        return streams().stream().filter(s -> s.streamId().equals(streamId)).findFirst();
    }

    /** What the live feed of {@code streamId} brought since the last poll, at most {@code maxEvents} events. */
    LiveUpdate poll(String streamId, int maxEvents);

    /**
     * The events of {@code streamId} in {@code window}, at most {@code maxEvents} of them: when there are more,
     * the read ends early and {@link HistoryRead#events()} holds a prefix by whole indexes; callers read again
     * from after the last index returned.
     */
    HistoryRead read(String streamId, Window window, int maxEvents);
}
