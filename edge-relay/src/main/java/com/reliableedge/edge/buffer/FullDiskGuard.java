package com.reliableedge.edge.buffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.quarkus.logging.Log;

/**
 * Keeps a full disk from deadlocking the SQLite store. Three rules:
 * <ul>
 * <li>Once the filesystem has less free room than SQLite's default WAL (1000 pages) could need to be checkpointed, the
 * WAL is kept small ({@code wal_autocheckpoint} and {@code journal_size_limit} at a quarter of the reserve, and a
 * write that would grow a WAL the checkpoint could not empty is refused), so the checkpoint after a full disk never
 * needs more room than the reserve gives. With room to spare the default stays: frequent checkpoints cost
 * throughput.</li>
 * <li>A release (acknowledge, reject, expire) that fails for lack of space gives up the {@link DiskReserve} and
 * checkpoints, then tries once more.</li>
 * <li>While the reserve is given up, a write that takes space (seal, job) first returns freed pages to the filesystem
 * ({@code incremental_vacuum}, the store being in {@code auto_vacuum=INCREMENTAL}) and rebuilds the reserve, leaving
 * room for the WAL to reach its bound; until that succeeds it is refused as a full disk. Freed pages are reused by
 * later inserts in any case; giving them back is what lets the reserve, and so the next episode's recovery, exist
 * again. The same return of free pages happens whenever the filesystem has less than that WAL room left, so the WAL
 * never starves while the store holds free pages.</li>
 * </ul>
 * Called by the store under its lock.
 */
final class FullDiskGuard {

    /** Most steps of returning free pages before one write (each step a quarter of the WAL bound). */
    private static final int VACUUM_ROUNDS = 64;
    /** SQLite's own {@code wal_autocheckpoint}, kept while the filesystem has room for such a WAL. */
    private static final int DEFAULT_AUTOCHECKPOINT = 1000;

    private final Path store;
    private final DiskReserve reserve;
    private final Path walFile;
    private long walLimitBytes;
    private boolean incremental;
    private int pageSize = 65536;
    /** Whether the WAL is kept small now; {@code null} until first decided. */
    private Boolean smallWal;

    FullDiskGuard(Path store, long reserveBytes) {
        this.store = store;
        this.reserve = new DiskReserve(store.resolveSibling(store.getFileName() + ".reserve"), reserveBytes);
        this.walFile = store.resolveSibling(store.getFileName() + "-wal");
        this.walLimitBytes = Math.max(1 << 20, reserveBytes / 4);
    }

    DiskReserve reserve() {
        return reserve;
    }

    /** Before the first table of a new store: only then can {@code auto_vacuum} be chosen without a VACUUM. */
    void beforeSchema(Statement st) throws SQLException {
        if (reserve.enabled()) {
            st.execute("PRAGMA auto_vacuum = INCREMENTAL");
        }
    }

    /** Once the store is open: bounds the WAL and writes the reserve if there is room. */
    void opened(Connection conn) {
        if (!reserve.enabled()) {
            return;
        }
        try (Statement st = conn.createStatement()) {
            pageSize = intPragma(st, "page_size");
            incremental = intPragma(st, "auto_vacuum") == 2;
            walLimitBytes = Math.max(16L * pageSize, reserve.bytes() / 4);
            smallWal = null;
            sizeWal(conn, usableSpace());
        } catch (SQLException e) {
            // Only settings: the store works without them, with SQLite's larger default WAL.
            Log.warnf("Cannot bound the WAL of %s: %s", store, e.getMessage());
        }
        if (!incremental) {
            Log.warnf("Store %s predates auto_vacuum=INCREMENTAL: freed pages are reused but not returned to the"
                    + " filesystem, so sealing does not wait for the disk reserve", store);
        }
        if (!reserve.ensure(2 * walLimitBytes)) {
            Log.warnf("No room for the disk reserve (%d bytes) beside the store yet", reserve.bytes());
        }
    }

    /**
     * Before a write that takes space.
     *
     * @throws BufferFullException when the WAL cannot be emptied, or the reserve is given up and cannot be rebuilt
     *         yet
     */
    void beforeGrowing(Connection conn, String what) {
        if (!reserve.enabled()) {
            return;
        }
        long usable = usableSpace();
        boolean small = sizeWal(conn, usable);
        long headroom = 2 * walLimitBytes;
        boolean tight = usable < headroom;
        if (tight && incremental) {
            returnFreePages(conn, VACUUM_ROUNDS);
        }
        if (small && walSize() > headroom && !checkpoint(conn)) {
            throw new BufferFullException(what + ": the WAL cannot be checkpointed for lack of space", null);
        }
        if (reserve.present()) {
            return;
        }
        if (incremental && !tight) {
            returnFreePages(conn, VACUUM_ROUNDS);
        }
        if (!reserve.ensure(headroom) && incremental) {
            throw new BufferFullException(what + ": waiting for room to rebuild the disk reserve", null);
        }
    }

    /**
     * Keeps the WAL small while the filesystem could not take a checkpoint of a default-sized one (plus the WAL
     * headroom and the reserve); entering that state the next check checkpoints the larger WAL, which still fits.
     *
     * @return whether the WAL is kept small
     */
    private boolean sizeWal(Connection conn, long usable) {
        boolean small = usable < (long) DEFAULT_AUTOCHECKPOINT * pageSize + 2 * walLimitBytes + reserve.bytes();
        if (smallWal != null && smallWal == small) {
            return small;
        }
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint = " + (small
                    ? Math.max(1, walLimitBytes / pageSize)
                    : DEFAULT_AUTOCHECKPOINT));
            st.execute("PRAGMA journal_size_limit = " + (small ? walLimitBytes : -1));
            smallWal = small;
            if (small) {
                Log.infof("%d bytes free beside %s: its WAL is kept to %d bytes", usable, store, walLimitBytes);
            }
        } catch (SQLException e) {
            Log.warnf("Cannot size the WAL of %s: %s", store, e.getMessage());
        }
        return small;
    }

    private long usableSpace() {
        try {
            return reserve.usableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * A release failed for lack of space: gives up the reserve and empties the WAL so that it can be tried again.
     *
     * @return whether anything was freed (the reserve, or a WAL that could be truncated)
     */
    boolean makeRoomForRelease(Connection conn) {
        boolean released = reserve.release();
        long wal = walSize();
        boolean checkpointed = checkpoint(conn);
        if (!released && incremental) {
            // No reserve left: a small step of returning free pages is all that can make room (it needs a little).
            return returnFreePages(conn, 1) > 0 || (checkpointed && wal > 0);
        }
        return released || (checkpointed && wal > 0);
    }

    /**
     * A transaction was rolled back for lack of space: truncates the WAL it grew, so that its failed attempt does not
     * keep the room it took from the next writer (an acknowledgement, say).
     */
    void afterFullRollback(Connection conn) {
        if (reserve.enabled()) {
            checkpoint(conn);
        }
    }

    /** {@code PRAGMA wal_checkpoint(TRUNCATE)}: copies the WAL into the store and truncates it. */
    static boolean checkpoint(Connection conn) {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            return rs.next() && rs.getInt(1) == 0 && rs.getInt(2) == rs.getInt(3);
        } catch (SQLException e) {
            Log.debugf("Checkpoint failed: %s", e.getMessage());
            return false;
        }
    }

    /**
     * Returns free pages to the filesystem in small steps, each checkpointed (which truncates the file), so that no
     * step needs more WAL room than a quarter of the WAL bound: moving pages is itself a write.
     *
     * @return pages returned
     */
    private int returnFreePages(Connection conn, int rounds) {
        int returned = 0;
        try (Statement st = conn.createStatement()) {
            int step = (int) Math.max(1, walLimitBytes / 4 / intPragma(st, "page_size"));
            for (int i = 0; i < rounds; i++) {
                int free = intPragma(st, "freelist_count");
                if (free == 0) {
                    break;
                }
                int n = Math.min(free, step);
                // The pragma frees one page per step (it yields a row per page): read the rows to the end.
                if (st.execute("PRAGMA incremental_vacuum(" + n + ")")) {
                    try (ResultSet rs = st.getResultSet()) {
                        while (rs.next()) {
                            // one page returned
                        }
                    }
                }
                checkpoint(conn);
                if (intPragma(st, "freelist_count") >= free) {
                    break;
                }
                returned += n;
            }
        } catch (SQLException e) {
            Log.debugf("incremental_vacuum failed: %s", e.getMessage());
            checkpoint(conn);
        }
        return returned;
    }

    long walSize() {
        try {
            return Files.exists(walFile) ? Files.size(walFile) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static int intPragma(Statement st, String name) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
