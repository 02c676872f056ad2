package com.reliableedge.edge.aggregate;

import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.IndexKind;

/** The batch limits of each stream: the same for every stream of one index kind, the span in that kind's units. */
public record StreamLimits(SealLimits time, SealLimits sequence) {

    /** From {@code relay.batch.*} and {@code relay.heartbeat-interval}. */
    public static StreamLimits of(RelayConfig config) {
        RelayConfig.Batch b = config.batch();
        long linger = b.linger().toNanos();
        long heartbeat = config.heartbeatInterval().toNanos();
        return new StreamLimits(new SealLimits(b.maxBytes(), b.maxEvents(), b.maxSpan().toMillis(), linger,
                heartbeat), new SealLimits(b.maxBytes(), b.maxEvents(), b.maxSequenceSpan(), linger, heartbeat));
    }

    /** The limits of {@code stream}. */
    public SealLimits of(StreamInfo stream) {
        return stream.kind() == IndexKind.TIME ? time : sequence;
    }
}
