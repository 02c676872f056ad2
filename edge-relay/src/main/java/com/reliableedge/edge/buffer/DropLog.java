package com.reliableedge.edge.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the buffer dropped without an acknowledgement: the {@code drop_count} table (counts by reason, kept across
 * restarts) and the {@code eviction} table (each drop with its window, the newest {@link #EVICTION_RECORDS_KEPT}).
 */
final class DropLog {

    /** How many eviction records are kept; older ones are pruned (the counts in {@code drop_count} stay). */
    static final int EVICTION_RECORDS_KEPT = 10_000;

    private DropLog() {
    }

    /** Records the drop of {@code m} and counts it; a dropped backfill batch turns the part it served to failed. */
    static void record(Connection conn, String reason, HeldMessage m) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO eviction (reason, stream, lane, start_index,"
                + " end_index, request_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, reason);
            ps.setString(2, m.stream());
            ps.setInt(3, m.lane());
            ps.setLong(4, m.window().start());
            ps.setLong(5, m.window().end());
            ps.setString(6, m.requestId());
            ps.executeUpdate();
        }
        if (m.lane() == LanePolicy.LANE_BACKFILL && m.requestId() != null) {
            JobTable.failSegment(conn, m.requestId(), m.window(), reason.equals("rejected") ? "rejected" : "evicted");
        }
        count(conn, reason, 1);
    }

    static void count(Connection conn, String reason, long n) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO drop_count (reason, count) VALUES (?, ?)"
                + " ON CONFLICT(reason) DO UPDATE SET count = count + excluded.count")) {
            ps.setString(1, reason);
            ps.setLong(2, n);
            ps.executeUpdate();
        }
    }

    static Map<String, Long> counts(Connection conn) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT reason, count FROM drop_count ORDER BY reason")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** Forgets all but the newest {@link #EVICTION_RECORDS_KEPT} eviction records. */
    static void prune(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.executeUpdate("DELETE FROM eviction WHERE id <= (SELECT MAX(id) FROM eviction) - "
                    + EVICTION_RECORDS_KEPT);
        }
    }
}
