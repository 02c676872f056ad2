package com.reliableedge.edge.config;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The clocks the relay runs on; tests replace them with fakes. */
@ApplicationScoped
public class ClockProducer {

    /** Wall clock: the simulator's index time, seal timestamps for buffer age and lanes. */
    @Produces
    @Singleton
    Clock wallClock() {
        return Clock.systemUTC();
    }

    /** Monotonic clock: every timer. */
    @Produces
    @Singleton
    MonotonicClock monotonicClock() {
        return MonotonicClock.system();
    }
}
