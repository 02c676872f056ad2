package com.reliableedge.edge.buffer;

import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillStatus;

/** The outcome of one part of a backfill job's window, as recorded when that part was served. */
public record Segment(Window window, BackfillStatus.Outcome outcome, String reason) {
}
