package com.reliableedge.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * The store's schema version in {@code user_version}: a fresh store is created at the latest version, a store from
 * before versioning is adopted as version 1 with its rows, later steps apply in one transaction, and a store of a
 * newer build (or one a step fails on) is refused and left untouched, never quarantined.
 */
class StoreSchemaTest {

    @TempDir
    Path dir;

    private Path store() {
        return dir.resolve("relay.db");
    }

    private SqliteBuffer open(StoreSchema schema) {
        return new SqliteBuffer(store(), "site-7", 1 << 20, 0, DropListener.NONE, Duration.ofDays(1), schema);
    }

    private Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + store().toAbsolutePath());
    }

    private int userVersion() throws SQLException {
        try (Connection c = jdbc(); Statement st = c.createStatement()) {
            return StoreSchema.userVersion(st);
        }
    }

    private boolean tableExists(String name) throws SQLException {
        try (Connection c = jdbc();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }

    private static SealedMessage live(long start) {
        return new SealedMessage(MessageProperties.live("s", IndexKind.SEQUENCE, new Window(start, start + 10), 1,
                start / 10 + 1, 0), "[]".getBytes());
    }

    /** The DDL of the builds before versioning, exactly as they ran it on every open. */
    private void createPreVersioningStore() throws SQLException {
        try (Connection c = jdbc(); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
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
            st.execute("INSERT INTO message (stream, kind, lane, start_index, end_index, message_type, event_count,"
                    + " seq, stream_origin, size, sealed_at, body) VALUES ('s', 'sequence', 0, 0, 10, 'batch', 1, 1,"
                    + " 0, 100, 5, x'5b5d')");
            st.execute("INSERT INTO stream_state VALUES ('s', 'sequence', 10, 1, 0, 0)");
            st.execute("INSERT INTO drop_count VALUES ('full', 3)");
        }
    }

    @Test
    void aFreshStoreIsCreatedAtTheLatestVersion() throws SQLException {
        try (SqliteBuffer b = open(StoreSchema.CURRENT)) {
            b.sealLive(List.of(live(0)), new StreamCursor("s", IndexKind.SEQUENCE, 10, 1, 0, 0), null, 1);
            assertThat(b.writable()).isTrue();
        }
        assertThat(userVersion()).isEqualTo(StoreSchema.CURRENT.latest()).isEqualTo(1);
        for (String table : List.of("message", "stream_state", "job", "job_segment", "drop_count", "eviction",
                "meta")) {
            assertThat(tableExists(table)).as(table).isTrue();
        }
    }

    @Test
    void aStoreFromBeforeVersioningIsAdoptedAsVersion1WithItsRows() throws SQLException {
        createPreVersioningStore();
        assertThat(userVersion()).isZero();
        try (SqliteBuffer b = open(StoreSchema.CURRENT)) {
            assertThat(b.quarantined()).isZero();
            assertThat(b.cursors().get("s").cursor()).isEqualTo(10);
            assertThat(b.dropCounts()).containsEntry("full", 3L);
            assertThat(b.stats().messages()).isEqualTo(1);
            assertThat(b.stats().bytes()).isEqualTo(100);
            assertThat(b.nextToSend(10, Set.of(), 0)).singleElement().satisfies(m -> assertThat(m.properties()
                    .window()).isEqualTo(new Window(0, 10)));
        }
        assertThat(userVersion()).isEqualTo(1);
        assertThat(Files.exists(dir.resolve("quarantine"))).isFalse();
    }

    @Test
    void laterStepsApplyOnceInOrderFromTheStoresVersion() throws SQLException {
        createPreVersioningStore();
        StoreSchema three = new StoreSchema(List.of(StoreSchema.V1, st -> st.execute("CREATE TABLE two (x)"),
                st -> st.execute("INSERT INTO two VALUES ('three')")));
        try (SqliteBuffer b = open(three)) {
            assertThat(b.cursors()).containsKey("s");
        }
        assertThat(userVersion()).isEqualTo(3);
        try (Connection c = jdbc();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT COUNT(*) FROM two")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        // Reopened at its version: no step runs again (a second CREATE TABLE would fail the open).
        try (SqliteBuffer b = open(three)) {
            assertThat(b.writable()).isTrue();
        }
    }

    @Test
    void aFailingStepLeavesTheStoreAtItsVersionUntouched() throws SQLException {
        try (SqliteBuffer b = open(StoreSchema.CURRENT)) {
            b.sealLive(List.of(live(0)), new StreamCursor("s", IndexKind.SEQUENCE, 10, 1, 0, 0), null, 1);
        }
        StoreSchema broken = new StoreSchema(List.of(StoreSchema.V1, st -> st.execute("CREATE TABLE two (x)"),
                st -> st.execute("INSERT INTO nowhere VALUES (1)")));
        try (SqliteBuffer b = open(broken)) {
            assertThat(b.writable()).isFalse();
            assertThatThrownBy(b::cursors).isInstanceOf(BufferException.class).hasMessageContaining(
                    "from schema version 2 to 3");
        }
        assertThat(userVersion()).isEqualTo(1);
        assertThat(tableExists("two")).as("step 2 rolled back with step 3").isFalse();
        assertThat(Files.exists(dir.resolve("quarantine"))).isFalse();
        try (SqliteBuffer b = open(StoreSchema.CURRENT)) {
            assertThat(b.cursors().get("s").cursor()).isEqualTo(10);
        }
    }

    @Test
    void aStoreOfANewerBuildIsRefusedNamingItsPathAndBothVersionsAndLeftAsItIs() throws SQLException {
        try (SqliteBuffer b = open(StoreSchema.CURRENT)) {
            b.sealLive(List.of(live(0)), new StreamCursor("s", IndexKind.SEQUENCE, 10, 1, 0, 0), null, 1);
        }
        try (Connection c = jdbc(); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = 7");
        }
        try (SqliteBuffer b = open(StoreSchema.CURRENT)) {
            assertThat(b.writable()).isFalse();
            assertThatThrownBy(() -> b.sealLive(List.of(live(10)), new StreamCursor("s", IndexKind.SEQUENCE, 20, 2, 0,
                    0), null, 2)).isInstanceOf(BufferException.class).hasMessageContaining(store().toString())
                    .hasMessageContaining("schema version 7").hasMessageContaining("this build's 1");
            assertThat(b.quarantined()).isZero();
        }
        assertThat(userVersion()).isEqualTo(7);
        assertThat(Files.exists(dir.resolve("quarantine"))).isFalse();
        try (Connection c = jdbc();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT cursor FROM stream_state")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(10);
        }
    }
}
