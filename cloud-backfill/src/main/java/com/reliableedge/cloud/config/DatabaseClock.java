package com.reliableedge.cloud.config;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;

/**
 * The database's clock, as PROTOCOL.md section 6 asks ("times come from the database clock"), so that instances on
 * machines with skewed clocks agree on leases, expiries and detection delays. It reads the database's
 * {@code CURRENT_TIMESTAMP} at most once a minute and adds the local monotonic time elapsed since, which keeps each
 * reading cheap.
 */
@Singleton
@Typed(DatabaseClock.class)
public class DatabaseClock extends Clock {

    private static final Duration RESYNC = Duration.ofMinutes(1);

    private final AgroalDataSource dataSource;
    private volatile Instant syncedAt;
    private volatile long syncedNanos;

    public DatabaseClock(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the database clock is always UTC");
    }

    @Override
    public Instant instant() {
        long nanos = System.nanoTime();
        Instant base = syncedAt;
        if (base == null || nanos - syncedNanos > RESYNC.toNanos()) {
            base = sync();
            nanos = syncedNanos;
        }
        return base.plusNanos(System.nanoTime() - nanos);
    }

    private synchronized Instant sync() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            rs.next();
            syncedNanos = System.nanoTime();
            syncedAt = rs.getTimestamp(1).toInstant();
        } catch (SQLException e) {
            // Keep going on the last offset (or the local clock) rather than stop the service.
            Log.warnf("cannot read the database clock, using the local one: %s", e.getMessage());
            syncedNanos = System.nanoTime();
            syncedAt = syncedAt == null ? Instant.now() : syncedAt;
        }
        return syncedAt;
    }
}
