package com.reliableedge.edge.buffertool;

import com.reliableedge.edge.buffer.StoreView.StoredLane;
import com.reliableedge.edge.buffer.StoreView.Waiting;

/**
 * The lane a waiting message is sent in, as the relay's sender orders them: {@code live} (live and late batches sealed
 * within {@code relay.lanes.live-window} of now) first, then the {@code backlog} (older ones), then {@code backfill}
 * (backfill batches and status messages).
 */
enum SendLane {
    LIVE, BACKLOG, BACKFILL;

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static SendLane of(Waiting m, long liveSinceMillis) {
        if (m.lane() == StoredLane.BACKFILL || m.lane() == StoredLane.STATUS) {
            return BACKFILL;
        }
        return m.sealedAtMillis() >= liveSinceMillis ? LIVE : BACKLOG;
    }

    static SendLane fromLabel(String label) {
        for (SendLane l : values()) {
            if (l.label().equals(label)) {
                return l;
            }
        }
        throw new IllegalArgumentException("--lane " + label + " is not a lane: use live, backlog or backfill");
    }
}
