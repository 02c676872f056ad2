package com.reliableedge.edge.buffer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.quarkus.logging.Log;

/**
 * The store's schema, versioned in SQLite's {@code user_version}: an ordered list of forward migrations, step
 * {@code i} taking the store from version {@code i} to {@code i + 1}. Opening a store at version N applies steps N+1
 * up to the latest inside the open's transaction, so a crash leaves it at N or at the latest. A store from before
 * versioning ({@code user_version} 0 with the tables present) is adopted as version 1, its rows kept. A store of a
 * version this build does not know (written by a newer build) is refused, never changed.
 */
final class StoreSchema {

    /** One forward step; runs inside the open's transaction. */
    @FunctionalInterface
    interface Migration {
        void apply(Statement st) throws SQLException;
    }

    /**
     * The store cannot be brought to this build's version: written by a newer build, or a migration step failed. It
     * is left as it was (never quarantined: its rows are intact) and the open is retried later.
     */
    static final class SchemaException extends BufferException {

        SchemaException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Version 1: the schema as it was before versioning. Every statement is {@code IF NOT EXISTS}, so adopting a
     * pre-versioning store through it keeps its rows (and adds the {@code message_sealed} index the earliest builds
     * lacked, as opening did then).
     */
    static final Migration V1 = st -> {
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
    };

    /** This build's migrations, in order: append a step for every change, never edit one that has shipped. */
    static final StoreSchema CURRENT = new StoreSchema(List.of(V1));

    private final List<Migration> migrations;

    StoreSchema(List<Migration> migrations) {
        this.migrations = List.copyOf(migrations);
    }

    /** The version this build writes. */
    int latest() {
        return migrations.size();
    }

    /**
     * Brings the store to {@link #latest()}; the caller holds a write transaction and commits it.
     *
     * @throws SchemaException when the store's version is newer than this build knows, or a step fails
     */
    void migrate(Connection conn, Path file) throws SQLException {
        try (Statement st = conn.createStatement()) {
            int version = userVersion(st);
            if (version > latest()) {
                throw new SchemaException("the store " + file + " has schema version " + version
                        + ", newer than this build's " + latest() + ": run the newer build, or move the store aside"
                        + " to start a fresh one", null);
            }
            if (version < 0) {
                throw new SQLException("schema version " + version + " is not valid");
            }
            if (version == 0 && hasTables(st)) {
                Log.infof("Store %s predates schema versioning: adopting it as version 1", file);
            }
            for (int v = version; v < latest(); v++) {
                try {
                    migrations.get(v).apply(st);
                } catch (SQLException e) {
                    int code = e.getErrorCode() & 0xff;
                    if (code == 11 || code == 26) {
                        throw e; // SQLITE_CORRUPT, SQLITE_NOTADB: unreadable after all, quarantined by the store
                    }
                    throw new SchemaException("cannot migrate the store " + file + " from schema version " + v
                            + " to " + (v + 1), e);
                }
            }
            if (version != latest()) {
                st.execute("PRAGMA user_version = " + latest());
                if (version > 0) {
                    Log.infof("Store %s migrated from schema version %d to %d", file, version, latest());
                }
            }
        }
    }

    static int userVersion(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static boolean hasTables(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name ="
                + " 'message'")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }
}
