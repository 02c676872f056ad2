package com.reliableedge.edge.source.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.fixtures.PostgresServer;
import com.reliableedge.protocol.index.Window;

/**
 * The jdbc source on a real PostgreSQL (one server for the class), time index as {@code timestamptz}; and a
 * database restart under a live feed.
 */
class JdbcSourcePostgresTest extends JdbcSourceContractTest {

    @TempDir
    static Path dir;
    private static PostgresServer postgres;
    private static Connection writer;

    @BeforeAll
    static void startPostgres() throws SQLException {
        postgres = PostgresServer.start(dir);
        writer = connect();
    }

    @AfterAll
    static void stopPostgres() throws SQLException {
        if (writer != null) {
            writer.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
        try (var s = c.createStatement()) {
            // The test's writes need no durability.
            s.execute("SET synchronous_commit = off");
        }
        return c;
    }

    @Override
    protected void freshDatabase() throws SQLException {
        execute("DROP TABLE IF EXISTS readings");
        execute("DROP TABLE IF EXISTS counts");
        execute("CREATE TABLE readings (ts timestamptz NOT NULL, value double precision, tag text, ok boolean)");
        execute("CREATE INDEX readings_ts ON readings (ts)");
        execute("CREATE TABLE counts (seq bigint NOT NULL, v integer, note text)");
    }

    @Override
    protected JdbcSettings settings(List<JdbcSettings.Stream> streams, Duration lag) {
        return new JdbcSettings(postgres.jdbcUrl(), Optional.of("postgres"), Optional.of("postgres"), Duration.ZERO,
                lag, streams);
    }

    @Override
    protected Connection writer() {
        return writer;
    }

    @Override
    protected JdbcSettings.IndexType timeIndexType() {
        return JdbcSettings.IndexType.TIMESTAMP;
    }

    @Override
    protected void bindTime(PreparedStatement ps, int param, long millis) throws SQLException {
        ps.setTimestamp(param, new Timestamp(millis), RowJson.utc());
    }

    @Override
    protected String okJson(boolean value) {
        return Boolean.toString(value);
    }

    @Test
    void aRestartedDatabaseIsLostThenResumedAndNothingVouchedForIsMissing() throws SQLException {
        JdbcSource a = (JdbcSource) adapter();
        long from = ((LiveUpdate.Resumed) a.poll("line-1", 100)).from();
        List<SourceEvent> live = new ArrayList<>();
        long wm = from;
        for (int i = 0; i < 5; i++) {
            advance(40);
            LiveUpdate.Data d = (LiveUpdate.Data) a.poll("line-1", 10_000);
            live.addAll(d.events());
            wm = d.watermark();
        }
        // Rows inside the lag, not delivered yet when the database goes away.
        advance(60);
        postgres.stop();
        clock.advanceMillis(100);
        assertThat(a.poll("line-1", 10_000)).isInstanceOf(LiveUpdate.Lost.class);
        clock.advanceMillis(100);
        assertThat(a.poll("line-1", 10_000)).isInstanceOf(LiveUpdate.Lost.class);
        postgres.restart();
        writer = connect();
        clock.advanceMillis(100);
        assertThat(a.poll("line-1", 10_000)).isEqualTo(new LiveUpdate.Resumed(wm));
        for (int i = 0; i < 5; i++) {
            advance(40);
            LiveUpdate.Data d = (LiveUpdate.Data) a.poll("line-1", 10_000);
            live.addAll(d.events());
            wm = d.watermark();
        }
        assertThat(wm).isGreaterThan(START + 300);
        HistoryRead h = a.read("line-1", new Window(from, wm), 100_000);
        assertThat(live).extracting(SourceEvent::index).containsExactlyElementsOf(h.events().stream().map(
                SourceEvent::index).toList());
        assertThat(live).hasSizeGreaterThan(40);
    }
}
