package com.reliableedge.edge.source.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.reliableedge.edge.source.SourceAdapter;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.IndexKind;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code relay.source.kind=jdbc} from the app's own configuration: the mapping, the producer, a live feed. */
@QuarkusTest
@TestProfile(JdbcSourceWiringTest.SqliteHistorian.class)
class JdbcSourceWiringTest {

    /** A SQLite historian with one time and one sequence stream, keys as an operator writes them. */
    public static class SqliteHistorian implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path db = Files.createTempDirectory("historian").resolve("plant.db");
                // The driver itself: DriverManager does not see it from the profile's class loader.
                try (Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + db, new java.util.Properties());
                        Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE readings (ts_ms INTEGER, temperature REAL)");
                    s.execute("CREATE TABLE alarms (id INTEGER, code TEXT)");
                }
                return Map.of("relay.source.kind", "jdbc", "relay.source.jdbc.url", "jdbc:sqlite:" + db,
                        "relay.source.jdbc.poll-interval", "50ms", "relay.source.jdbc.settle-lag", "100ms",
                        "relay.source.jdbc.streams.line-1.table", "readings",
                        "relay.source.jdbc.streams.line-1.index-column", "ts_ms",
                        "relay.source.jdbc.streams.alarms.query",
                        "SELECT id, code FROM alarms WHERE id >= ? AND id < ?",
                        "relay.source.jdbc.streams.alarms.index-column", "id",
                        "relay.source.jdbc.streams.alarms.index-kind", "sequence");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Inject
    SourceAdapter source;

    @Test
    void theConfiguredHistorianIsTheSource() {
        assertThat(source).isInstanceOf(JdbcSource.class);
        assertThat(source.streams()).containsExactly(new StreamInfo("alarms", IndexKind.SEQUENCE), new StreamInfo(
                "line-1", IndexKind.TIME));
        // A history read through the adapter the app built.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(source.read("line-1",
                new com.reliableedge.protocol.index.Window(0, 1), 10).readTo()).isEqualTo(1));
    }
}
