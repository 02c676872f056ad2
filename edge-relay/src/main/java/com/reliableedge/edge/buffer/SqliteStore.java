package com.reliableedge.edge.buffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.quarkus.logging.Log;

/**
 * The SQLite file under the buffer: opening it (WAL, {@code synchronous=FULL}, {@code quick_check}, the schema through
 * {@link StoreSchema}), moving an unreadable file to {@code quarantine/} and starting fresh, transactions, and the
 * readiness probe. One connection; not thread-safe: {@link SqliteBuffer} calls it under its lock.
 */
final class SqliteStore {

    /** Work inside a transaction or a read, on the store's connection. */
    @FunctionalInterface
    interface Step<T> {
        T run(Connection conn) throws SQLException;
    }

    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_NOTADB = 26;

    private final Path file;
    private final DropListener drops;
    private final FullDiskGuard guard;
    private final StoreSchema schema;
    /** Run inside the schema transaction of every open (the in-memory totals are read there). */
    private final Step<Void> onOpen;
    private final long reopenEveryNanos;
    private Connection conn;
    private int quarantined;
    /** {@code synchronous} is not FULL (during, or after a failed end of, an acknowledgement). */
    private boolean relaxed;
    /** The last write failed for lack of space: not writable until a write succeeds again. */
    private volatile boolean full;
    private long lastOpenAttempt;
    private String lastOpenFailure = "";
    private boolean closed;

    SqliteStore(Path file, long reserveBytes, DropListener drops, Duration reopenEvery, StoreSchema schema,
            Step<Void> onOpen) {
        this.file = file;
        this.guard = new FullDiskGuard(file, reserveBytes);
        this.drops = drops;
        this.reopenEveryNanos = reopenEvery.toNanos();
        this.schema = schema;
        this.onOpen = onOpen;
    }

    Path file() {
        return file;
    }

    int quarantined() {
        return quarantined;
    }

    DiskReserve reserve() {
        return guard.reserve();
    }

    /** Opens the store now; when it cannot be opened at all, logs why and leaves it to {@link #connection()}. */
    void tryOpen() {
        lastOpenAttempt = System.nanoTime();
        try {
            open();
            lastOpenFailure = "";
        } catch (BufferException e) {
            closeQuietly();
            lastOpenFailure = e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage());
            Log.errorf("Store %s cannot be opened (%s); running without it and trying again every %d s", file,
                    lastOpenFailure, TimeUnit.NANOSECONDS.toSeconds(reopenEveryNanos));
        }
    }

    /** The connection, reopening the store when it could not be opened before and it is time to try again. */
    Connection connection() {
        if (conn == null && !closed && System.nanoTime() - lastOpenAttempt >= reopenEveryNanos) {
            tryOpen();
            if (conn != null) {
                Log.infof("Store %s is open again", file);
            }
        }
        if (conn == null) {
            throw new BufferException(closed
                    ? "the store is closed"
                    : "the store " + file + " cannot be opened" + (lastOpenFailure.isEmpty()
                            ? ""
                            : " (" + lastOpenFailure + ")"),
                    null);
        }
        return conn;
    }

    private void open() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new BufferException("cannot create " + file.getParent(), e);
        }
        try {
            connectAndCheck();
        } catch (StoreSchema.SchemaException e) {
            // A newer build's store, or one a migration failed on (a full disk, say), is not garbage: keep it.
            closeQuietly();
            throw e;
        } catch (SQLException | RuntimeException e) {
            Log.errorf("Store %s is unreadable (%s); moving it aside and starting fresh", file, e.getMessage());
            closeQuietly();
            quarantine();
            try {
                connectAndCheck();
                inTransaction("count unreadable store", c -> {
                    DropLog.count(c, "unreadable", 1);
                    return null;
                });
            } catch (SQLException again) {
                closeQuietly();
                throw new BufferException("cannot open a fresh store at " + file, again);
            }
            drops.dropped("unreadable", "*", null);
        }
    }

    private void connectAndCheck() throws SQLException {
        conn = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA busy_timeout = 5000");
            // Large pages suit 256 KB bodies: fewer overflow pages and WAL frames per batch (only takes effect on
            // a new file).
            st.execute("PRAGMA page_size = 65536");
            guard.beforeSchema(st);
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                    throw new SQLException("WAL mode is unavailable");
                }
            }
            st.execute("PRAGMA synchronous = FULL");
            relaxed = false;
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                String result = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equalsIgnoreCase(result)) {
                    throw new SQLException("quick_check: " + result, null, SQLITE_CORRUPT);
                }
            }
        }
        try (Statement st = conn.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try {
                schema.migrate(conn, file);
                onOpen.run(conn);
            } catch (StoreSchema.SchemaException e) {
                rollbackQuietly();
                throw e;
            }
            st.execute("COMMIT");
        }
        guard.opened(conn);
    }

    private void quarantine() {
        Path dir = file.toAbsolutePath().getParent().resolve("quarantine");
        String stamp = Long.toString(System.currentTimeMillis());
        try {
            Files.createDirectories(dir);
            for (String suffix : new String[]{"", "-wal", "-shm"}) {
                Path f = Path.of(file.toAbsolutePath() + suffix);
                if (Files.exists(f)) {
                    Files.move(f, dir.resolve(file.getFileName() + "." + stamp + suffix),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            quarantined++;
        } catch (IOException e) {
            throw new BufferException("cannot move the unreadable store " + file + " aside", e);
        }
    }

    private void closeQuietly() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // Closing a broken connection may fail; it is being replaced.
            }
            conn = null;
        }
    }

    /** Runs {@code step} as one transaction; with {@code synchronous=FULL} the commit returns once it is on disk. */
    <T> T inTransaction(String what, Step<T> step) {
        return inTransaction(what, step, true);
    }

    /** @param durable fsync the commit; only an acknowledgement may pass {@code false} */
    <T> T inTransaction(String what, Step<T> step, boolean durable) {
        connection();
        if (durable && relaxed) {
            // A relaxed acknowledgement could not restore synchronous=FULL: never commit a durable step without it.
            setSynchronous("FULL");
        }
        try (Statement st = conn.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            T result;
            try {
                result = step.run(conn);
                st.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                throw e;
            }
            full = false;
            return result;
        } catch (SQLException e) {
            BufferException translated = translate(what, e);
            if (translated instanceof BufferFullException) {
                full = true;
                if (conn != null) {
                    guard.afterFullRollback(conn);
                }
            }
            throw translated;
        }
    }

    <T> T read(String what, Step<T> step) {
        connection();
        try {
            return step.run(conn);
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    private void rollbackQuietly() {
        try (Statement st = conn.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite may already have rolled the transaction back itself (a full disk can): nothing is left open.
        }
    }

    private BufferException translate(String what, SQLException e) {
        int code = e.getErrorCode() & 0xff;
        if (code == SQLITE_FULL || code == SQLITE_IOERR) {
            return new BufferFullException(what + ": " + e.getMessage(), e);
        }
        if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
            Log.errorf("Store %s turned unreadable during %s; moving it aside", file, what);
            closeQuietly();
            quarantine();
            try {
                connectAndCheck();
                try (Statement st = conn.createStatement()) {
                    st.execute("BEGIN IMMEDIATE");
                    DropLog.count(conn, "unreadable", 1);
                    st.execute("COMMIT");
                }
            } catch (SQLException again) {
                closeQuietly();
                return new BufferException("cannot reopen the store after quarantine", again);
            }
            drops.dropped("unreadable", "*", null);
        }
        return new BufferException(what + ": " + e.getMessage(), e);
    }

    /**
     * Runs {@code step} with {@code synchronous=NORMAL}: its commit is not fsynced (the next durable commit syncs it).
     * Only for a step whose loss in a crash is harmless (an acknowledgement).
     */
    <T> T unsynced(String what, Step<T> step) {
        setSynchronous("NORMAL");
        try {
            return inTransaction(what, step, false);
        } finally {
            try {
                setSynchronous("FULL");
            } catch (BufferException e) {
                Log.warnf("Cannot restore synchronous=FULL after an acknowledgement (%s); retrying before the next"
                        + " write", e.getMessage());
            }
        }
    }

    private void setSynchronous(String level) {
        if (conn == null) {
            return;
        }
        try (Statement st = conn.createStatement()) {
            if (!"FULL".equals(level)) {
                relaxed = true;
            }
            st.execute("PRAGMA synchronous = " + level);
            if ("FULL".equals(level)) {
                relaxed = false;
            }
        } catch (SQLException e) {
            throw translate("set synchronous", e);
        }
    }

    /** Refuses a write that takes space while the disk has none to spare (see {@link FullDiskGuard}). */
    void beforeGrowing(String what) {
        connection();
        try {
            guard.beforeGrowing(conn, what);
        } catch (BufferFullException e) {
            full = true;
            throw e;
        }
    }

    /**
     * Runs a step that only frees space; when it fails for lack of space, gives up the reserve and tries once more,
     * so that a full disk can always be emptied by the upstream acknowledging.
     */
    <T> T releasing(String what, Supplier<T> step) {
        try {
            return step.get();
        } catch (BufferFullException e) {
            connection();
            if (!guard.makeRoomForRelease(conn)) {
                throw e;
            }
            Log.infof("Retrying %s after making room on the full disk", what);
            return step.get();
        }
    }

    /** Readiness: whether a write can be made right now, proven by committing one. */
    boolean writable() {
        if (full) {
            return false;
        }
        try {
            beforeGrowing("probe");
            inTransaction("probe", c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO meta (key, value) VALUES ('probe', ?)"
                        + " ON CONFLICT(key) DO UPDATE SET value = excluded.value")) {
                    ps.setString(1, Long.toString(System.nanoTime()));
                    ps.executeUpdate();
                }
                return null;
            });
            return true;
        } catch (BufferException e) {
            return false;
        }
    }

    /** A pragma's value, on the open connection (for {@link SqliteBuffer}'s test hooks). */
    int intPragma(String name) {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new BufferException("cannot read " + name, e);
        }
    }

    /** Sets a pragma on the open connection (for {@link SqliteBuffer}'s test hooks). */
    void setPragma(String name, long value) {
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA " + name + " = " + value);
        } catch (SQLException e) {
            throw new BufferException("cannot set " + name, e);
        }
    }

    void close() {
        closed = true;
        closeQuietly();
    }
}
