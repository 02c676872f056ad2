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
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.message.MessageType;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.logging.Log;

/**
 * The buffer in one SQLite file, in WAL mode with {@code synchronous=FULL}: every committed transaction is fsynced
 * before the commit returns, and SQLite's journal makes each one atomic across a crash or power loss. One
 * connection, serialized by this object's monitor (SQLite has one writer at a time anyway).
 * <p>
 * A file SQLite cannot read (garbled, truncated) is moved to {@code quarantine/} beside it and a fresh store is
 * started; the loss is counted as {@code unreadable}. A full disk surfaces as {@link BufferFullException} and leaves
 * the store as it was; releasing delivered messages still succeeds on a full disk, through the reserve kept by
 * {@link FullDiskGuard}.
 */
public class SqliteBuffer implements BatchBuffer {

    static final int LANE_LIVE = 0;
    static final int LANE_LATE = 1;
    static final int LANE_BACKFILL = 2;
    static final int LANE_STATUS = 3;

    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_NOTADB = 26;

    private static final String COLUMNS = "id, stream, kind, lane, start_index, end_index, message_type, event_count,"
            + " request_id, seq, stream_origin, late_seq, content_encoding, sealed_at, body";

    private final Path file;
    private final String deviceId;
    private final long maxBytes;
    private final DropListener drops;
    private final FullDiskGuard guard;
    private Connection conn;
    private long totalBytes;
    private long totalMessages;
    private int quarantined;
    /** {@code synchronous} is not FULL (during, or after a failed end of, an acknowledgement). */
    private boolean relaxed;
    /** The last write failed for lack of space: not writable until a write succeeds again. */
    private volatile boolean full;
    private final long reopenEveryNanos;
    private long lastOpenAttempt;
    private boolean closed;

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
        this.file = file;
        this.guard = new FullDiskGuard(file, reserveBytes);
        this.deviceId = deviceId;
        this.maxBytes = maxBytes;
        this.drops = drops;
        this.reopenEveryNanos = reopenEvery.toNanos();
        tryOpen();
    }

    private void tryOpen() {
        lastOpenAttempt = System.nanoTime();
        try {
            open();
        } catch (BufferException e) {
            closeQuietly();
            Log.errorf("Store %s cannot be opened (%s); running without it and trying again every %d s", file, e
                    .getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()), TimeUnit.NANOSECONDS
                            .toSeconds(reopenEveryNanos));
        }
    }

    /** The connection, reopening the store when it could not be opened before and it is time to try again. */
    private Connection connection() {
        if (conn == null && !closed && System.nanoTime() - lastOpenAttempt >= reopenEveryNanos) {
            tryOpen();
            if (conn != null) {
                Log.infof("Store %s is open again", file);
            }
        }
        if (conn == null) {
            throw new BufferException(closed ? "the store is closed" : "the store " + file + " cannot be opened", null);
        }
        return conn;
    }

    /** How many unreadable store files this instance moved aside. */
    public synchronized int quarantined() {
        return quarantined;
    }

    public Path file() {
        return file;
    }

    private void open() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new BufferException("cannot create " + file.getParent(), e);
        }
        try {
            connectAndCheck();
        } catch (SQLException | RuntimeException e) {
            Log.errorf("Store %s is unreadable (%s); moving it aside and starting fresh", file, e.getMessage());
            closeQuietly();
            quarantine();
            try {
                connectAndCheck();
                inTransaction("count unreadable store", () -> {
                    countDrop("unreadable", 1);
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
            st.execute("CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " stream TEXT NOT NULL, kind TEXT NOT NULL, lane INTEGER NOT NULL,"
                    + " start_index INTEGER NOT NULL, end_index INTEGER NOT NULL, message_type TEXT NOT NULL,"
                    + " event_count INTEGER, request_id TEXT, seq INTEGER, stream_origin INTEGER, late_seq INTEGER,"
                    + " content_encoding TEXT, size INTEGER NOT NULL, sealed_at INTEGER NOT NULL, body BLOB NOT NULL)");
            st.execute("CREATE INDEX IF NOT EXISTS message_stream ON message (stream, lane, start_index)");
            st.execute("CREATE INDEX IF NOT EXISTS message_request ON message (request_id)");
            st.execute("CREATE INDEX IF NOT EXISTS message_sealed ON message (sealed_at)");
            st.execute("CREATE TABLE IF NOT EXISTS stream_state (stream TEXT PRIMARY KEY, kind TEXT NOT NULL,"
                    + " cursor INTEGER NOT NULL, seq INTEGER NOT NULL, origin INTEGER NOT NULL,"
                    + " late_seq INTEGER NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS job (request_id TEXT PRIMARY KEY, stream TEXT NOT NULL,"
                    + " kind TEXT NOT NULL, start_index INTEGER NOT NULL, end_index INTEGER NOT NULL,"
                    + " progress INTEGER NOT NULL, state TEXT NOT NULL, edge INTEGER NOT NULL,"
                    + " attempt INTEGER NOT NULL, created_at INTEGER NOT NULL, finished_at INTEGER)");
            st.execute("CREATE TABLE IF NOT EXISTS job_segment (request_id TEXT NOT NULL,"
                    + " start_index INTEGER NOT NULL, end_index INTEGER NOT NULL, outcome TEXT NOT NULL, reason TEXT)");
            st.execute("CREATE INDEX IF NOT EXISTS job_segment_request ON job_segment (request_id, start_index)");
            st.execute("CREATE TABLE IF NOT EXISTS drop_count (reason TEXT PRIMARY KEY, count INTEGER NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS eviction (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " reason TEXT NOT NULL, stream TEXT NOT NULL, lane INTEGER, start_index INTEGER,"
                    + " end_index INTEGER, request_id TEXT)");
            st.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)");
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM message")) {
                rs.next();
                totalMessages = rs.getLong(1);
                totalBytes = rs.getLong(2);
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

    /** A step of work inside one transaction. */
    @FunctionalInterface
    private interface Step<T> {
        T run() throws SQLException;
    }

    /** Runs {@code step} as one transaction; with {@code synchronous=FULL} the commit returns once it is on disk. */
    private <T> T inTransaction(String what, Step<T> step) {
        return inTransaction(what, step, true);
    }

    /** @param durable fsync the commit; only an acknowledgement may pass {@code false} */
    private <T> T inTransaction(String what, Step<T> step, boolean durable) {
        connection();
        if (durable && relaxed) {
            // A relaxed acknowledgement could not restore synchronous=FULL: never commit a durable step without it.
            setSynchronous("FULL");
        }
        try (Statement st = conn.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            T result;
            try {
                result = step.run();
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

    private <T> T read(String what, Step<T> step) {
        connection();
        try {
            return step.run();
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
                    countDrop("unreadable", 1);
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

    @Override
    public synchronized Map<String, StreamCursor> cursors() {
        return read("read cursors", () -> {
            Map<String, StreamCursor> out = new LinkedHashMap<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT stream, kind, cursor, seq, origin, late_seq FROM stream_state ORDER BY stream");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new StreamCursor(rs.getString(1), IndexKind.fromWire("kind", rs
                            .getString(2)), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
                }
            }
            return out;
        });
    }

    @Override
    public synchronized void sealLive(List<SealedMessage> messages, StreamCursor cursor, BackfillJob healJob,
            long nowMillis) {
        List<Eviction> evicted = new ArrayList<>();
        long[] added = new long[1];
        beforeGrowing("seal");
        inTransaction("seal", () -> {
            added[0] = makeRoomAndInsert(messages, nowMillis, evicted);
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO stream_state"
                    + " (stream, kind, cursor, seq, origin, late_seq) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT(stream) DO UPDATE SET cursor = excluded.cursor, seq = excluded.seq,"
                    + " origin = excluded.origin, late_seq = excluded.late_seq")) {
                ps.setString(1, cursor.streamId());
                ps.setString(2, cursor.kind().wireName());
                ps.setLong(3, cursor.cursor());
                ps.setLong(4, cursor.seq());
                ps.setLong(5, cursor.streamOrigin());
                ps.setLong(6, cursor.lateSeq());
                ps.executeUpdate();
            }
            if (healJob != null) {
                insertJob(healJob);
            }
            return null;
        });
        afterInsert(messages.size(), added[0], evicted);
    }

    private record Eviction(String reason, String stream, Window window, long size) {
    }

    /** Evicts the oldest messages until the new ones fit, then inserts them; returns the bytes added. */
    private long makeRoomAndInsert(List<SealedMessage> messages, long nowMillis, List<Eviction> evicted)
            throws SQLException {
        long incoming = 0;
        long[] sizes = new long[messages.size()];
        for (int i = 0; i < messages.size(); i++) {
            SealedMessage m = messages.get(i);
            sizes[i] = m.body().length + Envelope.of(deviceId, m.properties()).propertiesSize();
            incoming += sizes[i];
        }
        long room = maxBytes - totalBytes;
        if (incoming > room) {
            long freed = 0;
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT id, stream, kind, lane, start_index, end_index, request_id, size FROM message ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (incoming > room + freed && rs.next()) {
                    ids.add(rs.getLong(1));
                    freed += rs.getLong(8);
                    Window w = new Window(rs.getLong(5), rs.getLong(6));
                    evicted.add(new Eviction("full", rs.getString(2), w, rs.getLong(8)));
                    recordEviction("full", rs.getString(2), rs.getInt(4), w, rs.getString(7));
                }
            }
            deleteIds(ids);
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO message (stream, kind, lane, start_index,"
                + " end_index, message_type, event_count, request_id, seq, stream_origin, late_seq, content_encoding,"
                + " size, sealed_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < messages.size(); i++) {
                MessageProperties p = messages.get(i).properties();
                ps.setString(1, p.batchId());
                ps.setString(2, p.indexKind().wireName());
                ps.setInt(3, laneOf(p));
                ps.setLong(4, p.window().start());
                ps.setLong(5, p.window().end());
                ps.setString(6, p.messageType().wireName());
                setNullable(ps, 7, p.eventCount() == null ? null : p.eventCount().longValue());
                ps.setString(8, p.backfillRequestId());
                setNullable(ps, 9, p.seq());
                setNullable(ps, 10, p.streamOrigin());
                setNullable(ps, 11, p.lateSeq());
                ps.setString(12, p.contentEncoding());
                ps.setLong(13, sizes[i]);
                ps.setLong(14, nowMillis);
                ps.setBytes(15, messages.get(i).body());
                ps.addBatch();
            }
            if (!messages.isEmpty()) {
                ps.executeBatch();
            }
        }
        return incoming;
    }

    /** Brings the in-memory totals up to date once the step is committed, and reports what it evicted. */
    private void afterInsert(int count, long bytes, List<Eviction> evicted) {
        totalBytes += bytes;
        totalMessages += count;
        for (Eviction e : evicted) {
            totalBytes -= e.size();
            totalMessages--;
            drops.dropped(e.reason(), e.stream(), e.window());
        }
    }

    private void recordEviction(String reason, String stream, int lane, Window window, String requestId)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO eviction (reason, stream, lane, start_index,"
                + " end_index, request_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, reason);
            ps.setString(2, stream);
            ps.setInt(3, lane);
            ps.setLong(4, window.start());
            ps.setLong(5, window.end());
            ps.setString(6, requestId);
            ps.executeUpdate();
        }
        if (lane == LANE_BACKFILL && requestId != null) {
            try (PreparedStatement ps = conn.prepareStatement("UPDATE job_segment SET outcome = ?, reason = ?"
                    + " WHERE request_id = ? AND start_index = ? AND end_index = ?")) {
                ps.setString(1, BackfillStatus.Outcome.FAILED.wireName());
                ps.setString(2, reason.equals("rejected") ? "rejected" : "evicted");
                ps.setString(3, requestId);
                ps.setLong(4, window.start());
                ps.setLong(5, window.end());
                ps.executeUpdate();
            }
        }
        countDrop(reason, 1);
    }

    private void countDrop(String reason, long n) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO drop_count (reason, count) VALUES (?, ?)"
                + " ON CONFLICT(reason) DO UPDATE SET count = count + excluded.count")) {
            ps.setString(1, reason);
            ps.setLong(2, n);
            ps.executeUpdate();
        }
    }

    private void deleteIds(List<Long> ids) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM message WHERE id = ?")) {
            for (long id : ids) {
                ps.setLong(1, id);
                ps.addBatch();
            }
            if (!ids.isEmpty()) {
                ps.executeBatch();
            }
        }
    }

    private static int laneOf(MessageProperties p) {
        if (p.messageType() == MessageType.BACKFILL_STATUS) {
            return LANE_STATUS;
        }
        if (p.backfill()) {
            return LANE_BACKFILL;
        }
        return p.late() ? LANE_LATE : LANE_LIVE;
    }

    private static void setNullable(PreparedStatement ps, int i, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, value);
        }
    }

    private static Long nullableLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static StoredMessage toMessage(ResultSet rs) throws SQLException {
        int lane = rs.getInt(4);
        IndexKind kind = IndexKind.fromWire("kind", rs.getString(3));
        Long count = nullableLong(rs, 8);
        MessageProperties p = new MessageProperties(rs.getString(2), kind, new Window(rs.getLong(5), rs.getLong(6)),
                MessageType.fromWire(rs.getString(7)), count == null ? null : count.intValue(),
                lane == LANE_BACKFILL, rs.getString(9), nullableLong(rs, 10), nullableLong(rs, 11), null,
                lane == LANE_LATE, nullableLong(rs, 12), rs.getString(13));
        return new StoredMessage(rs.getLong(1), p, rs.getBytes(15), rs.getLong(14));
    }

    /** The three lanes, each as a query that walks an index in seal order and stops at its limit. */
    private static final String[] LANE_QUERIES = {
            "lane <= " + LANE_LATE + " AND sealed_at >= ?",
            "lane <= " + LANE_LATE + " AND sealed_at < ?",
            "lane >= " + LANE_BACKFILL};

    @Override
    public synchronized List<StoredMessage> nextToSend(int max, Collection<Long> exclude, long liveSinceMillis) {
        if (max <= 0) {
            return List.of();
        }
        String notIn = exclude.isEmpty()
                ? ""
                : " AND id NOT IN (" + exclude.stream().map(String::valueOf)
                        .collect(Collectors.joining(",")) + ")";
        return read("read next messages", () -> {
            List<StoredMessage> out = new ArrayList<>();
            for (int lane = 0; lane < LANE_QUERIES.length && out.size() < max; lane++) {
                try (PreparedStatement ps = conn.prepareStatement("SELECT " + COLUMNS + " FROM message WHERE "
                        + LANE_QUERIES[lane] + notIn + " ORDER BY id LIMIT ?")) {
                    int i = 1;
                    if (lane < 2) {
                        ps.setLong(i++, liveSinceMillis);
                    }
                    ps.setInt(i, max - out.size());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(toMessage(rs));
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public synchronized OptionalLong oldestLiveStart(String streamId) {
        return read("read backlog", () -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT MIN(start_index) FROM message WHERE stream = ? AND lane = " + LANE_LIVE)) {
                ps.setString(1, streamId);
                try (ResultSet rs = ps.executeQuery()) {
                    Long v = rs.next() ? nullableLong(rs, 1) : null;
                    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
                }
            }
        });
    }

    /** Refuses a write that takes space while the disk has none to spare (see {@link FullDiskGuard}). */
    private void beforeGrowing(String what) {
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
    private <T> T releasing(String what, Supplier<T> step) {
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

    /** How many times the disk reserve was given up. */
    public long reserveUses() {
        return guard.reserve().uses();
    }

    /** Whether the disk reserve is in place (true when none is kept). */
    public boolean reservePresent() {
        return guard.reserve().present();
    }

    @Override
    public synchronized void acknowledge(long id) {
        releasing("acknowledge", () -> {
            acknowledgeOnce(id);
            return null;
        });
    }

    private void acknowledgeOnce(long id) {
        long[] size = new long[1];
        // An acknowledgement need not be fsynced: if a crash loses it, the message is sent again under the same
        // messageId, which the cloud ignores. The next sealing commit (synchronous=FULL) syncs it anyway. This halves
        // the fsyncs on the hot path.
        setSynchronous("NORMAL");
        int removed;
        try {
            removed = inTransaction("acknowledge", () -> {
                try (PreparedStatement ps = conn.prepareStatement("SELECT size FROM message WHERE id = ?")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return 0;
                        }
                        size[0] = rs.getLong(1);
                    }
                }
                deleteIds(List.of(id));
                return 1;
            }, false);
        } finally {
            try {
                setSynchronous("FULL");
            } catch (BufferException e) {
                Log.warnf("Cannot restore synchronous=FULL after an acknowledgement (%s); retrying before the next"
                        + " write", e.getMessage());
            }
        }
        totalBytes -= size[0];
        totalMessages -= removed;
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

    @Override
    public synchronized void reject(long id, String reason) {
        releasing("reject", () -> dropWhere("reject", "id = " + id, reason));
    }

    @Override
    public synchronized int expire(long olderThanMillis) {
        return releasing("expire", () -> dropWhere("expire", "sealed_at < " + olderThanMillis, "expired"));
    }

    private int dropWhere(String what, String condition, String reason) {
        List<Eviction> evicted = new ArrayList<>();
        inTransaction(what, () -> {
            evicted.clear();
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT id, stream, lane, start_index, end_index, request_id, size FROM message WHERE "
                            + condition + " ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    Window w = new Window(rs.getLong(4), rs.getLong(5));
                    recordEviction(reason, rs.getString(2), rs.getInt(3), w, rs.getString(6));
                    evicted.add(new Eviction(reason, rs.getString(2), w, rs.getLong(7)));
                }
            }
            deleteIds(ids);
            return null;
        });
        afterInsert(0, 0, evicted);
        return evicted.size();
    }

    @Override
    public synchronized boolean addJob(BackfillJob job) {
        beforeGrowing("add job");
        return inTransaction("add job", () -> insertJob(job));
    }

    private boolean insertJob(BackfillJob job) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT OR IGNORE INTO job (request_id, stream, kind,"
                + " start_index, end_index, progress, state, edge, attempt, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, job.requestId());
            ps.setString(2, job.streamId());
            ps.setString(3, job.kind().wireName());
            ps.setLong(4, job.window().start());
            ps.setLong(5, job.window().end());
            ps.setLong(6, job.progress());
            ps.setString(7, job.state().name());
            ps.setInt(8, job.edgeOriginated() ? 1 : 0);
            ps.setInt(9, job.attempt());
            ps.setLong(10, job.createdAtMillis());
            return ps.executeUpdate() == 1;
        }
    }

    private static final String JOB_COLUMNS = "request_id, stream, kind, start_index, end_index, progress, state,"
            + " edge, attempt, created_at";

    private static BackfillJob toJob(ResultSet rs) throws SQLException {
        return new BackfillJob(rs.getString(1), rs.getString(2), IndexKind.fromWire("kind", rs.getString(3)),
                new Window(rs.getLong(4), rs.getLong(5)), rs.getLong(6), BackfillJob.State.valueOf(rs.getString(7)),
                rs.getInt(8) == 1, rs.getInt(9), rs.getLong(10));
    }

    @Override
    public synchronized Optional<BackfillJob> job(String requestId) {
        return read("read job", () -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT " + JOB_COLUMNS
                    + " FROM job WHERE request_id = ?")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(toJob(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public synchronized List<BackfillJob> unfinishedJobs() {
        return read("read jobs", () -> {
            List<BackfillJob> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT " + JOB_COLUMNS
                    + " FROM job WHERE state <> 'DONE' ORDER BY created_at, rowid");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(toJob(rs));
                }
            }
            return out;
        });
    }

    @Override
    public synchronized void sealBackfill(String requestId, List<SealedMessage> batches, List<Segment> segments,
            long progress, long nowMillis) {
        List<Eviction> evicted = new ArrayList<>();
        long[] added = new long[1];
        beforeGrowing("seal backfill");
        inTransaction("seal backfill", () -> {
            added[0] = makeRoomAndInsert(batches, nowMillis, evicted);
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO job_segment (request_id, start_index,"
                    + " end_index, outcome, reason) VALUES (?, ?, ?, ?, ?)")) {
                for (Segment s : segments) {
                    ps.setString(1, requestId);
                    ps.setLong(2, s.window().start());
                    ps.setLong(3, s.window().end());
                    ps.setString(4, s.outcome().wireName());
                    ps.setString(5, s.reason());
                    ps.addBatch();
                }
                if (!segments.isEmpty()) {
                    ps.executeBatch();
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("UPDATE job SET progress = ?, state = CASE WHEN ? >="
                    + " end_index THEN 'SERVED' ELSE state END WHERE request_id = ?")) {
                ps.setLong(1, progress);
                ps.setLong(2, progress);
                ps.setString(3, requestId);
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("no job " + requestId);
                }
            }
            return null;
        });
        afterInsert(batches.size(), added[0], evicted);
    }

    @Override
    public synchronized int pendingMessages(String requestId) {
        return read("count job messages", () -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM message WHERE request_id = ?")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public synchronized List<Segment> segments(String requestId) {
        return read("read segments", () -> {
            List<Segment> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT start_index, end_index, outcome, reason"
                    + " FROM job_segment WHERE request_id = ? ORDER BY start_index")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Segment(new Window(rs.getLong(1), rs.getLong(2)), BackfillStatus.Outcome
                                .fromWire(rs.getString(3)), rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public synchronized void finishJob(String requestId, List<SealedMessage> statusMessages, long nowMillis) {
        List<Eviction> evicted = new ArrayList<>();
        long[] added = new long[1];
        beforeGrowing("finish job");
        inTransaction("finish job", () -> {
            added[0] = makeRoomAndInsert(statusMessages, nowMillis, evicted);
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE job SET state = 'DONE', finished_at = ? WHERE request_id = ?")) {
                ps.setLong(1, nowMillis);
                ps.setString(2, requestId);
                ps.executeUpdate();
            }
            return null;
        });
        afterInsert(statusMessages.size(), added[0], evicted);
    }

    /** How many eviction records are kept; older ones are pruned (the counts in {@code drop_count} stay). */
    static final int EVICTION_RECORDS_KEPT = 10_000;

    @Override
    public synchronized int forgetJobs(long finishedBeforeMillis) {
        return inTransaction("forget jobs", () -> {
            try (Statement st = conn.createStatement()) {
                st.executeUpdate("DELETE FROM eviction WHERE id <= (SELECT MAX(id) FROM eviction) - "
                        + EVICTION_RECORDS_KEPT);
            }
            try (PreparedStatement segments = conn.prepareStatement("DELETE FROM job_segment WHERE request_id IN"
                    + " (SELECT request_id FROM job WHERE state = 'DONE' AND finished_at < ?)");
                    PreparedStatement jobs = conn.prepareStatement(
                            "DELETE FROM job WHERE state = 'DONE' AND finished_at < ?")) {
                segments.setLong(1, finishedBeforeMillis);
                segments.executeUpdate();
                jobs.setLong(1, finishedBeforeMillis);
                return jobs.executeUpdate();
            }
        });
    }

    @Override
    public synchronized Optional<StoredMessage> heldBatchCovering(String streamId, long index) {
        return read("find held batch", () -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT " + COLUMNS + " FROM message WHERE stream = ?"
                    + " AND lane IN (" + LANE_LIVE + ", " + LANE_BACKFILL + ") AND start_index <= ? AND end_index > ?"
                    + " ORDER BY id LIMIT 1")) {
                ps.setString(1, streamId);
                ps.setLong(2, index);
                ps.setLong(3, index);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(toMessage(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public synchronized OptionalLong nextHeldStart(String streamId, long index) {
        return read("find next held batch", () -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT MIN(start_index) FROM message WHERE stream = ?"
                    + " AND lane IN (" + LANE_LIVE + ", " + LANE_BACKFILL + ") AND start_index > ?")) {
                ps.setString(1, streamId);
                ps.setLong(2, index);
                try (ResultSet rs = ps.executeQuery()) {
                    Long v = rs.next() ? nullableLong(rs, 1) : null;
                    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
                }
            }
        });
    }

    @Override
    public synchronized BufferStats stats() {
        long oldest = read("read stats", () -> {
            try (Statement st = conn.createStatement();
                    ResultSet rs = st.executeQuery("SELECT MIN(sealed_at) FROM message")) {
                Long v = rs.next() ? nullableLong(rs, 1) : null;
                return v == null ? -1L : v;
            }
        });
        return new BufferStats(totalMessages, totalBytes, oldest);
    }

    @Override
    public synchronized Map<String, Long> dropCounts() {
        return read("read drop counts", () -> {
            Map<String, Long> out = new LinkedHashMap<>();
            try (Statement st = conn.createStatement();
                    ResultSet rs = st.executeQuery("SELECT reason, count FROM drop_count ORDER BY reason")) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    @Override
    public synchronized boolean writable() {
        if (full) {
            return false;
        }
        try {
            beforeGrowing("probe");
            inTransaction("probe", () -> {
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO meta (key, value) VALUES ('probe', ?)"
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

    /** SQLite's current {@code synchronous} level (2 is FULL), for tests. */
    synchronized int synchronousLevel() {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA synchronous")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new BufferException("cannot read synchronous", e);
        }
    }

    /** Caps the store's size in pages: the way tests make the disk "full" without a small filesystem. */
    synchronized void limitPages(long maxPageCount) {
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA max_page_count = " + maxPageCount);
        } catch (SQLException e) {
            throw new BufferException("cannot set max_page_count", e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeQuietly();
    }
}
