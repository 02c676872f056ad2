package com.reliableedge.edge.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import com.reliableedge.edge.config.MonotonicClock;

/** A wall clock and a monotonic clock that move only when a test says so. */
public final class FakeClock extends Clock implements MonotonicClock {

    private final AtomicLong millis;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    public FakeClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    public void advance(Duration d) {
        advanceMillis(d.toMillis());
    }

    public void advanceMillis(long ms) {
        millis.addAndGet(ms);
        nanos.addAndGet(ms * 1_000_000L);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public long nanos() {
        return nanos.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
