package com.reliableedge.edge.aggregate;

/**
 * What bounds a batch: message bytes (body plus properties), events, window span in index units, and the two
 * timers, linger and heartbeat, in monotonic nanoseconds.
 */
public record SealLimits(int maxBytes, int maxEvents, long maxSpan, long lingerNanos, long heartbeatNanos) {

    public SealLimits {
        if (maxBytes < 1024 || maxEvents < 1 || maxSpan < 1 || lingerNanos < 0 || heartbeatNanos < 1) {
            throw new IllegalArgumentException("invalid batch limits");
        }
    }
}
