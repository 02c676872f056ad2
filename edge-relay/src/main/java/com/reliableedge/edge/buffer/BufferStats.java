package com.reliableedge.edge.buffer;

/** The buffer's size: messages, bytes (bodies plus properties) and the seal time of the oldest, if any. */
public record BufferStats(long messages, long bytes, long oldestSealedAtMillis) {
}
