package com.reliableedge.edge.source.jdbc;

import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.IndexKind;

/**
 * The SQL of one stream, checked against the database at startup: the base query over {@code [start, end)}
 * (built from the table's quoted names, or the configured query), the page query ordered by index with a limit,
 * and, for sequence streams, the head query ({@code max(index)}).
 */
final class StreamQuery {

    /** A page of rows turned into events, and where it ends. */
    record Page(List<SourceEvent> events, long readTo) {
    }

    private final JdbcSettings.Stream stream;
    private final String pageSql;
    private final String wholeIndexSql;
    private final String headSql;
    private final List<String> valueNames;

    private StreamQuery(JdbcSettings.Stream stream, String base, String indexLabel, List<String> valueNames) {
        this.stream = stream;
        this.valueNames = List.copyOf(valueNames);
        String index = SqlIdentifiers.quote(indexLabel);
        String cols = index + valueNames.stream().map(n -> ", " + SqlIdentifiers.quote(n)).collect(Collectors
                .joining());
        String from = " FROM (" + base + ") AS q";
        this.pageSql = "SELECT " + cols + from + " ORDER BY " + index + " LIMIT ?";
        this.wholeIndexSql = "SELECT " + cols + from + " ORDER BY " + index;
        this.headSql = "SELECT MAX(" + index + ")" + from;
    }

    StreamInfo info() {
        return new StreamInfo(stream.streamId(), stream.kind());
    }

    /**
     * Checks the stream against the database: the table and columns exist (names matched exactly, else by case
     * alone when that is unique), or the query takes two parameters and yields the index column.
     *
     * @throws IllegalStateException naming the key and value that do not fit
     */
    static StreamQuery resolve(Connection c, JdbcSettings.Stream s) throws SQLException {
        String base;
        List<String> labels;
        if (s.table().isPresent()) {
            String table = SqlIdentifiers.quoteTable(s.table().get());
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE 1 = 0");
                    ResultSet rs = ps.executeQuery()) {
                labels = labels(rs.getMetaData());
            } catch (SQLException e) {
                throw new IllegalStateException(s.key("table") + ": '" + s.table().get() + "' cannot be read: " + e
                        .getMessage(), e);
            }
            String index = match(labels, s.indexColumn(), s.key("index-column"), s.table().get());
            List<String> values = new ArrayList<>();
            for (String v : s.valueColumns()) {
                values.add(match(labels, v, s.key("value-columns"), s.table().get()));
            }
            if (s.valueColumns().isEmpty()) {
                labels.stream().filter(l -> !l.equals(index)).forEach(values::add);
            }
            String qi = SqlIdentifiers.quote(index);
            base = "SELECT " + qi + values.stream().map(n -> ", " + SqlIdentifiers.quote(n)).collect(Collectors
                    .joining()) + " FROM " + table + " WHERE " + qi + " >= ? AND " + qi + " < ?";
            return new StreamQuery(s, base, index, withoutIndexField(values, s));
        }
        base = s.query().orElseThrow();
        if (base.endsWith(";")) {
            base = base.substring(0, base.length() - 1);
        }
        try (PreparedStatement ps = c.prepareStatement(base)) {
            int params = parameterCount(ps);
            if (params != 2 && params != -1) {
                throw new IllegalStateException(s.key("query") + ": '" + s.query().get() + "' has " + params
                        + " parameters; it needs two, the window's start (inclusive) and end (exclusive)");
            }
            bindWindow(ps, s, 0, 0);
            try (ResultSet rs = ps.executeQuery()) {
                labels = labels(rs.getMetaData());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(s.key("query") + ": '" + s.query().get() + "' cannot be run: " + e
                    .getMessage(), e);
        }
        String index = match(labels, s.indexColumn(), s.key("index-column"), "the query");
        List<String> values = new ArrayList<>();
        for (String v : s.valueColumns()) {
            values.add(match(labels, v, s.key("value-columns"), "the query"));
        }
        if (s.valueColumns().isEmpty()) {
            labels.stream().filter(l -> !l.equals(index)).forEach(values::add);
        }
        return new StreamQuery(s, base, index, withoutIndexField(values, s));
    }

    private static List<String> withoutIndexField(List<String> values, JdbcSettings.Stream s) {
        for (String v : values) {
            if (v.equals("index")) {
                throw new IllegalStateException(s.key("value-columns") + ": a value column named 'index' would "
                        + "clash with the event's index field; list the value columns without it");
            }
        }
        return values;
    }

    private static int parameterCount(PreparedStatement ps) {
        try {
            ParameterMetaData md = ps.getParameterMetaData();
            return md.getParameterCount();
        } catch (SQLException e) {
            // Some drivers cannot tell before execution; the trial run below then shows it.
            return -1;
        }
    }

    private static List<String> labels(ResultSetMetaData md) throws SQLException {
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            labels.add(md.getColumnLabel(i));
        }
        return labels;
    }

    private static String match(List<String> labels, String wanted, String key, String where) {
        if (labels.contains(wanted)) {
            return wanted;
        }
        List<String> folded = labels.stream().filter(l -> l.equalsIgnoreCase(wanted)).toList();
        if (folded.size() == 1) {
            return folded.get(0);
        }
        throw new IllegalStateException(key + ": '" + wanted + "' is not a column of " + where + " (columns: "
                + String.join(", ", labels) + ")");
    }

    /** The events of {@code [start, end)} in index order, at most {@code max} unless one index holds more. */
    Page page(Connection c, long start, long end, int max) throws SQLException {
        List<Long> indexes = new ArrayList<>();
        List<SourceEvent> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(pageSql)) {
            bindWindow(ps, stream, start, end);
            ps.setInt(3, max + 1);
            try (ResultSet rs = ps.executeQuery()) {
                read(rs, indexes, events);
            }
        }
        PageCut.Cut cut = PageCut.cut(indexes, max, end);
        if (!cut.wholeFirstIndex()) {
            return new Page(events.subList(0, cut.keep()), cut.readTo());
        }
        // One index holds more rows than the page: the page is that whole index.
        List<SourceEvent> whole = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(wholeIndexSql)) {
            bindWindow(ps, stream, indexes.get(0), cut.readTo());
            try (ResultSet rs = ps.executeQuery()) {
                read(rs, new ArrayList<>(), whole);
            }
        }
        return new Page(whole, cut.readTo());
    }

    /** Runs the page query over an empty window: throws when the stream cannot be read now. */
    void probe(Connection c, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(pageSql)) {
            bindWindow(ps, stream, at, at);
            ps.setInt(3, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }

    /** {@code max(index) + 1} over the rows at or above {@code from}, or {@code from} when there are none. */
    long head(Connection c, long from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(headSql)) {
            bindWindow(ps, stream, from, Long.MAX_VALUE);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long max = rs.getLong(1);
                    if (!rs.wasNull()) {
                        return Math.max(from, max == Long.MAX_VALUE ? max : max + 1);
                    }
                }
                return from;
            }
        }
    }

    private void read(ResultSet rs, List<Long> indexes, List<SourceEvent> events) throws SQLException {
        int[] columns = new int[valueNames.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = i + 2;
        }
        IndexKind kind = stream.kind();
        while (rs.next()) {
            long index = index(rs);
            indexes.add(index);
            events.add(new SourceEvent(index, RowJson.write(kind.format(index), rs, columns, valueNames)));
        }
    }

    private long index(ResultSet rs) throws SQLException {
        if (stream.indexType() == JdbcSettings.IndexType.TIMESTAMP) {
            Timestamp ts = rs.getTimestamp(1, RowJson.utc());
            return IndexKind.floorToMillis(ts.toInstant());
        }
        return rs.getLong(1);
    }

    private static void bindWindow(PreparedStatement ps, JdbcSettings.Stream s, long start, long end)
            throws SQLException {
        if (s.indexType() == JdbcSettings.IndexType.TIMESTAMP) {
            ps.setTimestamp(1, new Timestamp(start), RowJson.utc());
            ps.setTimestamp(2, new Timestamp(end), RowJson.utc());
        } else {
            ps.setLong(1, start);
            ps.setLong(2, end);
        }
    }
}
