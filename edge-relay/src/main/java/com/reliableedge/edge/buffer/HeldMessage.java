package com.reliableedge.edge.buffer;

import com.reliableedge.protocol.index.Window;

/**
 * A message in the buffer as the bounds see it, without its body: what eviction chooses among and what a drop
 * records.
 *
 * @param lane see {@link LanePolicy}
 * @param requestId the backfill request of a backfill batch or status message, else {@code null}
 * @param size its bytes as counted against the buffer's limit (body plus properties)
 */
record HeldMessage(long id, String stream, int lane, Window window, String requestId, long size) {
}
