package com.reliableedge.cloud.store;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/** The queries of gaps; they run in the caller's transaction. */
@ApplicationScoped
public class GapRepository {

    /** An open gap that the scanner may plan, with its stream's index kind. */
    public record Candidate(long streamId, IndexKind indexKind, Window gap) {
    }

    /** A gap with its stream. */
    public record WithStream(GapEntity gap, StreamEntity stream) {
    }

    /**
     * Open gaps observed at {@code observedBy} or before, of registered streams with a live batch after
     * {@code liveAfter} that are not parked at {@code now}, that no single request in one of {@code blocking}
     * covers; oldest observed first. Its cost grows with the open gaps, never with the recorded batches.
     */
    public List<Candidate> candidates(Instant observedBy, Instant liveAfter, Instant now,
            List<RequestState> blocking) {
        return GapEntity.getEntityManager()
                .createQuery("select g.streamId, s.indexKind, g.startIndex, g.endIndex"
                        + " from GapEntity g, StreamEntity s, DeviceEntity d"
                        + " where g.state = :open and g.observedAt <= :eligible and s.id = g.streamId"
                        + " and s.lastLiveAt > :liveAfter and d.deviceId = s.deviceId"
                        + " and (s.scanParkedUntil is null or s.scanParkedUntil <= :now)"
                        + " and not exists (select r.requestId from BackfillRequestEntity r where r.streamId ="
                        + " g.streamId and r.state in (:blocking) and r.startIndex <= g.startIndex"
                        + " and r.endIndex >= g.endIndex) order by g.observedAt, g.id", Object[].class)
                .setParameter("open", GapEntity.State.OPEN)
                .setParameter("eligible", observedBy)
                .setParameter("liveAfter", liveAfter)
                .setParameter("now", now)
                .setParameter("blocking", blocking)
                .getResultList().stream()
                .map(row -> new Candidate((Long) row[0], (IndexKind) row[1],
                        new Window((Long) row[2], (Long) row[3])))
                .toList();
    }

    /** The stream's open gaps in index order. */
    public List<GapEntity> open(long streamId) {
        return GapEntity.list("streamId = ?1 and state = ?2 order by startIndex", streamId, GapEntity.State.OPEN);
    }

    /** The stream's gaps in any state that overlap {@code [start, end)}, in index order, at most {@code max}. */
    public List<GapEntity> within(long streamId, long start, long end, int max) {
        return GapEntity.find("streamId = ?1 and endIndex > ?2 and startIndex < ?3 order by startIndex, id",
                streamId, start, end).range(0, max - 1).list();
    }

    /** The stream's open gaps that overlap {@code [start, end)}, in index order. */
    public List<GapEntity> openWithin(long streamId, long start, long end) {
        return GapEntity.list("streamId = ?1 and state = ?2 and endIndex > ?3 and startIndex < ?4 order by startIndex",
                streamId, GapEntity.State.OPEN, start, end);
    }

    /** Gaps in {@code state} with their streams, oldest observed first, at most {@code max}. */
    public List<WithStream> inState(GapEntity.State state, int max) {
        return GapEntity.getEntityManager().createQuery(
                "select g, s from GapEntity g, StreamEntity s where s.id = g.streamId and g.state = :state"
                        + " order by g.observedAt, g.id",
                Object[].class)
                .setParameter("state", state)
                .setMaxResults(max)
                .getResultList().stream().map(row -> new WithStream((GapEntity) row[0], (StreamEntity) row[1]))
                .toList();
    }
}
