package com.reliableedge.cloud.config;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Every time-based decision of the service reads this {@link Clock}; tests replace it with one they move. */
@ApplicationScoped
public class ClockProducer {

    @Produces
    @Singleton
    Clock clock(DatabaseClock databaseClock) {
        return databaseClock;
    }
}
