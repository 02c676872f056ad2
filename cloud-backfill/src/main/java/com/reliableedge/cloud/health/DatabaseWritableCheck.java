package com.reliableedge.cloud.health;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;

/**
 * Readiness DOWN while the database cannot be written: a full disk, a read-only or closed database, a lost
 * connection or a lock that does not come free. The datasource's own check only connects; this one commits a real
 * write (a probe row inserted and deleted in one transaction, so nobody ever sees it), at most once per
 * {@link #PROBE_INTERVAL_NANOS}, and goes DOWN at once when ingest reports a write that failed on the database. It
 * comes back UP on the first probe that commits.
 */
@Readiness
@ApplicationScoped
public class DatabaseWritableCheck implements HealthCheck {

    static final String NAME = "database-writable";
    /** Health endpoints need no key: at most one probe write per second, whatever the polling rate. */
    static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int PROBE_TIMEOUT_SECONDS = 2;

    private final AgroalDataSource dataSource;
    private final Clock clock;
    // A device id no device can have ('$' is not allowed), one per instance so that probes never wait on each other.
    private final String probeId = "$probe-" + UUID.randomUUID();
    private volatile long lastProbeNanos;
    private volatile boolean probed;
    private volatile String failure = null;
    private volatile long failedSinceMillis;

    public DatabaseWritableCheck(AgroalDataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** A write failed on the database (reported by ingest and the operator API): DOWN until a probe commits. */
    public void writeFailed(Throwable cause) {
        if (failure == null) {
            failedSinceMillis = clock.millis();
        }
        failure = rootMessage(cause);
        probed = false;
    }

    @Override
    public synchronized HealthCheckResponse call() {
        long now = System.nanoTime();
        if (!probed || now - lastProbeNanos >= PROBE_INTERVAL_NANOS) {
            probe();
            lastProbeNanos = now;
            probed = true;
        }
        String f = failure;
        if (f == null) {
            return HealthCheckResponse.up(NAME);
        }
        return HealthCheckResponse.named(NAME).down().withData("failingSinceEpochMillis", failedSinceMillis)
                .withData("error", f).build();
    }

    private void probe() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO device (device_id, shared_key, method_url, created_at) VALUES (?, '-', '-', 0)");
                    PreparedStatement delete = c.prepareStatement("DELETE FROM device WHERE device_id = ?")) {
                insert.setQueryTimeout(PROBE_TIMEOUT_SECONDS);
                delete.setQueryTimeout(PROBE_TIMEOUT_SECONDS);
                insert.setString(1, probeId);
                insert.executeUpdate();
                delete.setString(1, probeId);
                delete.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                rollback(c);
                throw e;
            }
            if (failure != null) {
                Log.infof("The database can be written again");
            }
            failure = null;
        } catch (SQLException | RuntimeException e) {
            if (failure == null) {
                Log.warnf("The database cannot be written: %s", rootMessage(e));
                failedSinceMillis = clock.millis();
            }
            failure = rootMessage(e);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // The connection is broken; closing it hands it back to the pool, which discards it.
        }
    }

    /** The health endpoints are open to anyone: say which kind of failure (SQLState), not the driver's text. */
    private static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return "SQLState " + sql.getSQLState();
            }
        }
        return "no SQLState";
    }
}
