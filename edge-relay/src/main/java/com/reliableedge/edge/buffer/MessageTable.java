package com.reliableedge.edge.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.message.MessageType;

/**
 * The {@code message} table (sealed messages by lane, in seal order) and {@code stream_state} (each stream's
 * cursor), with the running totals of what the buffer holds. Runs inside the caller's transaction or read; the totals
 * change only once the caller's transaction is committed ({@link #committed}).
 */
final class MessageTable {

    private static final String COLUMNS = "id, stream, kind, lane, start_index, end_index, message_type, event_count,"
            + " request_id, seq, stream_origin, late_seq, content_encoding, sealed_at, body";
    private static final String HELD_COLUMNS = "id, stream, lane, start_index, end_index, request_id, size";

    private final String deviceId;
    private final long maxBytes;
    private long totalBytes;
    private long totalMessages;

    /**
     * @param deviceId this device: message ids (and so property sizes) depend on it
     * @param maxBytes the most bytes (bodies plus properties) the buffer keeps
     */
    MessageTable(String deviceId, long maxBytes) {
        this.deviceId = deviceId;
        this.maxBytes = maxBytes;
    }

    /** Reads the totals from the store just opened. */
    void loadTotals(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM message")) {
            rs.next();
            totalMessages = rs.getLong(1);
            totalBytes = rs.getLong(2);
        }
    }

    long bytes() {
        return totalBytes;
    }

    long count() {
        return totalMessages;
    }

    /** Brings the totals up to date once a step is committed. */
    void committed(int added, long addedBytes, Collection<HeldMessage> removed) {
        totalBytes += addedBytes;
        totalMessages += added;
        for (HeldMessage m : removed) {
            totalBytes -= m.size();
            totalMessages--;
        }
    }

    /** Brings the totals up to date once an acknowledgement is committed. */
    void acknowledged(long size) {
        totalBytes -= size;
        totalMessages--;
    }

    /** The result of {@link #append}: the bytes added and the messages evicted to make room. */
    record Appended(long bytes, List<HeldMessage> evicted) {
    }

    /** Evicts the oldest messages until the new ones fit ({@link EvictionPolicy}), then inserts them. */
    Appended append(Connection conn, List<SealedMessage> messages, long nowMillis) throws SQLException {
        long incoming = 0;
        long[] sizes = new long[messages.size()];
        for (int i = 0; i < messages.size(); i++) {
            SealedMessage m = messages.get(i);
            sizes[i] = m.body().length + Envelope.of(deviceId, m.properties()).propertiesSize();
            incoming += sizes[i];
        }
        List<HeldMessage> evicted = List.of();
        if (EvictionPolicy.bytesToFree(maxBytes, totalBytes, incoming) > 0) {
            try (PreparedStatement ps = conn.prepareStatement("SELECT " + HELD_COLUMNS + " FROM message ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                evicted = EvictionPolicy.toEvict(maxBytes, totalBytes, incoming, new HeldRows(rs));
            } catch (HeldRows.Failure e) {
                throw e.getCause();
            }
            delete(conn, evicted.stream().map(HeldMessage::id).toList());
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO message (stream, kind, lane, start_index,"
                + " end_index, message_type, event_count, request_id, seq, stream_origin, late_seq, content_encoding,"
                + " size, sealed_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < messages.size(); i++) {
                MessageProperties p = messages.get(i).properties();
                ps.setString(1, p.batchId());
                ps.setString(2, p.indexKind().wireName());
                ps.setInt(3, LanePolicy.laneOf(p));
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
        return new Appended(incoming, evicted);
    }

    /** The held rows of a query, read lazily: eviction stops reading once it has freed enough. */
    private static final class HeldRows implements Iterator<HeldMessage> {

        /** Carries a read failure out of the iterator. */
        static final class Failure extends RuntimeException {

            Failure(SQLException cause) {
                super(cause);
            }

            @Override
            public synchronized SQLException getCause() {
                return (SQLException) super.getCause();
            }
        }

        private final ResultSet rs;
        private Boolean ahead;

        HeldRows(ResultSet rs) {
            this.rs = rs;
        }

        @Override
        public boolean hasNext() {
            if (ahead == null) {
                try {
                    ahead = rs.next();
                } catch (SQLException e) {
                    throw new Failure(e);
                }
            }
            return ahead;
        }

        @Override
        public HeldMessage next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ahead = null;
            try {
                return held(rs);
            } catch (SQLException e) {
                throw new Failure(e);
            }
        }
    }

    private static HeldMessage held(ResultSet rs) throws SQLException {
        return new HeldMessage(rs.getLong(1), rs.getString(2), rs.getInt(3), new Window(rs.getLong(4), rs.getLong(5)),
                rs.getString(6), rs.getLong(7));
    }

    /** Removes an acknowledged message; returns its size, or -1 when it is not (or no longer) held. */
    long remove(Connection conn, long id) throws SQLException {
        long size;
        try (PreparedStatement ps = conn.prepareStatement("SELECT size FROM message WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                size = rs.getLong(1);
            }
        }
        delete(conn, List.of(id));
        return size;
    }

    /** Removes the message {@code id} (refused by the upstream); returns it, or nothing when it is not held. */
    List<HeldMessage> removeRefused(Connection conn, long id) throws SQLException {
        return removeWhere(conn, "id = " + id);
    }

    /** Removes the messages sealed before {@code olderThanMillis}, oldest first. */
    List<HeldMessage> removeSealedBefore(Connection conn, long olderThanMillis) throws SQLException {
        return removeWhere(conn, "sealed_at < " + olderThanMillis);
    }

    private List<HeldMessage> removeWhere(Connection conn, String condition) throws SQLException {
        List<HeldMessage> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT " + HELD_COLUMNS + " FROM message WHERE "
                + condition + " ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(held(rs));
            }
        }
        delete(conn, out.stream().map(HeldMessage::id).toList());
        return out;
    }

    private static void delete(Connection conn, List<Long> ids) throws SQLException {
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

    static void saveCursor(Connection conn, StreamCursor cursor) throws SQLException {
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
    }

    static Map<String, StreamCursor> cursors(Connection conn) throws SQLException {
        Map<String, StreamCursor> out = new LinkedHashMap<>();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT stream, kind, cursor, seq, origin, late_seq FROM stream_state ORDER BY stream");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new StreamCursor(rs.getString(1), IndexKind.fromWire("kind", rs.getString(
                        2)), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
            }
        }
        return out;
    }

    /** Up to {@code max} messages by {@link LanePolicy} tier, each tier one query walking an index in seal order. */
    static List<StoredMessage> nextToSend(Connection conn, int max, Collection<Long> exclude, long liveSinceMillis)
            throws SQLException {
        if (max <= 0) {
            return List.of();
        }
        String notIn = exclude.isEmpty()
                ? ""
                : " AND id NOT IN (" + exclude.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")";
        List<StoredMessage> out = new ArrayList<>();
        for (LanePolicy.Tier tier : LanePolicy.Tier.values()) {
            if (out.size() >= max) {
                break;
            }
            try (PreparedStatement ps = conn.prepareStatement("SELECT " + COLUMNS + " FROM message WHERE " + tier.sql
                    + notIn + " ORDER BY id LIMIT ?")) {
                int i = 1;
                if (tier.bindsLiveSince) {
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
    }

    static OptionalLong oldestLiveStart(Connection conn, String streamId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT MIN(start_index) FROM message WHERE stream = ?"
                + " AND lane = " + LanePolicy.LANE_LIVE)) {
            ps.setString(1, streamId);
            return optionalLong(ps);
        }
    }

    static Optional<StoredMessage> heldBatchCovering(Connection conn, String streamId, long index)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT " + COLUMNS + " FROM message WHERE stream = ? AND "
                + LanePolicy.HELD_LANES_SQL + " AND start_index <= ? AND end_index > ? ORDER BY id LIMIT 1")) {
            ps.setString(1, streamId);
            ps.setLong(2, index);
            ps.setLong(3, index);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(toMessage(rs)) : Optional.empty();
            }
        }
    }

    static OptionalLong nextHeldStart(Connection conn, String streamId, long index) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT MIN(start_index) FROM message WHERE stream = ? AND "
                + LanePolicy.HELD_LANES_SQL + " AND start_index > ?")) {
            ps.setString(1, streamId);
            ps.setLong(2, index);
            return optionalLong(ps);
        }
    }

    /** How many messages of the backfill request are held. */
    static int countOf(Connection conn, String requestId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM message WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The seal time of the oldest message held, -1 when none. */
    static long oldestSealedAt(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT MIN(sealed_at) FROM message")) {
            Long v = rs.next() ? nullableLong(rs, 1) : null;
            return v == null ? -1L : v;
        }
    }

    private static OptionalLong optionalLong(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            Long v = rs.next() ? nullableLong(rs, 1) : null;
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        }
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
                lane == LanePolicy.LANE_BACKFILL, rs.getString(9), nullableLong(rs, 10), nullableLong(rs, 11), null,
                lane == LanePolicy.LANE_LATE, nullableLong(rs, 12), rs.getString(13));
        return new StoredMessage(rs.getLong(1), p, rs.getBytes(15), rs.getLong(14));
    }
}
