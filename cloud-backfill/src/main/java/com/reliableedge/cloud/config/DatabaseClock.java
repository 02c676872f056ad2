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
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;

/**
 * The database's clock, as PROTOCOL.md section 6 asks ("times come from the database clock"), so that instances on
 * machines with skewed clocks agree on leases, expiries and detection delays. It reads the database's current time
 * ({@link SqlDialect#currentTime}) at most once a minute and adds the local monotonic time elapsed since, which keeps
 * each reading cheap.
 */
@Singleton
@Typed(DatabaseClock.class)
public class DatabaseClock extends Clock {

    private static final Duration RESYNC = Duration.ofMinutes(1);

    private final LongSupplier nanoTime;
    private final Supplier<Instant> databaseNow;
    /** The last reading of the database clock and the monotonic time it was taken at, swapped as one. */
    private volatile Sync last;

    private record Sync(Instant databaseTime, long nanos) {
    }

    @Inject
    public DatabaseClock(AgroalDataSource dataSource, SqlDialect sql) {
        this(System::nanoTime, () -> readDatabaseClock(dataSource, sql));
    }

    /** For tests: the monotonic time and the database's {@code CURRENT_TIMESTAMP} as functions. */
    DatabaseClock(LongSupplier nanoTime, Supplier<Instant> databaseNow) {
        this.nanoTime = nanoTime;
        this.databaseNow = databaseNow;
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
        Sync s = last;
        long now = nanoTime.getAsLong();
        if (s == null || now - s.nanos() > RESYNC.toNanos()) {
            s = sync();
        }
        // The database time of the last sync plus the monotonic time elapsed since.
        return s.databaseTime().plusNanos(nanoTime.getAsLong() - s.nanos());
    }

    private synchronized Sync sync() {
        Sync previous = last;
        long now = nanoTime.getAsLong();
        if (previous != null && now - previous.nanos() <= RESYNC.toNanos()) {
            return previous; // another thread synced meanwhile
        }
        Instant databaseTime;
        try {
            databaseTime = databaseNow.get();
        } catch (RuntimeException e) {
            // Keep going on the last offset (or the local clock) rather than stop the service.
            Log.warnf("cannot read the database clock, using the local one: %s", e.getMessage());
            databaseTime = previous == null
                    ? Instant.now()
                    : previous.databaseTime().plusNanos(now - previous
                            .nanos());
        }
        Sync fresh = new Sync(databaseTime, now);
        last = fresh;
        return fresh;
    }

    private static Instant readDatabaseClock(AgroalDataSource dataSource, SqlDialect sql) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql.currentTime())) {
            rs.next();
            return sql.currentTimeIsEpochMillis()
                    ? Instant.ofEpochMilli(rs.getLong(1))
                    : rs.getTimestamp(1).toInstant();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
