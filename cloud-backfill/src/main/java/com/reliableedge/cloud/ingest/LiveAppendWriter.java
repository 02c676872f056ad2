package com.reliableedge.cloud.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Query;

import org.jboss.logging.Logger;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.config.SqlDialect;
import com.reliableedge.cloud.health.BackfillMetrics;
import com.reliableedge.cloud.store.JdbcBatchStore;
import com.reliableedge.cloud.store.RecordedBatchEntity;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.index.StreamKey;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageClass;
import com.reliableedge.protocol.message.MessageProperties;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The fast path, for the common message: a live batch that continues its stream exactly where the stream's coverage
 * ends ({@link IngestService#appendsToCoverage}), which changes no gap. With group commit, request threads hand such
 * batches to a few writer threads; each writer takes every batch waiting (up to {@code backfill.ingest.max-group})
 * and records them in one transaction of a few statements: lock the streams' rows in id order, drop duplicates,
 * insert the batches and their events ({@link JdbcBatchStore}), move the streams' last coverage rows and the streams'
 * ends with one statement per table ({@link StreamStore#extendLastCoverage}, {@link StreamStore#writeLiveEnds}).
 * Without group commit the request thread records its batch the same way, as a group of one. Each request is answered
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

    private final BackfillConfig config;
    private final Clock clock;
    private final BackfillMetrics metrics;
    private final StreamStore streamStore;
    private final JdbcBatchStore rows;
    private final SqlDialect sql;
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

    public LiveAppendWriter(BackfillConfig config, Clock clock, BackfillMetrics metrics, StreamStore streamStore,
            JdbcBatchStore rows, SqlDialect sql) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.streamStore = streamStore;
        this.rows = rows;
        this.sql = sql;
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
        if (config.ingest().writers() < 1 || config.ingest().maxGroup() < 1) {
            throw new IllegalArgumentException("backfill.ingest.writers (" + config.ingest().writers()
                    + ") and backfill.ingest.max-group (" + config.ingest().maxGroup() + ") must be at least 1");
        }
        if (config.ingest().maxGroup() > sql.maxGroup()) {
            throw new IllegalArgumentException("backfill.ingest.max-group (" + config.ingest().maxGroup()
                    + ") must be at most " + sql.maxGroup() + " on " + sql + " (parameters per statement)");
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
     * Records a live batch when it is a plain append to an existing stream: with others in one transaction under
     * group commit, else alone.
     *
     * @return the committed result, or empty when the batch must take the general path
     */
    public Optional<IngestResult> append(String deviceId, Envelope envelope, List<BatchBody.Event> events) {
        Message message = new Message(deviceId, envelope, events);
        if (!running) {
            return alone(message);
        }
        Pending pending = new Pending(message, new CompletableFuture<>());
        queue.add(pending);
        if (!running && queue.remove(pending)) {
            return alone(message);
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
        try {
            results = QuarkusTransaction.requiringNew().call(() -> record(group));
        } catch (RuntimeException e) {
            metrics.groupFailed();
            LOG.warnf(e, "a group of %d live batches failed; each takes the general path", group.size());
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

    /** Without group commit: the batch as a group of one, in its own transaction, not counted as a group. */
    private Optional<IngestResult> alone(Message message) {
        try {
            return Optional.ofNullable(QuarkusTransaction.requiringNew().call(() -> record(List.of(message)))[0]);
        } catch (RuntimeException e) {
            LOG.debugf(e, "a live batch could not be appended; it takes the general path");
            return Optional.empty();
        }
    }

    /** Records the plain appends of the group, in the caller's transaction; the others have no result. */
    private IngestResult[] record(List<Message> group) {
        Instant now = clock.instant();
        Long[] streamOf = resolveStreams(group);
        Map<Long, StreamEntity> streams = lockStreams(sql, streamOf);
        for (int i = 0; i < group.size(); i++) {
            if (streamOf[i] != null && !streams.containsKey(streamOf[i])) {
                // Its row is gone (deleted by hand): look the stream up again next time.
                streamIds.remove(new StreamKey(group.get(i).deviceId(), group.get(i).envelope().properties()
                        .batchId()));
            }
        }
        Set<String> recorded = recordedMessageIds(group);

        IngestResult[] results = new IngestResult[group.size()];
        List<JdbcBatchStore.NewBatch> batches = new ArrayList<>();
        Map<Long, Long> coverageEndBefore = new TreeMap<>();
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
            // The batch keeps every event: its window lies past the end of the coverage.
            batches.add(new JdbcBatchStore.NewBatch(stream.id, messageId, MessageClass.LIVE, props.window().start(),
                    props.window().end(), props.eventCount() == null ? 0 : props.eventCount(),
                    props.backfillRequestId(), props.seq(), now, m.events(), false));
            results[i] = new IngestResult(messageId, IngestResult.Outcome.RECORDED, null, now);
        }
        if (batches.isEmpty()) {
            return results;
        }
        rows.write(batches);
        List<StreamEntity> extended = coverageEndBefore.keySet().stream().map(streams::get).toList();
        requireAllMoved(streamStore.extendLastCoverage(extended, List.copyOf(coverageEndBefore.values())),
                extended.size());
        streamStore.writeLiveEnds(extended);
        return results;
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
    private Long[] resolveStreams(List<Message> group) {
        Long[] ids = new Long[group.size()];
        for (int i = 0; i < group.size(); i++) {
            Message m = group.get(i);
            StreamKey key = new StreamKey(m.deviceId(), m.envelope().properties().batchId());
            Long id = streamIds.get(key);
            if (id == null) {
                id = StreamEntity.getEntityManager().createQuery("select s.id from StreamEntity s"
                        + " where s.deviceId = ?1 and s.batchId = ?2", Long.class)
                        .setParameter(1, key.deviceId()).setParameter(2, key.streamId())
                        .getResultStream().findFirst().orElse(null);
                if (id != null) {
                    if (streamIds.size() >= MAX_CACHED_STREAMS) {
                        streamIds.clear();
                    }
                    streamIds.put(key, id);
                }
            }
            ids[i] = id;
        }
        return ids;
    }

    /**
     * Locks the streams' rows in id order (so that writers never deadlock each other) and reads them, detached: the
     * group writes their new ends with one statement ({@link StreamStore#writeLiveEnds}) rather than the ORM one per
     * row. A group of several streams is locked with one SQL query ({@link SqlDialect#lockStreams}): HQL
     * with a list parameter is translated anew on every run, which costs more than the whole statement here.
     */
    private static Map<Long, StreamEntity> lockStreams(SqlDialect sql, Long[] ids) {
        Map<Long, StreamEntity> streams = new HashMap<>();
        List<Long> sorted = Arrays.stream(ids).filter(Objects::nonNull).distinct().sorted().toList();
        if (sorted.size() == 1) {
            StreamEntity s = StreamEntity.findById(sorted.get(0), LockModeType.PESSIMISTIC_WRITE);
            if (s != null) {
                StreamEntity.getEntityManager().detach(s);
                streams.put(s.id, s);
            }
        } else if (!sorted.isEmpty()) {
            Query lock = StreamEntity.getEntityManager().createNativeQuery(
                    sql.lockStreams(StreamStore.placeholders(1, sorted.size())), StreamEntity.class);
            for (int i = 0; i < sorted.size(); i++) {
                lock.setParameter(i + 1, sorted.get(i));
            }
            for (Object row : lock.getResultList()) {
                StreamEntity s = (StreamEntity) row;
                StreamEntity.getEntityManager().detach(s);
                streams.put(s.id, s);
            }
        }
        return streams;
    }

    /** The group's message ids that are recorded already. */
    private static Set<String> recordedMessageIds(List<Message> group) {
        Query select = RecordedBatchEntity.getEntityManager().createNativeQuery("SELECT message_id FROM"
                + " recorded_batch WHERE message_id IN (" + StreamStore.placeholders(1, group.size()) + ")",
                String.class);
        for (int i = 0; i < group.size(); i++) {
            select.setParameter(i + 1, group.get(i).envelope().messageId());
        }
        Set<String> found = new HashSet<>();
        for (Object id : select.getResultList()) {
            found.add((String) id);
        }
        return found;
    }
}
