package com.reliableedge.edge.config;

/**
 * A monotonic time source in nanoseconds, for timers (linger, heartbeat, backoff, rate budget). Never the wall
 * clock, so a clock step cannot stall or rush a timer. Tests pass a fake.
 */
@FunctionalInterface
public interface MonotonicClock {

    long nanos();

    /** {@link System#nanoTime()}. */
    static MonotonicClock system() {
        return System::nanoTime;
    }
}
