package com.reliableedge.edge.source.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.protocol.index.Identifiers;
import com.reliableedge.protocol.index.IndexKind;

/**
 * The validated {@code relay.source.jdbc.*} configuration. Every check names the key and the value it rejects, so
 * that a bad configuration stops the startup with a message the operator can act on.
 */
public record JdbcSettings(String url, Optional<String> user, Optional<String> password, Duration pollInterval,
        Duration settleLag, List<Stream> streams) {

    static final String PREFIX = "relay.source.jdbc.";

    /** How the index column is stored. */
    public enum IndexType {
        /** An integer: epoch milliseconds for {@code time}, the counter for {@code sequence}. */
        INTEGER,
        /** A SQL timestamp, floored to the millisecond ({@code time} only). */
        TIMESTAMP
    }

    /**
     * One stream: either {@code table} (with its index and value columns) or {@code query} (with two {@code ?}
     * parameters, start inclusive and end exclusive, and the index column among its result columns).
     */
    public record Stream(String streamId, Optional<String> table, Optional<String> query, String indexColumn,
            List<String> valueColumns, IndexKind kind, IndexType indexType) {

        public Stream {
            valueColumns = List.copyOf(valueColumns);
        }

        /** The full name of one of this stream's keys, for error messages. */
        String key(String name) {
            String id = streamId.contains(".") ? '"' + streamId + '"' : streamId;
            return PREFIX + "streams." + id + "." + name;
        }
    }

    public JdbcSettings {
        streams = List.copyOf(streams);
    }

    /** Reads and checks the configuration group; throws {@link IllegalStateException} naming the bad key. */
    public static JdbcSettings from(RelayConfig.Jdbc config) {
        String url = config.url().map(String::trim).filter(u -> !u.isEmpty()).orElseThrow(() -> bad("url", "",
                "is required for relay.source.kind=jdbc"));
        if (!url.startsWith("jdbc:")) {
            // The URL may carry a password: not echoed.
            throw new IllegalStateException(PREFIX + "url: must start with jdbc:");
        }
        requireNonNegative("poll-interval", config.pollInterval());
        requireNonNegative("settle-lag", config.settleLag());
        if (config.streams().isEmpty()) {
            throw bad("streams", "", "needs at least one stream (relay.source.jdbc.streams.<batchId>.table=...)");
        }
        List<Stream> streams = new ArrayList<>();
        for (Map.Entry<String, RelayConfig.JdbcStream> e : new TreeMap<>(config.streams()).entrySet()) {
            streams.add(stream(e.getKey(), e.getValue()));
        }
        return new JdbcSettings(url, config.user(), config.password(), config.pollInterval(), config.settleLag(),
                streams);
    }

    static Stream stream(String id, RelayConfig.JdbcStream c) {
        String key = PREFIX + "streams." + id;
        if (!Identifiers.isValid(id)) {
            throw new IllegalStateException(key + ": '" + id + "' is not a valid batchId (1-128 of [A-Za-z0-9._:-])");
        }
        IndexKind kind = switch (c.indexKind().trim()) {
            case "time" -> IndexKind.TIME;
            case "sequence" -> IndexKind.SEQUENCE;
            default -> throw new IllegalStateException(key + ".index-kind: '" + c.indexKind()
                    + "' must be time or sequence");
        };
        IndexType type = switch (c.indexType().trim()) {
            case "integer" -> IndexType.INTEGER;
            case "timestamp" -> IndexType.TIMESTAMP;
            default -> throw new IllegalStateException(key + ".index-type: '" + c.indexType()
                    + "' must be integer or timestamp");
        };
        if (kind == IndexKind.SEQUENCE && type == IndexType.TIMESTAMP) {
            throw new IllegalStateException(key + ".index-type: 'timestamp' needs index-kind time");
        }
        Optional<String> table = c.table().map(String::trim).filter(t -> !t.isEmpty());
        Optional<String> query = c.query().map(String::trim).filter(q -> !q.isEmpty());
        if (table.isPresent() == query.isPresent()) {
            throw new IllegalStateException(key + ": set exactly one of .table and .query");
        }
        if (table.isPresent() && !SqlIdentifiers.isTable(table.get())) {
            throw new IllegalStateException(key + ".table: '" + table.get()
                    + "' is not a table name ([A-Za-z_][A-Za-z0-9_$]*, optionally schema.table)");
        }
        String index = c.indexColumn().map(String::trim).filter(s -> !s.isEmpty()).orElseThrow(
                () -> new IllegalStateException(key + ".index-column is required"));
        if (!SqlIdentifiers.isName(index)) {
            throw new IllegalStateException(key + ".index-column: '" + index + "' is not a column name");
        }
        List<String> values = new ArrayList<>();
        for (String v : c.valueColumns().orElse(List.of())) {
            String name = v.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!SqlIdentifiers.isName(name)) {
                throw new IllegalStateException(key + ".value-columns: '" + name + "' is not a column name");
            }
            if (name.equalsIgnoreCase(index) || name.equalsIgnoreCase("index") || values.contains(name)) {
                throw new IllegalStateException(key + ".value-columns: '" + name
                        + "' repeats the index column, the event's 'index' field or another value column");
            }
            values.add(name);
        }
        return new Stream(id, table, query, index, values, kind, type);
    }

    private static void requireNonNegative(String name, Duration d) {
        if (d.isNegative()) {
            throw bad(name, d.toString(), "must not be negative");
        }
    }

    private static IllegalStateException bad(String name, String value, String why) {
        return new IllegalStateException(PREFIX + name + ": '" + value + "' " + why);
    }
}
