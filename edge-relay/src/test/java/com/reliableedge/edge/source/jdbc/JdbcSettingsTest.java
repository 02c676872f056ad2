package com.reliableedge.edge.source.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.protocol.index.IndexKind;

/** {@code relay.source.jdbc.*} checks: each bad value stops the startup with the key and the value. */
class JdbcSettingsTest {

    private record Stream(Optional<String> table, Optional<String> query, Optional<String> indexColumn,
            Optional<List<String>> valueColumns, String indexKind, String indexType) implements RelayConfig.JdbcStream {
    }

    private record Jdbc(Optional<String> url, Optional<String> user, Optional<String> password, Duration pollInterval,
            Duration settleLag, Map<String, RelayConfig.JdbcStream> streams) implements RelayConfig.Jdbc {
    }

    private static Stream table(String table, String index, String kind, String type, String... values) {
        return new Stream(Optional.of(table), Optional.empty(), Optional.ofNullable(index), Optional.of(List.of(
                values)), kind, type);
    }

    private static Jdbc jdbc(String id, Stream s) {
        return new Jdbc(Optional.of("jdbc:sqlite:x.db"), Optional.empty(), Optional.empty(), Duration.ofSeconds(1),
                Duration.ofSeconds(5), Map.of(id, s));
    }

    @Test
    void aGoodStreamIsRead() {
        JdbcSettings s = JdbcSettings.from(jdbc("line-1", table("plant.readings", "ts", "time", "timestamp", "v",
                "q")));
        assertThat(s.streams()).containsExactly(new JdbcSettings.Stream("line-1", Optional.of("plant.readings"),
                Optional.empty(), "ts", List.of("v", "q"), IndexKind.TIME, JdbcSettings.IndexType.TIMESTAMP));
        assertThat(s.settleLag()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> JdbcSettings.from(jdbc("line-1", table("readings", "ts", "clock", "integer"))))
                .hasMessage("relay.source.jdbc.streams.line-1.index-kind: 'clock' must be time or sequence");
        assertThatThrownBy(() -> JdbcSettings.from(jdbc("line-1", table("readings", "ts", "time", "float"))))
                .hasMessage("relay.source.jdbc.streams.line-1.index-type: 'float' must be integer or timestamp");
        assertThatThrownBy(() -> JdbcSettings.from(jdbc("s", table("readings", "n", "sequence", "timestamp"))))
                .hasMessage("relay.source.jdbc.streams.s.index-type: 'timestamp' needs index-kind time");
        assertThatThrownBy(() -> JdbcSettings.from(jdbc("line-1", table("readings; DROP TABLE x", "ts", "time",
                "integer")))).hasMessageStartingWith(
                        "relay.source.jdbc.streams.line-1.table: 'readings; DROP TABLE x' is not a table name");
        assertThatThrownBy(() -> JdbcSettings.from(jdbc("line-1", table("readings", "t\"s", "time", "integer"))))
                .hasMessage("relay.source.jdbc.streams.line-1.index-column: 't\"s' is not a column name");
        assertThatThrownBy(() -> JdbcSettings.from(jdbc("line-1", table("readings", null, "time", "integer"))))
                .hasMessage("relay.source.jdbc.streams.line-1.index-column is required");
        assertThatThrownBy(() -> JdbcSettings.from(jdbc("line-1", table("readings", "ts", "time", "integer", "v",
                "ts")))).hasMessageStartingWith("relay.source.jdbc.streams.line-1.value-columns: 'ts' repeats");
        assertThatThrownBy(() -> JdbcSettings.from(jdbc("line-1", new Stream(Optional.of("t"), Optional.of(
                "SELECT 1"), Optional.of("ts"), Optional.empty(), "time", "integer")))).hasMessage(
                        "relay.source.jdbc.streams.line-1: set exactly one of .table and .query");
        assertThatThrownBy(() -> JdbcSettings.from(jdbc("line 1", table("readings", "ts", "time", "integer"))))
                .hasMessageStartingWith("relay.source.jdbc.streams.line 1: 'line 1' is not a valid batchId");
    }

    @Test
    void theConnectionKeysAreChecked() {
        Stream ok = table("readings", "ts", "time", "integer");
        assertThatThrownBy(() -> JdbcSettings.from(new Jdbc(Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ZERO, Duration.ZERO, Map.of("a", ok)))).hasMessageStartingWith(
                        "relay.source.jdbc.url: '' is required");
        assertThatThrownBy(() -> JdbcSettings.from(new Jdbc(Optional.of("postgresql://h/db"), Optional.empty(),
                Optional.empty(), Duration.ZERO, Duration.ZERO, Map.of("a", ok)))).hasMessage(
                        "relay.source.jdbc.url: must start with jdbc:");
        assertThatThrownBy(() -> JdbcSettings.from(new Jdbc(Optional.of("jdbc:sqlite:x"), Optional.empty(),
                Optional.empty(), Duration.ZERO, Duration.ofSeconds(-1), Map.of("a", ok)))).hasMessage(
                        "relay.source.jdbc.settle-lag: 'PT-1S' must not be negative");
        assertThatThrownBy(() -> JdbcSettings.from(new Jdbc(Optional.of("jdbc:sqlite:x"), Optional.empty(),
                Optional.empty(), Duration.ZERO, Duration.ZERO, Map.of()))).hasMessageStartingWith(
                        "relay.source.jdbc.streams: '' needs at least one stream");
    }
}
