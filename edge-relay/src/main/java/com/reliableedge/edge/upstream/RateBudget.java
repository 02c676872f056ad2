package com.reliableedge.edge.upstream;

import com.reliableedge.edge.config.MonotonicClock;

/**
 * An optional budget of messages and bytes per second, as two token buckets on the monotonic clock, each holding at
 * most one second's worth. {@link #delayNanos} is pure with respect to the clock; {@link #take} spends.
 */
public final class RateBudget {

    private final double messagesPerSecond;
    private final double bytesPerSecond;
    private final MonotonicClock clock;
    private double messageTokens;
    private double byteTokens;
    private long lastNanos;

    /** @param messagesPerSecond 0 for no message budget; {@code bytesPerSecond} 0 for no byte budget */
    public RateBudget(double messagesPerSecond, double bytesPerSecond, MonotonicClock clock) {
        this.messagesPerSecond = messagesPerSecond;
        this.bytesPerSecond = bytesPerSecond;
        this.clock = clock;
        this.messageTokens = messagesPerSecond;
        this.byteTokens = bytesPerSecond;
        this.lastNanos = clock.nanos();
    }

    public static RateBudget unlimited(MonotonicClock clock) {
        return new RateBudget(0, 0, clock);
    }

    private void refill() {
        long now = clock.nanos();
        double seconds = (now - lastNanos) / 1e9;
        lastNanos = now;
        if (messagesPerSecond > 0) {
            messageTokens = Math.min(messagesPerSecond, messageTokens + seconds * messagesPerSecond);
        }
        if (bytesPerSecond > 0) {
            byteTokens = Math.min(bytesPerSecond, byteTokens + seconds * bytesPerSecond);
        }
    }

    /** How long to wait before a message of {@code bytes} may go; 0 when it may go now. */
    public synchronized long delayNanos(long bytes) {
        refill();
        double wait = 0;
        if (messagesPerSecond > 0 && messageTokens < 1) {
            wait = Math.max(wait, (1 - messageTokens) / messagesPerSecond);
        }
        if (bytesPerSecond > 0) {
            // A message larger than a second's budget goes once the bucket is full.
            double need = Math.min(bytes, bytesPerSecond);
            if (byteTokens < need) {
                wait = Math.max(wait, (need - byteTokens) / bytesPerSecond);
            }
        }
        return (long) Math.ceil(wait * 1e9);
    }

    /** Spends the budget of one message of {@code bytes}. */
    public synchronized void take(long bytes) {
        refill();
        if (messagesPerSecond > 0) {
            messageTokens -= 1;
        }
        if (bytesPerSecond > 0) {
            byteTokens -= Math.min(bytes, bytesPerSecond);
        }
    }
}
