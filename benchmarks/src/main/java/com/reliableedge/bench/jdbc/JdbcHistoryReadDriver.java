package com.reliableedge.bench.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.edge.source.jdbc.JdbcSettings;
import com.reliableedge.edge.source.jdbc.JdbcSource;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * The SQL historian adapter's history-read rate: a SQLite historian table of {@code rows} rows (epoch-ms index 10 ms
 * apart, a REAL value and a TEXT tag, indexed on the time column) read through {@link JdbcSource#read} page by page,
 * as the edge's backfill reads, against the same rows read with plain JDBC (the same paged, ordered query, columns
 * read, no events built) in the same JVM, alternating. Prints each run and the medians.
 * <p>
 * Arguments: {@code rows runs pageSize...}, e.g. {@code 100000 5 2000 20000}.
 */
public final class JdbcHistoryReadDriver {

    private static final long SPACING_MS = 10;

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        int runs = Integer.parseInt(args[1]);
        List<Integer> pages = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            pages.add(Integer.parseInt(args[i]));
        }
        Path dir = Files.createTempDirectory("jdbc-history-bench");
        String url = "jdbc:sqlite:" + dir.resolve("historian.db");
        long t0 = System.currentTimeMillis() - rows * SPACING_MS - 60_000;
        t0 -= t0 % 1000;
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE readings (ts INTEGER NOT NULL, value REAL, tag TEXT)");
                s.execute("CREATE INDEX readings_ts ON readings (ts)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO readings VALUES (?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    p.setLong(1, t0 + i * SPACING_MS);
                    p.setDouble(2, i * 0.5);
                    p.setString(3, "tag-" + (i % 16));
                    p.addBatch();
                }
                p.executeBatch();
            }
            c.commit();
        }
        Window all = new Window(t0, t0 + rows * SPACING_MS);
        JdbcSettings settings = new JdbcSettings(url, Optional.empty(), Optional.empty(), Duration.ofSeconds(1),
                Duration.ofSeconds(5), List.of(new JdbcSettings.Stream("s", Optional.of("readings"), Optional.empty(),
                        "ts", List.of("value", "tag"), IndexKind.TIME, JdbcSettings.IndexType.INTEGER)));
        try (JdbcSource adapter = new JdbcSource(settings, Clock.systemUTC(), MonotonicClock.system());
                Connection raw = DriverManager.getConnection(url)) {
            System.out.printf("%,d rows over %s; %d runs per page size (after one warm-up)%n", rows, all.toString(
                    IndexKind.TIME), runs);
            for (int page : pages) {
                viaAdapter(adapter, all, page, rows);
                viaJdbc(raw, all, page, rows);
                List<Double> a = new ArrayList<>();
                List<Double> j = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                    a.add(viaAdapter(adapter, all, page, rows));
                    j.add(viaJdbc(raw, all, page, rows));
                    System.out.printf("page %,d run %d: adapter %,.0f events/s, plain JDBC %,.0f rows/s%n", page, r
                            + 1, a.get(r), j.get(r));
                }
                double ma = median(a);
                double mj = median(j);
                System.out.printf("page %,d: median adapter %,.0f events/s, plain JDBC %,.0f rows/s, ratio %.2f%n",
                        page, ma, mj, ma / mj);
            }
        }
    }

    /** Events per second read through the adapter, page by page as the edge's backfill reads. */
    private static double viaAdapter(JdbcSource adapter, Window all, int page, int expected) {
        long start = System.nanoTime();
        long from = all.start();
        long n = 0;
        while (from < all.end()) {
            HistoryRead r = adapter.read("s", new Window(from, all.end()), page);
            n += r.events().size();
            from = r.readTo();
        }
        return rate(n, expected, start);
    }

    /** Rows per second of the same paged query with plain JDBC, columns read, no events built. */
    private static double viaJdbc(Connection c, Window all, int page, int expected) throws Exception {
        long start = System.nanoTime();
        long n = 0;
        long from = all.start();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT ts, value, tag FROM readings WHERE ts >= ? AND ts < ? ORDER BY ts LIMIT ?")) {
            while (true) {
                p.setLong(1, from);
                p.setLong(2, all.end());
                p.setInt(3, page);
                int got = 0;
                long last = from;
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getLong(1);
                        rs.getDouble(2);
                        rs.getString(3);
                        got++;
                    }
                }
                n += got;
                if (got < page) {
                    break;
                }
                from = last + 1;
            }
        }
        return rate(n, expected, start);
    }

    private static double rate(long n, int expected, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (n != expected) {
            throw new IllegalStateException("read " + n + " rows, the table holds " + expected);
        }
        return n / seconds;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int k = s.size();
        return k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
    }

    private JdbcHistoryReadDriver() {
    }
}
