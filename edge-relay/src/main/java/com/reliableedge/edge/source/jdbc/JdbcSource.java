package com.reliableedge.edge.source.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceAdapter;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

import io.quarkus.logging.Log;

/**
 * A SQL historian read by JDBC ({@code relay.source.kind=jdbc}). Each stream is a table or query with an index
 * column. The live feed polls {@code [W, end)} with {@link PollWindow}'s settle lag and advances the watermark
 * {@code W} to where the page ended, never backwards. A database error is a discontinuity: {@link LiveUpdate.Lost},
 * and once a query succeeds again {@link LiveUpdate.Resumed} from {@code W} itself, since the rows at or after
 * {@code W} are still in the database. History reads run the same query over the window, paged on whole indexes.
 * <p>
 * Each stream's feed keeps its own connection (polls of one stream come from one thread); history reads share one
 * more. Connections are reopened after an error.
 */
public class JdbcSource implements SourceAdapter, AutoCloseable {

    private final JdbcSettings settings;
    private final Clock clock;
    private final MonotonicClock monotonic;
    private final Map<String, StreamQuery> queries = new LinkedHashMap<>();
    private final Map<String, Feed> feeds = new LinkedHashMap<>();
    private final List<StreamInfo> infos;
    private final Object historyLock = new Object();
    private Connection history;

    private static final class Feed {
        Connection connection;
        boolean started;
        boolean connected;
        long watermark;
        long lastQueryNanos;
        boolean queried;
        final PollWindow.Heads heads = new PollWindow.Heads();
    }

    /**
     * Connects once and checks every stream against the database.
     *
     * @throws IllegalStateException when the database cannot be reached or a stream does not fit it, naming the key
     */
    public JdbcSource(JdbcSettings settings, Clock clock, MonotonicClock monotonic) {
        this.settings = settings;
        this.clock = clock;
        this.monotonic = monotonic;
        try (Connection c = connect()) {
            for (JdbcSettings.Stream s : settings.streams()) {
                queries.put(s.streamId(), StreamQuery.resolve(c, s));
                feeds.put(s.streamId(), new Feed());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(JdbcSettings.PREFIX + "url: cannot connect to the database: " + e
                    .getMessage(), e);
        }
        this.infos = queries.values().stream().map(StreamQuery::info).toList();
    }

    @Override
    public List<StreamInfo> streams() {
        return infos;
    }

    @Override
    public LiveUpdate poll(String streamId, int maxEvents) {
        StreamQuery query = require(streamId);
        Feed feed = feeds.get(streamId);
        synchronized (feed) {
            long nanos = monotonic.nanos();
            if (feed.queried && nanos - feed.lastQueryNanos < settings.pollInterval().toNanos()) {
                return feed.connected ? new LiveUpdate.Data(List.of(), feed.watermark) : new LiveUpdate.Lost();
            }
            feed.queried = true;
            feed.lastQueryNanos = nanos;
            try {
                return pollOnce(query, feed, Math.max(1, maxEvents));
            } catch (SQLException | RuntimeException e) {
                closeQuietly(feed.connection);
                feed.connection = null;
                if (feed.connected) {
                    feed.connected = false;
                    Log.warnf("Live feed of %s lost at watermark %s: %s", streamId, format(query, feed.watermark),
                            e.toString());
                } else {
                    Log.debugf("Live feed of %s still down: %s", streamId, e.toString());
                }
                return new LiveUpdate.Lost();
            }
        }
    }

    private LiveUpdate pollOnce(StreamQuery query, Feed feed, int maxEvents) throws SQLException {
        if (feed.connection == null) {
            feed.connection = connect();
        }
        Connection c = feed.connection;
        long now = clock.millis();
        boolean sequence = query.info().kind() == IndexKind.SEQUENCE;
        if (!feed.started) {
            // Vouch from the present on (the edge heals what lies before it, E5): for time, what has settled;
            // for sequence, the head seen now.
            feed.watermark = sequence
                    ? firstHead(query.head(c, Long.MIN_VALUE))
                    : PollWindow.timeEnd(
                            Long.MIN_VALUE, now, settings.settleLag().toMillis());
            if (sequence) {
                feed.heads.observe(now, feed.watermark);
            } else {
                query.probe(c, feed.watermark);
            }
            feed.started = true;
            feed.connected = true;
            Log.infof("Live feed of %s starts at %s", query.info().streamId(), format(query, feed.watermark));
            return new LiveUpdate.Resumed(feed.watermark);
        }
        long end;
        if (sequence) {
            feed.heads.observe(now, query.head(c, feed.watermark));
            end = PollWindow.sequenceEnd(feed.watermark, feed.heads.settled(now, settings.settleLag().toMillis()));
        } else {
            if (!feed.connected) {
                query.probe(c, feed.watermark);
            }
            end = PollWindow.timeEnd(feed.watermark, now, settings.settleLag().toMillis());
        }
        if (!feed.connected) {
            // The query worked again: every row at or after W is still in the database, so nothing is missed.
            feed.connected = true;
            Log.infof("Live feed of %s resumed at %s", query.info().streamId(), format(query, feed.watermark));
            return new LiveUpdate.Resumed(feed.watermark);
        }
        if (end <= feed.watermark) {
            return new LiveUpdate.Data(List.of(), feed.watermark);
        }
        StreamQuery.Page page = query.page(c, feed.watermark, end, maxEvents);
        feed.watermark = Math.max(feed.watermark, page.readTo());
        return new LiveUpdate.Data(page.events(), feed.watermark);
    }

    /** An empty sequence table vouches from 0 on: counters start there or above, and nothing below is claimed. */
    private static long firstHead(long head) {
        return head == Long.MIN_VALUE ? 0 : head;
    }

    @Override
    public HistoryRead read(String streamId, Window window, int maxEvents) {
        StreamQuery query = require(streamId);
        synchronized (historyLock) {
            try {
                if (history == null) {
                    history = connect();
                }
                StreamQuery.Page page = query.page(history, window.start(), window.end(), Math.max(1, maxEvents));
                return new HistoryRead(page.events(), Long.MIN_VALUE, page.readTo());
            } catch (SQLException e) {
                closeQuietly(history);
                history = null;
                throw new IllegalStateException("history read of " + streamId + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (historyLock) {
            closeQuietly(history);
            history = null;
        }
        for (Feed f : feeds.values()) {
            synchronized (f) {
                closeQuietly(f.connection);
                f.connection = null;
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        settings.user().ifPresent(u -> p.setProperty("user", u));
        settings.password().ifPresent(pw -> p.setProperty("password", pw));
        Connection c = DriverManager.getConnection(settings.url(), p);
        c.setAutoCommit(true);
        return c;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                Log.debugf("Closing a JDBC connection: %s", e.toString());
            }
        }
    }

    private static String format(StreamQuery q, long index) {
        try {
            return q.info().kind().format(index);
        } catch (RuntimeException e) {
            return Long.toString(index);
        }
    }

    private StreamQuery require(String streamId) {
        StreamQuery q = queries.get(streamId);
        if (q == null) {
            throw new IllegalArgumentException("unknown stream " + streamId);
        }
        return q;
    }
}
