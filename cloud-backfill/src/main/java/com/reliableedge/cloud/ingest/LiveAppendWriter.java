package com.reliableedge.cloud.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.health.BackfillMetrics;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.StreamKey;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import io.quarkus.datasource.common.runtime.DatabaseKind;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Group commit for the common message: a live batch that continues its stream exactly where the stream's coverage
 * ends ({@link IngestService#appendsToCoverage}), which changes no gap. Request threads hand such batches to a few
 * writer threads; each writer takes every batch waiting (up to {@code backfill.ingest.max-group}) and records them
 * in one transaction of a few batched JDBC statements: lock the streams' rows in id order, drop duplicates, insert
 * the batches and their events, extend the streams' last coverage rows, update the streams. Each request is answered
 * after that commit, as on the general path.
 * <p>
 * A batch that is not a plain append here (a new stream, a hole, a backlog, another index kind...) is handed back
 * and takes the general path, and so is every batch of a group whose transaction fails: ingest is idempotent on
 * {@code messageId}, so a group that did commit before its connection broke is acknowledged as duplicates.
 */
@ApplicationScoped
public class LiveAppendWriter {

    private static final Logger LOG = Logger.getLogger(LiveAppendWriter.class);

    private static final int MAX_CACHED_STREAMS = 1_000_000;
    /** Rows per multi-row INSERT: 600 parameters for events, well inside every driver's limits. */
    private static final int ROWS_PER_INSERT = 100;

    private final BackfillConfig config;
    private final Clock clock;
    private final DataSource dataSource;
    private final BackfillMetrics metrics;
    private final String dbKind;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Stream ids never change and streams are never deleted, so a known id stays right. */
    private final Map<StreamKey, Long> streamIds = new ConcurrentHashMap<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running;

    /** A validated live batch. */
    record Message(String deviceId, Envelope envelope, List<BatchBody.Event> events) {
    }

    private record Pending(Message message, CompletableFuture<Optional<IngestResult>> result) {
    }

    public LiveAppendWriter(BackfillConfig config, Clock clock, DataSource dataSource, BackfillMetrics metrics,
            @ConfigProperty(name = "quarkus.datasource.db-kind") String dbKind) {
        this.config = config;
        this.clock = clock;
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.dbKind = dbKind;
    }

    /** Whether this writer can run on the configured database (the SQL below is written for these). */
    static boolean supports(String dbKind) {
        return DatabaseKind.isPostgreSQL(dbKind) || DatabaseKind.isH2(dbKind);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts the writer threads, unless group commit is off or the database is not supported. */
    public void start() {
        if (!config.ingest().groupCommit()) {
            return;
        }
        if (!supports(dbKind)) {
            LOG.infof("group commit is not available on %s; every message takes its own transaction", dbKind);
            return;
        }
        if (config.ingest().writers() < 1 || config.ingest().maxGroup() < 1) {
            throw new IllegalArgumentException("backfill.ingest.writers (" + config.ingest().writers()
                    + ") and backfill.ingest.max-group (" + config.ingest().maxGroup() + ") must be at least 1");
        }
        running = true;
        for (int i = 0; i < config.ingest().writers(); i++) {
            Thread t = new Thread(this::run, "ingest-writer-" + i);
            t.setDaemon(true);
            t.start();
            writers.add(t);
        }
    }

    /** Stops the writer threads; batches still waiting take the general path. */
    public void stop() {
        running = false;
        writers.forEach(Thread::interrupt);
        for (Thread t : writers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        handBack(queue);
    }

    /**
     * Records a live batch with others in one transaction when it is a plain append to an existing stream.
     *
     * @return the committed result, or empty when the batch must take the general path
     */
    public Optional<IngestResult> append(String deviceId, Envelope envelope, List<BatchBody.Event> events) {
        if (!running) {
            return Optional.empty();
        }
        Pending pending = new Pending(new Message(deviceId, envelope, events), new CompletableFuture<>());
        queue.add(pending);
        if (!running && queue.remove(pending)) {
            return Optional.empty();
        }
        try {
            return pending.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the batch was being recorded", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("recording the batch failed", e.getCause());
        }
    }

    private void run() {
        try {
            writeGroups();
        } finally {
            if (running) {
                // Died of an Error: stop grouping rather than leave requests waiting for a writer that is gone.
                LOG.error("an ingest writer stopped; group commit is off until the service restarts");
                running = false;
                handBack(queue);
            }
        }
    }

    private void writeGroups() {
        List<Pending> group = new ArrayList<>();
        while (running) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, config.ingest().maxGroup() - 1);
                List<Optional<IngestResult>> results = write(group.stream().map(Pending::message).toList());
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).result().complete(results.get(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("ingest writer failed; its batches take the general path", e);
            } finally {
                handBack(group);
                group.clear();
            }
        }
    }

    /** Completes whatever is not complete yet with "take the general path". */
    private static void handBack(Iterable<Pending> pendings) {
        for (Pending p : pendings) {
            p.result().complete(Optional.empty());
        }
    }

    /**
     * Records the plain appends of {@code group} in one transaction.
     *
     * @return for each message, in order, its committed result, or empty when it must take the general path
     */
    List<Optional<IngestResult>> write(List<Message> group) {
        IngestResult[] results;
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                results = record(c, group);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                metrics.groupFailed();
                LOG.warnf(e, "a group of %d live batches failed; each takes the general path", group.size());
                results = new IngestResult[group.size()];
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            metrics.groupFailed();
            LOG.warnf(e, "no database connection for a group of %d live batches; each takes the general path",
                    group.size());
            results = new IngestResult[group.size()];
        }
        int recorded = 0;
        List<Optional<IngestResult>> answer = new ArrayList<>(results.length);
        for (IngestResult result : results) {
            if (result != null && result.outcome() == IngestResult.Outcome.RECORDED) {
                recorded++;
            }
            answer.add(Optional.ofNullable(result));
        }
        metrics.grouped(group.size(), recorded);
        return answer;
    }

    /** Records the plain appends of the group; the others have no result. */
    private IngestResult[] record(Connection c, List<Message> group) throws SQLException {
        Instant now = clock.instant();
        Long[] streamOf = resolveStreams(c, group);
        Map<Long, StreamEntity> streams = lockStreams(c, streamOf);
        for (int i = 0; i < group.size(); i++) {
            if (streamOf[i] != null && !streams.containsKey(streamOf[i])) {
                // Its row is gone (deleted by hand): look the stream up again next time.
                streamIds.remove(new StreamKey(group.get(i).deviceId(), group.get(i).envelope().properties()
                        .batchId()));
            }
        }
        Set<String> recorded = recordedMessageIds(c, group);

        IngestResult[] results = new IngestResult[group.size()];
        List<Integer> appends = new ArrayList<>();
        Map<Long, Long> coverageEndBefore = new TreeMap<>();
        int eventRows = 0;
        for (int i = 0; i < group.size(); i++) {
            Message m = group.get(i);
            StreamEntity stream = streamOf[i] == null ? null : streams.get(streamOf[i]);
            if (stream == null) {
                continue;
            }
            MessageProperties props = m.envelope().properties();
            String messageId = m.envelope().messageId();
            if (!recorded.add(messageId)) {
                results[i] = new IngestResult(messageId, IngestResult.Outcome.DUPLICATE, null, now);
                continue;
            }
            if (stream.indexKind != props.indexKind() || !IngestService.appendsToCoverage(stream, props)) {
                recorded.remove(messageId);
                continue;
            }
            coverageEndBefore.putIfAbsent(stream.id, stream.lastEnd);
            stream.lastLiveEnd = props.window().end();
            stream.lastEnd = props.window().end();
            stream.lastLiveAt = now;
            appends.add(i);
            eventRows += m.events().size();
            results[i] = new IngestResult(messageId, IngestResult.Outcome.RECORDED, null, now);
        }
        if (appends.isEmpty()) {
            return results;
        }
        IdBlocks ids = IdBlocks.reserve(c, dbKind, appends.size() + eventRows);
        List<BatchRow> batchRows = new ArrayList<>(appends.size());
        List<EventRow> eventRowValues = new ArrayList<>(eventRows);
        for (int i : appends) {
            Message m = group.get(i);
            long batchRowId = ids.next();
            batchRows.add(new BatchRow(batchRowId, streamOf[i], m));
            for (BatchBody.Event e : m.events()) {
                eventRowValues.add(new EventRow(ids.next(), streamOf[i], batchRowId, e));
            }
        }
        long recordedAt = now.toEpochMilli();
        // Every event is fresh (stored_events is all of them): the window lies past the end of the coverage.
        insertRows(c, "recorded_batch (id, stream_id, message_id, batch_kind, start_index, end_index, event_count,"
                + " stored_events, seq, recorded_at)", "?, ?, ?, 'LIVE', ?, ?, ?, ?, ?, ?", 9, batchRows,
                (insert, p, row) -> {
                    MessageProperties props = row.message().envelope().properties();
                    insert.setLong(p, row.id());
                    insert.setLong(p + 1, row.streamId());
                    insert.setString(p + 2, row.message().envelope().messageId());
                    insert.setLong(p + 3, props.window().start());
                    insert.setLong(p + 4, props.window().end());
                    insert.setInt(p + 5, props.eventCount() == null ? 0 : props.eventCount());
                    insert.setInt(p + 6, row.message().events().size());
                    if (props.seq() == null) {
                        insert.setNull(p + 7, Types.BIGINT);
                    } else {
                        insert.setLong(p + 7, props.seq());
                    }
                    insert.setLong(p + 8, recordedAt);
                });
        insertRows(c, "stream_event (id, stream_id, batch_row_id, idx, late, payload)", "?, ?, ?, ?, FALSE, ?", 5,
                eventRowValues, (insert, p, row) -> {
                    insert.setLong(p, row.id());
                    insert.setLong(p + 1, row.streamId());
                    insert.setLong(p + 2, row.batchRowId());
                    insert.setLong(p + 3, row.event().index());
                    insert.setString(p + 4, row.event().json());
                });
        List<StreamEntity> extended = coverageEndBefore.keySet().stream().map(streams::get).toList();
        if (DatabaseKind.isPostgreSQL(dbKind)) {
            extendInOneStatementEach(c, extended, coverageEndBefore);
        } else {
            extendRowByRow(c, extended, coverageEndBefore);
        }
        return results;
    }

    /**
     * Moves each stream's last coverage row and the stream's row to their new ends, with one statement per table
     * (PostgreSQL's {@code UPDATE ... FROM (VALUES ...)}).
     */
    private static void extendInOneStatementEach(Connection c, List<StreamEntity> extended,
            Map<Long, Long> coverageEndBefore) throws SQLException {
        String rows = String.join(", ", Collections.nCopies(extended.size(), "(?::bigint, ?::bigint, ?::bigint)"));
        try (PreparedStatement coverage = c.prepareStatement("UPDATE coverage_interval SET end_index = v.new_end"
                + " FROM (VALUES " + rows + ") AS v(stream_id, old_end, new_end)"
                + " WHERE coverage_interval.stream_id = v.stream_id AND coverage_interval.end_index = v.old_end");
                PreparedStatement stream = c.prepareStatement("UPDATE stream SET last_live_end = v.new_end,"
                        + " last_end = v.new_end, last_live_at = v.at FROM (VALUES " + rows + ") AS v(id, new_end, at)"
                        + " WHERE stream.id = v.id")) {
            int p = 1;
            for (StreamEntity s : extended) {
                coverage.setLong(p, s.id);
                coverage.setLong(p + 1, coverageEndBefore.get(s.id));
                coverage.setLong(p + 2, s.lastEnd);
                stream.setLong(p, s.id);
                stream.setLong(p + 1, s.lastEnd);
                stream.setLong(p + 2, s.lastLiveAt.toEpochMilli());
                p += 3;
            }
            requireAllMoved(coverage.executeUpdate(), extended.size());
            stream.executeUpdate();
        }
    }

    /** The same, one statement per row (a JDBC batch), for the other databases. */
    private static void extendRowByRow(Connection c, List<StreamEntity> extended, Map<Long, Long> coverageEndBefore)
            throws SQLException {
        try (PreparedStatement coverage = c.prepareStatement(
                "UPDATE coverage_interval SET end_index = ? WHERE stream_id = ? AND end_index = ?");
                PreparedStatement stream = c.prepareStatement(
                        "UPDATE stream SET last_live_end = ?, last_end = ?, last_live_at = ? WHERE id = ?")) {
            for (StreamEntity s : extended) {
                coverage.setLong(1, s.lastEnd);
                coverage.setLong(2, s.id);
                coverage.setLong(3, coverageEndBefore.get(s.id));
                coverage.addBatch();
                stream.setLong(1, s.lastEnd);
                stream.setLong(2, s.lastEnd);
                stream.setLong(3, s.lastLiveAt.toEpochMilli());
                stream.setLong(4, s.id);
                stream.addBatch();
            }
            int moved = 0;
            for (int updated : coverage.executeBatch()) {
                moved += updated == PreparedStatement.SUCCESS_NO_INFO ? 1 : updated;
            }
            requireAllMoved(moved, extended.size());
            stream.executeBatch();
        }
    }

    /**
     * A stream's last end always has a coverage row ending there; if not, the whole group takes the general path,
     * which reads the whole coverage.
     */
    private static void requireAllMoved(int moved, int streams) {
        if (moved != streams) {
            throw new IllegalStateException(moved + " of " + streams + " streams had their last coverage row where"
                    + " their lastEnd says");
        }
    }

    /** The stream id of each message, null where the stream does not exist yet. */
    private Long[] resolveStreams(Connection c, List<Message> group) throws SQLException {
        Long[] ids = new Long[group.size()];
        try (PreparedStatement find = c
                .prepareStatement("SELECT id FROM stream WHERE device_id = ? AND batch_id = ?")) {
            for (int i = 0; i < group.size(); i++) {
                Message m = group.get(i);
                StreamKey key = new StreamKey(m.deviceId(), m.envelope().properties().batchId());
                Long id = streamIds.get(key);
                if (id == null) {
                    find.setString(1, key.deviceId());
                    find.setString(2, key.streamId());
                    try (ResultSet rs = find.executeQuery()) {
                        if (rs.next()) {
                            id = rs.getLong(1);
                            if (streamIds.size() >= MAX_CACHED_STREAMS) {
                                streamIds.clear();
                            }
                            streamIds.put(key, id);
                        }
                    }
                }
                ids[i] = id;
            }
        }
        return ids;
    }

    /** Locks the streams' rows in id order (so that writers never deadlock each other) and reads them. */
    private static Map<Long, StreamEntity> lockStreams(Connection c, Long[] ids) throws SQLException {
        Map<Long, StreamEntity> streams = new HashMap<>();
        List<Long> sorted = Arrays.stream(ids).filter(Objects::nonNull).distinct().sorted().toList();
        if (sorted.isEmpty()) {
            return streams;
        }
        String sql = "SELECT id, index_kind, origin, last_live_end, backlog_from, open_gaps, last_end FROM stream"
                + " WHERE id IN (" + placeholders(sorted.size()) + ") ORDER BY id FOR UPDATE";
        try (PreparedStatement lock = c.prepareStatement(sql)) {
            for (int i = 0; i < sorted.size(); i++) {
                lock.setLong(i + 1, sorted.get(i));
            }
            try (ResultSet rs = lock.executeQuery()) {
                while (rs.next()) {
                    StreamEntity s = new StreamEntity();
                    s.id = rs.getLong(1);
                    s.indexKind = IndexKind.valueOf(rs.getString(2));
                    s.origin = nullableLong(rs, 3);
                    s.lastLiveEnd = nullableLong(rs, 4);
                    s.backlogFrom = nullableLong(rs, 5);
                    s.openGaps = rs.getInt(6);
                    s.lastEnd = nullableLong(rs, 7);
                    streams.put(s.id, s);
                }
            }
        }
        return streams;
    }

    /** The group's message ids that are recorded already. */
    private static Set<String> recordedMessageIds(Connection c, List<Message> group) throws SQLException {
        Set<String> found = new HashSet<>();
        String sql = "SELECT message_id FROM recorded_batch WHERE message_id IN (" + placeholders(group.size()) + ")";
        try (PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < group.size(); i++) {
                select.setString(i + 1, group.get(i).envelope().messageId());
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    private record BatchRow(long id, long streamId, Message message) {
    }

    private record EventRow(long id, long streamId, long batchRowId, BatchBody.Event event) {
    }

    /** Sets the parameters of one row, from {@code first} on. */
    @FunctionalInterface
    private interface RowBinder<T> {
        void bind(PreparedStatement insert, int first, T row) throws SQLException;
    }

    /**
     * Inserts rows with multi-row {@code VALUES} statements of at most {@link #ROWS_PER_INSERT} rows: one statement
     * and one round trip per chunk instead of one per row.
     *
     * @param values one row's values: {@code parameters} placeholders and any constants
     */
    private static <T> void insertRows(Connection c, String tableAndColumns, String values, int parameters,
            List<T> rows, RowBinder<T> binder) throws SQLException {
        String row = "(" + values + ")";
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<T> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            String sql = "INSERT INTO " + tableAndColumns + " VALUES " + String.join(", ", Collections.nCopies(chunk
                    .size(), row));
            try (PreparedStatement insert = c.prepareStatement(sql)) {
                for (int r = 0; r < chunk.size(); r++) {
                    binder.bind(insert, 1 + r * parameters, chunk.get(r));
                }
                insert.executeUpdate();
            }
        }
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }
}
