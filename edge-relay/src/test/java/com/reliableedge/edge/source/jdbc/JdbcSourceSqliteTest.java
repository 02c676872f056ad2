package com.reliableedge.edge.source.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.protocol.index.IndexKind;

/** The jdbc source on SQLite (a file in a temporary directory), time index as epoch-millisecond integers. */
class JdbcSourceSqliteTest extends JdbcSourceContractTest {

    @TempDir
    Path dir;
    private int databases;
    private String url;
    private Connection writer;

    @Override
    protected void freshDatabase() throws SQLException {
        closeWriter();
        url = "jdbc:sqlite:" + dir.resolve("historian-" + databases++ + ".db");
        writer = DriverManager.getConnection(url);
        // The test's writes need no durability; WAL lets the adapter read beside them.
        execute("PRAGMA journal_mode=WAL");
        execute("PRAGMA synchronous=OFF");
        execute("CREATE TABLE readings (ts INTEGER NOT NULL, value REAL, tag TEXT, ok BOOLEAN)");
        execute("CREATE INDEX readings_ts ON readings (ts)");
        execute("CREATE TABLE counts (seq INTEGER NOT NULL, v INTEGER, note TEXT)");
    }

    @Override
    protected JdbcSettings settings(List<JdbcSettings.Stream> streams, Duration lag) {
        return new JdbcSettings(url, Optional.empty(), Optional.empty(), Duration.ZERO, lag, streams);
    }

    @Override
    protected Connection writer() {
        return writer;
    }

    @Override
    protected JdbcSettings.IndexType timeIndexType() {
        return JdbcSettings.IndexType.INTEGER;
    }

    @Override
    protected void bindTime(PreparedStatement ps, int param, long millis) throws SQLException {
        ps.setLong(param, millis);
    }

    @Override
    protected String okJson(boolean value) {
        return value ? "1" : "0";
    }

    @AfterEach
    void closeWriter() throws SQLException {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    private JdbcSource with(JdbcSettings.Stream stream) {
        return new JdbcSource(settings(List.of(stream), Duration.ofMillis(LAG)), clock, clock);
    }

    @Test
    void anUnknownColumnStopsTheStartupNamingTheKey() throws SQLException {
        freshDatabase();
        assertThatThrownBy(() -> with(new JdbcSettings.Stream("line-1", Optional.of("readings"), Optional.empty(),
                "ts", List.of("value", "pressure"), IndexKind.TIME, JdbcSettings.IndexType.INTEGER)))
                .hasMessageStartingWith(
                        "relay.source.jdbc.streams.line-1.value-columns: 'pressure' is not a column of readings");
        assertThatThrownBy(() -> with(new JdbcSettings.Stream("line-1", Optional.of("readings"), Optional.empty(),
                "time", List.of(), IndexKind.TIME, JdbcSettings.IndexType.INTEGER))).hasMessageStartingWith(
                        "relay.source.jdbc.streams.line-1.index-column: 'time' is not a column of readings");
        assertThatThrownBy(() -> with(new JdbcSettings.Stream("line-1", Optional.of("nowhere"), Optional.empty(),
                "ts", List.of(), IndexKind.TIME, JdbcSettings.IndexType.INTEGER))).hasMessageStartingWith(
                        "relay.source.jdbc.streams.line-1.table: 'nowhere' cannot be read");
        assertThatThrownBy(() -> with(new JdbcSettings.Stream("seq-1", Optional.empty(), Optional.of(
                "SELECT seq, v FROM counts WHERE seq >= ?"), "seq", List.of(), IndexKind.SEQUENCE,
                JdbcSettings.IndexType.INTEGER))).hasMessageContaining("relay.source.jdbc.streams.seq-1.query")
                .hasMessageContaining("has 1 parameters");
    }

    @Test
    void columnNamesMatchRegardlessOfCaseAndAValueColumnNamedIndexIsRefused() throws SQLException {
        freshDatabase();
        execute("CREATE TABLE t2 (Stamp INTEGER, \"index\" INTEGER)");
        execute("INSERT INTO t2 VALUES (5, 1)");
        assertThatThrownBy(() -> with(new JdbcSettings.Stream("t2", Optional.of("t2"), Optional.empty(), "stamp",
                List.of(), IndexKind.SEQUENCE, JdbcSettings.IndexType.INTEGER))).hasMessageContaining(
                        "relay.source.jdbc.streams.t2.value-columns: a value column named 'index'");
        execute("CREATE TABLE t3 (Stamp INTEGER, Reading REAL)");
        execute("INSERT INTO t3 VALUES (5, 1.5)");
        try (JdbcSource a = with(new JdbcSettings.Stream("t3", Optional.of("t3"), Optional.empty(), "stamp", List.of(
                "READING"), IndexKind.SEQUENCE, JdbcSettings.IndexType.INTEGER))) {
            assertThat(new String(a.read("t3", new com.reliableedge.protocol.index.Window(0, 10), 10).events().get(0)
                    .json(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"index\":\"5\",\"Reading\":1.5}");
        }
    }

    @Test
    void anUnreachableDatabaseIsLostThenResumedFromTheWatermark() throws Exception {
        adapter();
        JdbcSource a = open(Duration.ofMillis(LAG));
        long from = ((LiveUpdate.Resumed) a.poll("line-1", 100)).from();
        clock.advanceMillis(50);
        long wm = ((LiveUpdate.Data) a.poll("line-1", 100)).watermark();
        assertThat(wm).isEqualTo(from + 50);
        execute("ALTER TABLE readings RENAME TO readings_away");
        clock.advanceMillis(50);
        assertThat(a.poll("line-1", 100)).isInstanceOf(LiveUpdate.Lost.class);
        clock.advanceMillis(50);
        assertThat(a.poll("line-1", 100)).isInstanceOf(LiveUpdate.Lost.class);
        execute("ALTER TABLE readings_away RENAME TO readings");
        clock.advanceMillis(50);
        assertThat(a.poll("line-1", 100)).isEqualTo(new LiveUpdate.Resumed(wm));
        clock.advanceMillis(50);
        LiveUpdate.Data d = (LiveUpdate.Data) a.poll("line-1", 100);
        assertThat(d.events()).extracting(e -> e.index()).startsWith(wm);
    }
}
