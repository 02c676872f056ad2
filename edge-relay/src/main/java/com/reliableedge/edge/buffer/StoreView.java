package com.reliableedge.edge.buffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.sqlite.SQLiteConfig;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * A read-only look at a relay's store, for the buffer tool. The file is opened with SQLite's read-only flag: no
 * schema migration, no {@code journal_mode} change, no checkpoint, no quarantine; under WAL it is one more reader, so
 * it neither blocks the running relay's writes nor is blocked by them. Every read of one instance sees one snapshot
 * (a single read transaction, begun by the first read and ended by {@link #close()}).
 */
public final class StoreView implements AutoCloseable {

    /** The store's file name inside {@code relay.data-dir}. */
    public static final String FILE_NAME = "relay.db";

    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;
    private static final List<String> TABLES = List.of("message", "stream_state", "job", "job_segment", "drop_count",
            "eviction");

    /** The store cannot be read: missing, not SQLite, not a relay store, or of a newer schema. */
    public static final class Unavailable extends Exception {

        private final boolean corrupt;

        Unavailable(String message, boolean corrupt) {
            super(message);
            this.corrupt = corrupt;
        }

        /** SQLite found the file damaged (rather than absent or foreign): {@code verify} calls that broken. */
        public boolean corrupt() {
            return corrupt;
        }
    }

    /** A stored lane, as {@link LanePolicy} numbers them. */
    public enum StoredLane {
        LIVE("live"), LATE("late"), BACKFILL("backfill"), STATUS("backfillStatus");

        private final String label;

        StoredLane(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static StoredLane of(int lane) {
            return switch (lane) {
                case LanePolicy.LANE_LIVE -> LIVE;
                case LanePolicy.LANE_LATE -> LATE;
                case LanePolicy.LANE_BACKFILL -> BACKFILL;
                case LanePolicy.LANE_STATUS -> STATUS;
                default -> throw new IllegalArgumentException("lane " + lane + " is not a known lane");
            };
        }
    }

    /**
     * A message waiting in the store, as stored.
     *
     * @param id its place in seal order
     * @param size the bytes it counts against the buffer's limit (body plus properties)
     * @param body the body as it will be sent (gzipped when {@code contentEncoding} is {@code gzip}); empty when not
     *        read
     */
    public record Waiting(long id, String stream, IndexKind kind, StoredLane lane, Window window, String messageType,
            Long eventCount, String requestId, Long seq, Long streamOrigin, Long lateSeq, String contentEncoding,
            long size, long sealedAtMillis, byte[] body) {
    }

    /** An accepted backfill job with its recorded parts and how many of its messages still wait. */
    public record Job(BackfillJob job, Long finishedAtMillis, List<Segment> segments, int waiting) {
    }

    /** One recorded drop (the newest {@link DropLog#EVICTION_RECORDS_KEPT} are kept). */
    public record Eviction(long id, String reason, String stream, StoredLane lane, Window window, String requestId) {
    }

    private final Path file;
    private final Connection conn;

    private StoreView(Path file, Connection conn) {
        this.file = file;
        this.conn = conn;
    }

    /**
     * Opens {@code file} read-only and checks that it is a relay store this build can read.
     *
     * @throws Unavailable naming the path and what is wrong with it
     */
    public static StoreView open(Path file) throws Unavailable {
        Path abs = file.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            throw new Unavailable("no relay store at " + abs + " (the file does not exist; is relay.data-dir right?)",
                    false);
        }
        if (!Files.isRegularFile(abs)) {
            throw new Unavailable(abs + " is not a file", false);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        Connection conn;
        try {
            conn = config.createConnection("jdbc:sqlite:" + abs);
        } catch (SQLException e) {
            throw new Unavailable("cannot open " + abs + ": " + e.getMessage(), false);
        }
        try {
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA query_only = true");
            }
            // One snapshot for every read: the first SELECT of this transaction fixes it.
            conn.setAutoCommit(false);
            StoreView view = new StoreView(abs, conn);
            view.checkIsRelayStore();
            return view;
        } catch (SQLException e) {
            closeQuietly(conn);
            int code = e.getErrorCode() & 0xff;
            if (code == SQLITE_NOTADB) {
                throw new Unavailable(abs + " is not an SQLite database, so not a relay store (" + e.getMessage()
                        + ")", false);
            }
            throw new Unavailable("cannot read " + abs + ": " + e.getMessage(), code == SQLITE_CORRUPT);
        } catch (Unavailable e) {
            closeQuietly(conn);
            throw e;
        }
    }

    private void checkIsRelayStore() throws SQLException, Unavailable {
        Set<String> present = new TreeSet<>();
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        List<String> missing = TABLES.stream().filter(t -> !present.contains(t)).toList();
        if (!missing.isEmpty()) {
            throw new Unavailable(file + " is not a relay store: it lacks the table(s) " + String.join(", ", missing),
                    false);
        }
        int version = schemaVersion();
        if (version > knownSchemaVersion()) {
            throw new Unavailable("the store " + file + " has schema version " + version + ", newer than this build's "
                    + knownSchemaVersion() + ": use the tool of the build that wrote it", false);
        }
    }

    private static void closeQuietly(Connection conn) {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // Nothing was written: there is nothing to lose.
        }
    }

    public Path file() {
        return file;
    }

    /** The schema version this build writes; a store of version 0 predates versioning (adopted as 1 by the relay). */
    public static int knownSchemaVersion() {
        return StoreSchema.CURRENT.latest();
    }

    public int schemaVersion() throws SQLException {
        try (Statement st = conn.createStatement()) {
            return StoreSchema.userVersion(st);
        }
    }

    /** SQLite's {@code PRAGMA integrity_check}: {@code ["ok"]} when the file is sound, else what is wrong. */
    public List<String> integrityCheck() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check(100)")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    public Map<String, StreamCursor> cursors() throws SQLException {
        return MessageTable.cursors(conn);
    }

    /**
     * Every waiting message, in seal order.
     *
     * @param withBodies read the bodies too (export); without them only their sizes
     */
    public List<Waiting> messages(boolean withBodies) throws SQLException {
        List<Waiting> out = new ArrayList<>();
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, stream, kind, lane, start_index, end_index, message_type,"
                        + " event_count, request_id, seq, stream_origin, late_seq, content_encoding, size, sealed_at, "
                        + (withBodies ? "body" : "NULL") + " FROM message ORDER BY id")) {
            while (rs.next()) {
                byte[] body = withBodies ? rs.getBytes(16) : new byte[0];
                out.add(new Waiting(rs.getLong(1), rs.getString(2), IndexKind.fromWire("kind", rs.getString(3)),
                        StoredLane.of(rs.getInt(4)), new Window(rs.getLong(5), rs.getLong(6)), rs.getString(7),
                        nullableLong(rs, 8), rs.getString(9), nullableLong(rs, 10), nullableLong(rs, 11),
                        nullableLong(rs, 12), rs.getString(13), rs.getLong(14), rs.getLong(15),
                        body == null ? new byte[0] : body));
            }
        }
        return out;
    }

    /** Every accepted backfill job (finished ones until the relay forgets them), oldest first. */
    public List<Job> jobs() throws SQLException {
        List<Job> out = new ArrayList<>();
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT request_id, stream, kind, start_index, end_index, progress,"
                        + " state, edge, attempt, created_at, finished_at FROM job ORDER BY created_at, rowid")) {
            while (rs.next()) {
                BackfillJob job = new BackfillJob(rs.getString(1), rs.getString(2), IndexKind.fromWire("kind", rs
                        .getString(3)), new Window(rs.getLong(4), rs.getLong(5)), rs.getLong(6), BackfillJob.State
                                .valueOf(rs.getString(7)),
                        rs.getInt(8) == 1, rs.getInt(9), rs.getLong(10));
                out.add(new Job(job, nullableLong(rs, 11), JobTable.segments(conn, job.requestId()), MessageTable
                        .countOf(conn, job.requestId())));
            }
        }
        return out;
    }

    /** Drop counts by reason, kept across restarts. */
    public Map<String, Long> dropCounts() throws SQLException {
        return DropLog.counts(conn);
    }

    /** How many drops are recorded with their windows. */
    public long evictionCount() throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM eviction")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The newest {@code max} recorded drops, newest first. */
    public List<Eviction> evictions(int max) throws SQLException {
        List<Eviction> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT id, reason, stream, lane, start_index, end_index,"
                + " request_id FROM eviction ORDER BY id DESC LIMIT ?")) {
            ps.setInt(1, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Long lane = nullableLong(rs, 4);
                    Long start = nullableLong(rs, 5);
                    Long end = nullableLong(rs, 6);
                    out.add(new Eviction(rs.getLong(1), rs.getString(2), rs.getString(3), lane == null
                            ? null
                            : StoredLane.of(lane.intValue()),
                            start == null || end == null || start >= end
                                    ? null
                                    : new Window(start, end),
                            rs.getString(7)));
                }
            }
        }
        return out;
    }

    /** The streams the store knows (with a cursor), by name: for a {@code --stream} that names none. */
    public Map<String, IndexKind> streams() throws SQLException {
        Map<String, IndexKind> out = new LinkedHashMap<>();
        cursors().values().forEach(c -> out.put(c.streamId(), c.kind()));
        return out;
    }

    private static Long nullableLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    /** Ends the read transaction (nothing was written) and closes the file. */
    @Override
    public void close() {
        try {
            conn.rollback();
        } catch (SQLException ignored) {
            // No transaction may be open: nothing to end.
        }
        closeQuietly(conn);
    }
}
