package com.reliableedge.edge.buffer;

/**
 * A CDI event: new messages were sealed into the buffer, by the live path or by backfill. Whoever waits for the
 * buffer's content (the sender, the backfill worker) looks again now rather than at its next poll; the event keeps
 * the loops that seal from knowing the loops that drain.
 */
public enum Sealed {
    LIVE, BACKFILL
}
