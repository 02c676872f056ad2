package com.reliableedge.edge.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillStatus;

/**
 * The {@code job} and {@code job_segment} tables: accepted backfill jobs, their progress, and the outcome of each part
 * served. Runs inside the caller's transaction or read.
 */
final class JobTable {

    private static final String JOB_COLUMNS = "request_id, stream, kind, start_index, end_index, progress, state,"
            + " edge, attempt, created_at";

    private JobTable() {
    }

    /** @return {@code false} (and nothing written) when the request id is already known */
    static boolean insert(Connection conn, BackfillJob job) throws SQLException {
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

    private static BackfillJob toJob(ResultSet rs) throws SQLException {
        return new BackfillJob(rs.getString(1), rs.getString(2), IndexKind.fromWire("kind", rs.getString(3)),
                new Window(rs.getLong(4), rs.getLong(5)), rs.getLong(6), BackfillJob.State.valueOf(rs.getString(7)),
                rs.getInt(8) == 1, rs.getInt(9), rs.getLong(10));
    }

    static Optional<BackfillJob> find(Connection conn, String requestId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT " + JOB_COLUMNS + " FROM job WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(toJob(rs)) : Optional.empty();
            }
        }
    }

    static List<BackfillJob> unfinished(Connection conn) throws SQLException {
        List<BackfillJob> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT " + JOB_COLUMNS
                + " FROM job WHERE state <> 'DONE' ORDER BY created_at, rowid");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(toJob(rs));
            }
        }
        return out;
    }

    static void addSegments(Connection conn, String requestId, List<Segment> segments) throws SQLException {
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
    }

    /** Moves the job's progress; it becomes {@code SERVED} once the progress reaches its window's end. */
    static void setProgress(Connection conn, String requestId, long progress) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("UPDATE job SET progress = ?, state = CASE WHEN ? >="
                + " end_index THEN 'SERVED' ELSE state END WHERE request_id = ?")) {
            ps.setLong(1, progress);
            ps.setLong(2, progress);
            ps.setString(3, requestId);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("no job " + requestId);
            }
        }
    }

    static void finish(Connection conn, String requestId, long nowMillis) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "UPDATE job SET state = 'DONE', finished_at = ? WHERE request_id = ?")) {
            ps.setLong(1, nowMillis);
            ps.setString(2, requestId);
            ps.executeUpdate();
        }
    }

    static List<Segment> segments(Connection conn, String requestId) throws SQLException {
        List<Segment> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT start_index, end_index, outcome, reason"
                + " FROM job_segment WHERE request_id = ? ORDER BY start_index")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Segment(new Window(rs.getLong(1), rs.getLong(2)), BackfillStatus.Outcome.fromWire(rs
                            .getString(3)), rs.getString(4)));
                }
            }
        }
        return out;
    }

    /** A backfill batch left the buffer unsent: the part it served turns to failed. */
    static void failSegment(Connection conn, String requestId, Window window, String reason) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("UPDATE job_segment SET outcome = ?, reason = ?"
                + " WHERE request_id = ? AND start_index = ? AND end_index = ?")) {
            ps.setString(1, BackfillStatus.Outcome.FAILED.wireName());
            ps.setString(2, reason);
            ps.setString(3, requestId);
            ps.setLong(4, window.start());
            ps.setLong(5, window.end());
            ps.executeUpdate();
        }
    }

    /** Forgets jobs (and their segments) finished before {@code finishedBeforeMillis}; returns how many. */
    static int forget(Connection conn, long finishedBeforeMillis) throws SQLException {
        try (PreparedStatement segments = conn.prepareStatement("DELETE FROM job_segment WHERE request_id IN"
                + " (SELECT request_id FROM job WHERE state = 'DONE' AND finished_at < ?)");
                PreparedStatement jobs = conn.prepareStatement(
                        "DELETE FROM job WHERE state = 'DONE' AND finished_at < ?")) {
            segments.setLong(1, finishedBeforeMillis);
            segments.executeUpdate();
            jobs.setLong(1, finishedBeforeMillis);
            return jobs.executeUpdate();
        }
    }
}
