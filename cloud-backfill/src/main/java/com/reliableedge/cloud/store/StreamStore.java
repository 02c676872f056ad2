package com.reliableedge.cloud.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.Query;

import com.reliableedge.cloud.coverage.GapChanges;
import com.reliableedge.cloud.coverage.GapReconciler;
import com.reliableedge.cloud.coverage.GapRules;
import com.reliableedge.cloud.coverage.OpenGap;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The persistent state of streams: the stream rows (each stream's lock), their coverage, lost windows and gaps.
 * Methods other than {@link #findOrCreate} run inside the caller's transaction, which must hold the stream's lock
 * ({@link #lock}) before changing anything of it.
 */
@ApplicationScoped
public class StreamStore {

    public Optional<StreamEntity> find(String deviceId, String batchId) {
        return StreamEntity.find("deviceId = ?1 and batchId = ?2", deviceId, batchId).firstResultOptional();
    }

    /** The streams after {@code (afterDevice, afterBatch)} in {@code (deviceId, batchId)} order, at most {@code max}. */
    public List<StreamEntity> page(String afterDevice, String afterBatch, int max) {
        return StreamEntity.getEntityManager().createQuery("from StreamEntity s"
                + " where s.deviceId > :d or (s.deviceId = :d and s.batchId > :b) order by s.deviceId, s.batchId",
                StreamEntity.class)
                .setParameter("d", afterDevice)
                .setParameter("b", afterBatch)
                .setMaxResults(max)
                .getResultList();
    }

    /**
     * How much of {@code [origin, lastLiveEnd)} each stream's coverage holds, summed by the database over the
     * (disjoint) coverage rows of just these streams: no coverage row is loaded. Streams without a live batch, or
     * without coverage in that range, are absent.
     */
    public Map<Long, Long> coveredInBound(List<StreamEntity> page) {
        List<Long> ids = page.stream().filter(s -> s.origin != null && s.lastLiveEnd != null).map(s -> s.id).toList();
        Map<Long, Long> covered = new HashMap<>();
        if (ids.isEmpty()) {
            return covered;
        }
        List<Object[]> sums = StreamEntity.getEntityManager().createQuery("select c.streamId, sum("
                + "(case when c.endIndex < s.lastLiveEnd then c.endIndex else s.lastLiveEnd end)"
                + " - (case when c.startIndex > s.origin then c.startIndex else s.origin end))"
                + " from CoverageIntervalEntity c, StreamEntity s where s.id = c.streamId and s.id in :ids"
                + " and c.endIndex > s.origin and c.startIndex < s.lastLiveEnd group by c.streamId", Object[].class)
                .setParameter("ids", ids)
                .getResultList();
        for (Object[] row : sums) {
            covered.put(((Number) row[0]).longValue(), row[1] == null ? 0L : ((Number) row[1]).longValue());
        }
        return covered;
    }

    /** The device's streams in id order (the order in which ingest locks them, so that the two never deadlock). */
    public List<StreamEntity> ownedBy(String deviceId) {
        return StreamEntity.list("deviceId = ?1 order by id", deviceId);
    }

    /**
     * The stream's row, created in its own transaction when missing. Two instances may race to create it: the
     * unique key lets one win and the other reads the winner's row. A new stream is counted against
     * {@code maxStreams} under the lock of the device's row, so concurrent creations (on any instance) cannot pass
     * the limit together.
     *
     * @throws TooManyStreamsException when the device has {@code maxStreams} streams already
     */
    public StreamEntity findOrCreate(String deviceId, String batchId, IndexKind kind, Instant now, int maxStreams) {
        for (int attempt = 0;; attempt++) {
            try {
                return QuarkusTransaction.requiringNew().call(() -> find(deviceId, batchId).orElseGet(() -> {
                    DeviceEntity.findById(deviceId, LockModeType.PESSIMISTIC_WRITE);
                    long owned = StreamEntity.count("deviceId", deviceId);
                    if (owned >= maxStreams) {
                        throw new TooManyStreamsException(deviceId, maxStreams);
                    }
                    StreamEntity s = new StreamEntity();
                    s.deviceId = deviceId;
                    s.batchId = batchId;
                    s.indexKind = kind;
                    s.createdAt = now;
                    s.lastLiveAt = now;
                    s.persistAndFlush();
                    return s;
                }));
            } catch (PersistenceException e) {
                if (attempt >= 2) {
                    throw e;
                }
            }
        }
    }

    /** The stream's row, locked until the end of the transaction, or empty when the stream does not exist yet. */
    public Optional<StreamEntity> findLocked(String deviceId, String batchId) {
        return StreamEntity.<StreamEntity>find("deviceId = ?1 and batchId = ?2", deviceId, batchId)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /** The stream of {@code streamId}, or null. */
    public StreamEntity byId(long streamId) {
        return StreamEntity.findById(streamId);
    }

    /** Locks the stream's row until the end of the transaction: updates to one stream are serial. */
    public StreamEntity lock(long streamId) {
        return StreamEntity.findById(streamId, LockModeType.PESSIMISTIC_WRITE);
    }

    public IntervalSet coverage(long streamId) {
        IntervalSet set = new IntervalSet();
        for (CoverageIntervalEntity row : CoverageIntervalEntity.<CoverageIntervalEntity>list("streamId", streamId)) {
            set.add(row.startIndex, row.endIndex);
        }
        return set;
    }

    public IntervalSet lost(long streamId) {
        IntervalSet set = new IntervalSet();
        for (LostWindowEntity row : LostWindowEntity.<LostWindowEntity>list("streamId", streamId)) {
            set.add(row.startIndex, row.endIndex);
        }
        return set;
    }

    /** The stream's lost windows that overlap {@code [start, end)}, in index order. */
    public List<LostWindowEntity> lostWithin(long streamId, long start, long end) {
        return LostWindowEntity.list("streamId = ?1 and endIndex > ?2 and startIndex < ?3 order by startIndex",
                streamId, start, end);
    }

    /**
     * Adds {@code window} to the stream's coverage, both in {@code coverage} (the stream's coverage as loaded in
     * this transaction) and in the database.
     *
     * @return the parts of the window that were not covered before, in order
     */
    public List<Window> addCoverage(StreamEntity stream, IntervalSet coverage, Window window) {
        List<Window> fresh = coverage.gaps(window);
        if (fresh.isEmpty()) {
            return fresh;
        }
        // Rows that the window overlaps or touches merge into one.
        CoverageIntervalEntity.delete("streamId = ?1 and endIndex >= ?2 and startIndex <= ?3", stream.id,
                window.start(), window.end());
        coverage.add(window);
        Window merged = coverage.intervals().stream()
                .filter(i -> i.start() <= window.start() && i.end() >= window.end()).findFirst().orElseThrow();
        CoverageIntervalEntity row = new CoverageIntervalEntity();
        row.streamId = stream.id;
        row.startIndex = merged.start();
        row.endIndex = merged.end();
        row.persist();
        Optional<Window> span = coverage.span();
        stream.firstStart = span.map(Window::start).orElse(null);
        stream.lastEnd = span.map(Window::end).orElse(null);
        return fresh;
    }

    /**
     * Moves the end of each stream's last coverage row to the stream's {@code lastEnd}, in one statement: the row of
     * {@code streams.get(i)} that ends at {@code endsBefore.get(i)}. SQL, not HQL or entities: on ingest's fast path
     * one UPDATE per row (entities) or an HQL statement translated on every run cost a third of the throughput
     * (docs/BENCHMARKS.md).
     *
     * @return how many rows moved: one per stream when each stream's coverage ended where {@code endsBefore} says
     */
    public int extendLastCoverage(List<StreamEntity> streams, List<Long> endsBefore) {
        StringBuilder newEnd = new StringBuilder("CASE stream_id");
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < streams.size(); i++) {
            int p = 3 * i + 1;
            newEnd.append(" WHEN ?").append(p).append(" THEN ?").append(p + 1);
            where.append(i == 0 ? "" : " OR ").append("(stream_id = ?").append(p).append(" AND end_index = ?")
                    .append(p + 2).append(')');
        }
        Query update = CoverageIntervalEntity.getEntityManager().createNativeQuery("UPDATE coverage_interval SET"
                + " end_index = " + newEnd + " ELSE end_index END WHERE " + where);
        for (int i = 0; i < streams.size(); i++) {
            update.setParameter(3 * i + 1, streams.get(i).id);
            update.setParameter(3 * i + 2, streams.get(i).lastEnd);
            update.setParameter(3 * i + 3, endsBefore.get(i));
        }
        return update.executeUpdate();
    }

    /**
     * Writes the live ends of streams whose rows this transaction locked ({@code lastLiveEnd}, {@code lastEnd},
     * {@code lastLiveAt}, as the detached entities hold them), in one SQL statement, as above.
     */
    public void writeLiveEnds(List<StreamEntity> streams) {
        StringBuilder liveEnd = new StringBuilder("CASE id");
        StringBuilder at = new StringBuilder("CASE id");
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < streams.size(); i++) {
            int p = 3 * i + 1;
            liveEnd.append(" WHEN ?").append(p).append(" THEN ?").append(p + 1);
            at.append(" WHEN ?").append(p).append(" THEN ?").append(p + 2);
            ids.append(i == 0 ? "?" : ", ?").append(p);
        }
        Query update = StreamEntity.getEntityManager().createNativeQuery("UPDATE stream SET last_live_end = "
                + liveEnd + " ELSE last_live_end END, last_end = " + liveEnd + " ELSE last_end END, last_live_at = "
                + at + " ELSE last_live_at END WHERE id IN (" + ids + ")");
        for (int i = 0; i < streams.size(); i++) {
            StreamEntity stream = streams.get(i);
            update.setParameter(3 * i + 1, stream.id);
            update.setParameter(3 * i + 2, stream.lastEnd);
            update.setParameter(3 * i + 3, stream.lastLiveAt.toEpochMilli());
        }
        update.executeUpdate();
    }

    /** {@code ?first, ?first+1, ...}: {@code count} numbered parameters of a native query. */
    public static String placeholders(int first, int count) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < count; i++) {
            s.append(i == 0 ? "?" : ", ?").append(first + i);
        }
        return s.toString();
    }

    /** Records the parts of {@code window} that neither coverage nor earlier lost windows hold as lost. */
    public List<Window> addLost(StreamEntity stream, IntervalSet coverage, IntervalSet lost, Window window,
            String reason, String requestId, Instant now) {
        List<Window> recorded = new ArrayList<>();
        for (Window hole : coverage.gaps(window)) {
            for (Window piece : lost.gaps(hole)) {
                LostWindowEntity row = new LostWindowEntity();
                row.streamId = stream.id;
                row.startIndex = piece.start();
                row.endIndex = piece.end();
                row.reason = reason == null ? null : truncate(reason, 500);
                row.requestId = requestId;
                row.recordedAt = now;
                row.persist();
                recorded.add(piece);
            }
        }
        recorded.forEach(lost::add);
        return recorded;
    }

    /** Recomputes the stream's gaps from its bound, coverage and lost windows, and writes the differences. */
    public GapChanges refreshGaps(StreamEntity stream, IntervalSet coverage, IntervalSet lost, long floor,
            Instant now) {
        List<GapEntity> rows = GapEntity.list("streamId = ?1 and state = ?2", stream.id, GapEntity.State.OPEN);
        List<OpenGap> stored = new ArrayList<>(rows.size());
        for (GapEntity g : rows) {
            stored.add(new OpenGap(g.id, new Window(g.startIndex, g.endIndex), g.observedAt));
        }
        List<Window> current = GapRules.gaps(GapRules.bound(stream.origin, stream.lastLiveEnd, stream.backlogFrom,
                floor), coverage, lost);
        GapChanges changes = GapReconciler.reconcile(stored, current, coverage, now);
        if (changes.isEmpty()) {
            return changes;
        }
        for (OpenGap g : changes.replaced()) {
            GapEntity.deleteById(g.id());
        }
        for (OpenGap g : changes.closed()) {
            close(g.id(), GapEntity.State.CLOSED, now);
        }
        for (OpenGap g : changes.lost()) {
            close(g.id(), GapEntity.State.LOST, now);
        }
        for (GapChanges.NewGap g : changes.inserted()) {
            GapEntity row = new GapEntity();
            row.streamId = stream.id;
            row.startIndex = g.interval().start();
            row.endIndex = g.interval().end();
            row.state = GapEntity.State.OPEN;
            row.observedAt = g.observedAt();
            row.persist();
        }
        stream.openGaps = current.size();
        return changes;
    }

    private static void close(long id, GapEntity.State state, Instant now) {
        GapEntity row = GapEntity.findById(id);
        row.state = state;
        row.closedAt = now;
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
