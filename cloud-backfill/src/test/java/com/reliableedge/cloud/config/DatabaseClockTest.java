package com.reliableedge.cloud.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class DatabaseClockTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger reads = new AtomicInteger();
    private Instant databaseTime = Instant.parse("2026-11-26T10:00:00Z");

    private final DatabaseClock clock = new DatabaseClock(nanos::get, () -> {
        reads.incrementAndGet();
        return databaseTime;
    });

    @Test
    void advancesWithTheMonotonicTimeBetweenSyncs() {
        assertThat(clock.instant()).isEqualTo("2026-11-26T10:00:00Z");
        nanos.addAndGet(Duration.ofSeconds(7).toNanos());
        assertThat(clock.instant()).isEqualTo("2026-11-26T10:00:07Z");
        nanos.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(clock.instant()).isEqualTo("2026-11-26T10:00:07.500Z");
        assertThat(reads).hasValue(1);
    }

    @Test
    void resyncsWithTheDatabaseOnceAMinute() {
        clock.instant();
        databaseTime = Instant.parse("2026-11-26T10:05:00Z"); // the database clock was corrected meanwhile
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(clock.instant()).isEqualTo("2026-11-26T10:05:00Z");
        assertThat(reads).hasValue(2);
    }

    @Test
    void keepsTheLastOffsetWhenTheDatabaseCannotBeRead() {
        clock.instant();
        DatabaseClock failing = new DatabaseClock(nanos::get, () -> {
            throw new IllegalStateException("database down");
        });
        Instant before = Instant.now();
        assertThat(failing.instant()).isBetween(before, Instant.now());
    }
}
