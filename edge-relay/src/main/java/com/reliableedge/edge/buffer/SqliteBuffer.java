package com.reliableedge.edge.buffer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The buffer in one SQLite file, in WAL mode with {@code synchronous=FULL}: every committed transaction is fsynced
 * before the commit returns, and SQLite's journal makes each one atomic across a crash or power loss. One
 * connection, serialized by this object's monitor (SQLite has one writer at a time anyway).
 * <p>
 * A file SQLite cannot read (garbled, truncated) is moved to {@code quarantine/} beside it and a fresh store is
 * started; the loss is counted as {@code unreadable}. A full disk surfaces as {@link BufferFullException} and leaves
 * the store as it was; releasing delivered messages still succeeds on a full disk, through the reserve kept by
 * {@link FullDiskGuard}.
 * <p>
 * The pieces: {@link SqliteStore} (opening, quarantine, transactions, readiness) with {@link StoreSchema} (versions
 * and migrations), {@link MessageTable} and {@link JobTable} (the SQL), {@link DropLog} (what was dropped), and the
 * pure decisions {@link EvictionPolicy} and {@link LanePolicy}. This class composes each step of {@link BatchBuffer}
 * into one transaction and reports drops once it is committed.
 */
public class SqliteBuffer implements BatchBuffer {

    private final SqliteStore store;
    private final MessageTable messages;
    private final DropListener drops;

    /**
     * @param deviceId this device: message ids (and so property sizes) depend on it
     * @param maxBytes the most bytes (bodies plus properties) the buffer keeps
     */
    public SqliteBuffer(Path file, String deviceId, long maxBytes, DropListener drops) {
        this(file, deviceId, maxBytes, 0, drops, Duration.ofSeconds(5));
    }

    /**
     * @param reserveBytes the disk reserve kept beside the store for releasing messages on a full disk; 0 keeps none
     */
    public SqliteBuffer(Path file, String deviceId, long maxBytes, long reserveBytes, DropListener drops) {
        this(file, deviceId, maxBytes, reserveBytes, drops, Duration.ofSeconds(5));
    }

    /**
     * @param reopenEvery when the store cannot be opened at all (not even fresh), how often to try again; until then
     *        every step fails with {@link BufferException} and the relay keeps running, never crash-looping
     */
    SqliteBuffer(Path file, String deviceId, long maxBytes, DropListener drops, Duration reopenEvery) {
        this(file, deviceId, maxBytes, 0, drops, reopenEvery);
    }

    SqliteBuffer(Path file, String deviceId, long maxBytes, long reserveBytes, DropListener drops,
            Duration reopenEvery) {
        this(file, deviceId, maxBytes, reserveBytes, drops, reopenEvery, StoreSchema.CURRENT);
    }

    /** @param schema the migrations to open the store with (tests pass their own) */
    SqliteBuffer(Path file, String deviceId, long maxBytes, long reserveBytes, DropListener drops,
            Duration reopenEvery, StoreSchema schema) {
        this.drops = drops;
        this.messages = new MessageTable(deviceId, maxBytes);
        this.store = new SqliteStore(file, reserveBytes, drops, reopenEvery, schema, conn -> {
            messages.loadTotals(conn);
            return null;
        });
        store.tryOpen();
    }

    /** How many unreadable store files this instance moved aside. */
    public synchronized int quarantined() {
        return store.quarantined();
    }

    public Path file() {
        return store.file();
    }

    /** How many times the disk reserve was given up. */
    public long reserveUses() {
        return store.reserve().uses();
    }

    /** Whether the disk reserve is in place (true when none is kept). */
    public boolean reservePresent() {
        return store.reserve().present();
    }

    @Override
    public synchronized Map<String, StreamCursor> cursors() {
        return store.read("read cursors", MessageTable::cursors);
    }

    @Override
    public synchronized void sealLive(List<SealedMessage> sealed, StreamCursor cursor, BackfillJob healJob,
            long nowMillis) {
        store.beforeGrowing("seal");
        MessageTable.Appended appended = store.inTransaction("seal", conn -> {
            MessageTable.Appended a = append(conn, sealed, nowMillis);
            MessageTable.saveCursor(conn, cursor);
            if (healJob != null) {
                JobTable.insert(conn, healJob);
            }
            return a;
        });
        committed(sealed.size(), appended.bytes(), "full", appended.evicted());
    }

    /** Appends within the caller's transaction, recording what had to be evicted to make room. */
    private MessageTable.Appended append(Connection conn, List<SealedMessage> sealed, long nowMillis)
            throws SQLException {
        MessageTable.Appended a = messages.append(conn, sealed, nowMillis);
        for (HeldMessage m : a.evicted()) {
            DropLog.record(conn, "full", m);
        }
        return a;
    }

    /** Brings the totals up to date once the step is committed, and reports what it dropped. */
    private void committed(int added, long bytes, String reason, List<HeldMessage> dropped) {
        messages.committed(added, bytes, dropped);
        for (HeldMessage m : dropped) {
            drops.dropped(reason, m.stream(), m.window());
        }
    }

    @Override
    public synchronized List<StoredMessage> nextToSend(int max, Collection<Long> exclude, long liveSinceMillis) {
        if (max <= 0) {
            return List.of();
        }
        return store.read("read next messages", conn -> MessageTable.nextToSend(conn, max, exclude,
                liveSinceMillis));
    }

    @Override
    public synchronized OptionalLong oldestLiveStart(String streamId) {
        return store.read("read backlog", conn -> MessageTable.oldestLiveStart(conn, streamId));
    }

    @Override
    public synchronized void acknowledge(long id) {
        store.releasing("acknowledge", () -> {
            // An acknowledgement need not be fsynced: if a crash loses it, the message is sent again under the same
            // messageId, which the cloud ignores. The next sealing commit (synchronous=FULL) syncs it anyway. This
            // halves the fsyncs on the hot path.
            long size = store.unsynced("acknowledge", conn -> messages.remove(conn, id));
            if (size >= 0) {
                messages.acknowledged(size);
            }
            return null;
        });
    }

    @Override
    public synchronized void reject(long id, String reason) {
        store.releasing("reject", () -> drop("reject", reason, conn -> messages.removeRefused(conn, id)));
    }

    @Override
    public synchronized int expire(long olderThanMillis) {
        return store.releasing("expire", () -> drop("expire", "expired", conn -> messages.removeSealedBefore(conn,
                olderThanMillis)));
    }

    private int drop(String what, String reason, SqliteStore.Step<List<HeldMessage>> remove) {
        List<HeldMessage> dropped = store.inTransaction(what, conn -> {
            List<HeldMessage> removed = remove.run(conn);
            for (HeldMessage m : removed) {
                DropLog.record(conn, reason, m);
            }
            return removed;
        });
        committed(0, 0, reason, dropped);
        return dropped.size();
    }

    @Override
    public synchronized boolean addJob(BackfillJob job) {
        store.beforeGrowing("add job");
        return store.inTransaction("add job", conn -> JobTable.insert(conn, job));
    }

    @Override
    public synchronized Optional<BackfillJob> job(String requestId) {
        return store.read("read job", conn -> JobTable.find(conn, requestId));
    }

    @Override
    public synchronized List<BackfillJob> unfinishedJobs() {
        return store.read("read jobs", JobTable::unfinished);
    }

    @Override
    public synchronized void sealBackfill(String requestId, List<SealedMessage> batches, List<Segment> segments,
            long progress, long nowMillis) {
        store.beforeGrowing("seal backfill");
        MessageTable.Appended appended = store.inTransaction("seal backfill", conn -> {
            MessageTable.Appended a = append(conn, batches, nowMillis);
            JobTable.addSegments(conn, requestId, segments);
            JobTable.setProgress(conn, requestId, progress);
            return a;
        });
        committed(batches.size(), appended.bytes(), "full", appended.evicted());
    }

    @Override
    public synchronized int pendingMessages(String requestId) {
        return store.read("count job messages", conn -> MessageTable.countOf(conn, requestId));
    }

    @Override
    public synchronized List<Segment> segments(String requestId) {
        return store.read("read segments", conn -> JobTable.segments(conn, requestId));
    }

    @Override
    public synchronized void finishJob(String requestId, List<SealedMessage> statusMessages, long nowMillis) {
        store.beforeGrowing("finish job");
        MessageTable.Appended appended = store.inTransaction("finish job", conn -> {
            MessageTable.Appended a = append(conn, statusMessages, nowMillis);
            JobTable.finish(conn, requestId, nowMillis);
            return a;
        });
        committed(statusMessages.size(), appended.bytes(), "full", appended.evicted());
    }

    @Override
    public synchronized int forgetJobs(long finishedBeforeMillis) {
        return store.inTransaction("forget jobs", conn -> {
            DropLog.prune(conn);
            return JobTable.forget(conn, finishedBeforeMillis);
        });
    }

    @Override
    public synchronized Optional<StoredMessage> heldBatchCovering(String streamId, long index) {
        return store.read("find held batch", conn -> MessageTable.heldBatchCovering(conn, streamId, index));
    }

    @Override
    public synchronized OptionalLong nextHeldStart(String streamId, long index) {
        return store.read("find next held batch", conn -> MessageTable.nextHeldStart(conn, streamId, index));
    }

    @Override
    public synchronized BufferStats stats() {
        long oldest = store.read("read stats", MessageTable::oldestSealedAt);
        return new BufferStats(messages.count(), messages.bytes(), oldest);
    }

    @Override
    public synchronized Map<String, Long> dropCounts() {
        return store.read("read drop counts", DropLog::counts);
    }

    @Override
    public synchronized boolean writable() {
        return store.writable();
    }

    @Override
    public synchronized void close() {
        store.close();
    }

    // Test hooks: the only members here for tests alone.

    /** SQLite's current {@code synchronous} level (2 is FULL). */
    synchronized int synchronousLevel() {
        return store.intPragma("synchronous");
    }

    /** Caps the store's size in pages: the way tests make the disk "full" without a small filesystem. */
    synchronized void limitPages(long maxPageCount) {
        store.setPragma("max_page_count", maxPageCount);
    }
}
