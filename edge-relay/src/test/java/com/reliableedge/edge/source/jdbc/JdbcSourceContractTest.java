package com.reliableedge.edge.source.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.edge.source.FakeClock;
import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceAdapter;
import com.reliableedge.edge.source.SourceAdapterContractTest;
import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * The source contract and the jdbc adapter's own behaviour (settle lag, late rows, whole-index pages), run against
 * each database a subclass brings. Stream {@code line-1} is time-indexed (a row every 10 ms), {@code seq-1}
 * sequence-indexed (a row per advance).
 */
abstract class JdbcSourceContractTest extends SourceAdapterContractTest {

    static final long START = 1_790_000_000_000L;
    static final long LAG = 100;

    protected FakeClock clock = new FakeClock(START);
    private JdbcSource source;
    private long filledTo;
    private long seqNext;

    /** A fresh database (or fresh tables) for one adapter. */
    protected abstract void freshDatabase() throws SQLException;

    protected abstract JdbcSettings settings(List<JdbcSettings.Stream> streams, Duration lag);

    /** A connection that writes the test's rows. */
    protected abstract Connection writer();

    /** How the time stream's index is stored. */
    protected abstract JdbcSettings.IndexType timeIndexType();

    protected abstract void bindTime(PreparedStatement ps, int param, long millis) throws SQLException;

    protected static JdbcSettings.Stream timeStream(JdbcSettings.IndexType type) {
        return new JdbcSettings.Stream("line-1", Optional.of("readings"), Optional.empty(), "ts", List.of("value",
                "tag", "ok"), IndexKind.TIME, type);
    }

    protected static JdbcSettings.Stream sequenceStream() {
        // Every column but the index, in table order.
        return new JdbcSettings.Stream("seq-1", Optional.empty(), Optional.of(
                "SELECT seq, v, note FROM counts WHERE seq >= ? AND seq < ?"), "seq", List.of(), IndexKind.SEQUENCE,
                JdbcSettings.IndexType.INTEGER);
    }

    protected JdbcSource open(Duration lag) {
        closeSource();
        source = new JdbcSource(settings(List.of(timeStream(timeIndexType()), sequenceStream()), lag), clock,
                clock);
        return source;
    }

    @Override
    protected SourceAdapter adapter() {
        clock = new FakeClock(START);
        try {
            freshDatabase();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        filledTo = START - 1_000;
        seqNext = 1;
        fill(START);
        return open(Duration.ofMillis(LAG));
    }

    @Override
    protected void advance(long millis) {
        fill(clock.millis() + millis);
        clock.advanceMillis(millis);
    }

    /** Rows of line-1 at every multiple of 10 ms up to {@code to}, one seq-1 row per call: one transaction. */
    private void fill(long to) {
        Connection c = writer();
        try (PreparedStatement ps = c
                .prepareStatement("INSERT INTO readings (ts, value, tag, ok) VALUES (?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            long t = filledTo - Math.floorMod(filledTo, 10) + 10;
            for (; t <= to; t += 10) {
                bindTime(ps, 1, t);
                ps.setDouble(2, t % 7 * 0.5);
                ps.setString(3, "t" + t % 3);
                ps.setBoolean(4, t % 20 == 0);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
            c.setAutoCommit(true);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        filledTo = to;
        insertSeq(seqNext++, "n");
    }

    protected void insertTime(long index, double value, String tag) {
        try (PreparedStatement ps = writer().prepareStatement(
                "INSERT INTO readings (ts, value, tag, ok) VALUES (?, ?, ?, ?)")) {
            bindTime(ps, 1, index);
            ps.setDouble(2, value);
            ps.setString(3, tag);
            ps.setBoolean(4, index % 20 == 0);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    protected void insertSeq(long seq, String note) {
        try (PreparedStatement ps = writer().prepareStatement("INSERT INTO counts (seq, v, note) VALUES (?, ?, ?)")) {
            ps.setLong(1, seq);
            ps.setLong(2, seq * 3);
            ps.setString(3, note);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    protected void execute(String sql) {
        try (Statement s = writer().createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
            source = null;
        }
    }

    /** Polls {@code stream} every {@code step} ms until {@code until}, collecting what the feed delivers. */
    protected List<SourceEvent> pollUntil(SourceAdapter a, String stream, long until, long step) {
        List<SourceEvent> got = new ArrayList<>();
        while (clock.millis() < until) {
            clock.advanceMillis(step);
            LiveUpdate u = a.poll(stream, 10_000);
            assertThat(u).isInstanceOf(LiveUpdate.Data.class);
            got.addAll(((LiveUpdate.Data) u).events());
        }
        return got;
    }

    @Test
    void eventsCarryTheIndexInItsWireFormAndTheValueColumns() {
        JdbcSource a = (JdbcSource) adapter();
        long t = START - 500;
        HistoryRead h = a.read("line-1", new Window(t, t + 1), 10);
        assertThat(h.events()).hasSize(1);
        String json = new String(h.events().get(0).json(), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"index\":\"" + IndexKind.TIME.format(t) + "\",\"value\":" + (t % 7 * 0.5)
                + ",\"tag\":\"t" + t % 3 + "\",\"ok\":" + okJson(true) + "}");
        HistoryRead s = a.read("seq-1", new Window(1, 2), 10);
        assertThat(new String(s.events().get(0).json(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"index\":\"1\",\"v\":3,\"note\":\"n\"}");
    }

    /** How the database hands back a boolean column (SQLite has none: 1 or 0). */
    protected abstract String okJson(boolean value);

    @Test
    void rowsCommittedLateAndOutOfOrderInsideTheLagAreDeliveredLive() {
        adapter();
        JdbcSource a = open(Duration.ofSeconds(1));
        long from = ((LiveUpdate.Resumed) a.poll("line-1", 100)).from();
        assertThat(from).isEqualTo(START - 1_000);
        long t0 = clock.millis();
        clock.advanceMillis(200);
        insertTime(t0 + 155, 1.0, "late");
        assertThat(((LiveUpdate.Data) a.poll("line-1", 100)).events()).extracting(SourceEvent::index).allMatch(
                i -> i < t0 - 800);
        clock.advanceMillis(400);
        // 545 ms after its index, and before the row above: late and out of order, both inside the 1 s lag.
        insertTime(t0 + 55, 2.0, "later");
        a.poll("line-1", 100);
        List<SourceEvent> got = pollUntil(a, "line-1", t0 + 1_300, 50);
        assertThat(got).extracting(SourceEvent::index).filteredOn(i -> i > t0).containsExactly(t0 + 55, t0 + 155);
    }

    @Test
    void aRowLaterThanTheLagIsNotLiveButHistoryServesIt() {
        JdbcSource a = (JdbcSource) adapter();
        a.poll("line-1", 100);
        List<SourceEvent> live = pollUntil(a, "line-1", START + 500, 50);
        long missed = START - 55; // below the watermark already, and off the 10 ms grid
        insertTime(missed, 9.5, "too-late");
        live.addAll(pollUntil(a, "line-1", START + 1_000, 50));
        assertThat(live).extracting(SourceEvent::index).contains(START - 60, START - 50).doesNotContain(missed);
        HistoryRead h = a.read("line-1", new Window(START - 60, START - 40), 100);
        assertThat(h.events()).extracting(SourceEvent::index).containsExactly(START - 60, missed, START - 50);
        assertThat(h.readTo()).isEqualTo(START - 40);
    }

    @Test
    void sequenceRowsCommittedOutOfOrderInsideTheLagAreDeliveredLive() {
        adapter();
        JdbcSource a = open(Duration.ofMillis(300));
        long from = ((LiveUpdate.Resumed) a.poll("seq-1", 100)).from();
        assertThat(from).isEqualTo(2); // the row 1 that adapter() wrote is below the head seen at start
        insertSeq(2, "a");
        insertSeq(4, "b");
        clock.advanceMillis(100);
        assertThat(((LiveUpdate.Data) a.poll("seq-1", 100)).events()).isEmpty();
        // 3 commits after 4 was visible, within the lag.
        insertSeq(3, "c");
        List<SourceEvent> got = pollUntil(a, "seq-1", clock.millis() + 600, 100);
        assertThat(got).extracting(SourceEvent::index).containsExactly(2L, 3L, 4L);
        LiveUpdate.Data d = (LiveUpdate.Data) a.poll("seq-1", 100);
        assertThat(d.watermark()).isEqualTo(5);
    }

    @Test
    void pagesNeverSplitAnIndex() {
        JdbcSource a = (JdbcSource) adapter();
        long x = START - 995; // off the 10 ms grid
        for (int i = 0; i < 5; i++) {
            insertTime(x, i, "a");
            insertTime(x + 1, i, "b");
        }
        insertTime(x + 2, 0, "c");
        Window w = new Window(x, x + 3);
        assertThat(a.read("line-1", w, 3)).satisfies(h -> {
            assertThat(h.events()).hasSize(5).allMatch(e -> e.index() == x);
            assertThat(h.readTo()).isEqualTo(x + 1);
        });
        assertThat(a.read("line-1", w, 7)).satisfies(h -> {
            assertThat(h.events()).hasSize(5);
            assertThat(h.readTo()).isEqualTo(x + 1);
        });
        assertThat(a.read("line-1", w, 10)).satisfies(h -> {
            assertThat(h.events()).hasSize(10);
            assertThat(h.readTo()).isEqualTo(x + 2);
        });
        assertThat(a.read("line-1", w, 11)).satisfies(h -> {
            assertThat(h.events()).hasSize(11);
            assertThat(h.readTo()).isEqualTo(x + 3);
        });
    }
}
