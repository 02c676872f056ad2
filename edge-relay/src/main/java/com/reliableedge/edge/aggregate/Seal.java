package com.reliableedge.edge.aggregate;

import java.util.List;

import com.reliableedge.edge.buffer.SealedMessage;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.protocol.index.Window;

/**
 * What one sealing step of a stream produced, to be written to the buffer in one atomic step: live and late
 * messages, the stream's new cursor and, after a restart with a hole, the self-heal window (E5).
 *
 * @param liveWindows the windows of the live batches, in order
 * @param flushedLate the waiting late events were all taken (sent or dropped)
 * @param holes indexes skipped because their events cannot fit in a message (E2)
 * @param droppedEvents events that will never be sent: those of the holes and oversize late events
 */
public record Seal(String streamId, List<SealedMessage> messages, StreamCursor cursor, Window heal,
        SealPolicy.Reason reason, List<Window> liveWindows, boolean flushedLate, int lateBatches, int lateEvents,
        List<Window> holes, int droppedEvents) {

    public Seal {
        messages = List.copyOf(messages);
        liveWindows = List.copyOf(liveWindows);
        holes = List.copyOf(holes);
    }
}
