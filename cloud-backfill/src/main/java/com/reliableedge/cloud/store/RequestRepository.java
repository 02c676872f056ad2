package com.reliableedge.cloud.store;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.TypedQuery;

/**
 * The queries of backfill requests. Reads and writes run in the caller's transaction; changing a request needs the
 * lock of its stream ({@link StreamStore#lock}).
 */
@ApplicationScoped
public class RequestRepository {

    /** A request's id and attempt, as a retry message names it. */
    public record Ref(String requestId, int attempt) {
    }

    /** A request with its stream. */
    public record WithStream(BackfillRequestEntity request, StreamEntity stream) {
    }

    public BackfillRequestEntity find(String requestId) {
        return BackfillRequestEntity.findById(requestId);
    }

    /** Reads the row again, after its stream's lock was taken. */
    public void refresh(BackfillRequestEntity r) {
        BackfillRequestEntity.getEntityManager().refresh(r);
    }

    /**
     * PENDING requests due at {@code now} and not leased, of streams with a live batch after {@code liveAfter},
     * earliest due first.
     */
    public List<String> due(Instant now, Instant liveAfter, int max) {
        return BackfillRequestEntity.getEntityManager()
                .createQuery("select r.requestId from BackfillRequestEntity r, StreamEntity s"
                        + " where s.id = r.streamId and r.state = :pending and r.nextAttemptAt <= :now"
                        + " and (r.leaseUntil is null or r.leaseUntil < :now) and s.lastLiveAt > :liveAfter"
                        + " order by r.nextAttemptAt", String.class)
                .setParameter("pending", RequestState.PENDING)
                .setParameter("now", now)
                .setParameter("liveAfter", liveAfter)
                .setMaxResults(max)
                .getResultList();
    }

    /**
     * REQUESTED requests that expired at {@code cutoff} or before, of streams with a live batch after
     * {@code liveAfter}, earliest expiry first.
     */
    public List<Ref> expired(Instant cutoff, Instant liveAfter, int max) {
        return BackfillRequestEntity.getEntityManager()
                .createQuery("select r.requestId, r.attempt from BackfillRequestEntity r, StreamEntity s"
                        + " where s.id = r.streamId and r.state = :requested and r.expiresAt <= :cutoff"
                        + " and s.lastLiveAt > :liveAfter order by r.expiresAt", Object[].class)
                .setParameter("requested", RequestState.REQUESTED)
                .setParameter("cutoff", cutoff)
                .setParameter("liveAfter", liveAfter)
                .setMaxResults(max)
                .getResultList().stream().map(row -> new Ref((String) row[0], (Integer) row[1])).toList();
    }

    /** How many requests are in each state (states without any are absent). */
    public Map<RequestState, Long> countByState() {
        List<Object[]> rows = BackfillRequestEntity.getEntityManager()
                .createQuery("select r.state, count(r) from BackfillRequestEntity r group by r.state", Object[].class)
                .getResultList();
        Map<RequestState, Long> counts = new EnumMap<>(RequestState.class);
        for (Object[] row : rows) {
            counts.put((RequestState) row[0], (Long) row[1]);
        }
        return counts;
    }

    /** The stream's requests in one of {@code states}. */
    public List<BackfillRequestEntity> inStates(long streamId, List<RequestState> states) {
        return BackfillRequestEntity.list("streamId = ?1 and state in ?2", streamId, states);
    }

    /** How many of the stream's requests are in one of {@code states}. */
    public long countInStates(long streamId, List<RequestState> states) {
        return BackfillRequestEntity.count("streamId = ?1 and state in ?2", streamId, states);
    }

    /** The stream's requests that overlap {@code [start, end)}, in index order, at most {@code max}. */
    public List<BackfillRequestEntity> within(long streamId, long start, long end, int max) {
        return BackfillRequestEntity.find("streamId = ?1 and endIndex > ?2 and startIndex < ?3"
                + " order by startIndex, createdAt, requestId", streamId, start, end).range(0, max - 1).list();
    }

    /** The requests made for the remainder of {@code parentId}, oldest first. */
    public List<BackfillRequestEntity> children(String parentId) {
        return BackfillRequestEntity.list("parentRequestId = ?1 order by createdAt, requestId", parentId);
    }

    /** Requests with their streams, newest first, optionally in one state, at most {@code max}. */
    public List<WithStream> newestFirst(Optional<RequestState> state, int max) {
        String where = state.isEmpty() ? "" : " and r.state = :state";
        TypedQuery<Object[]> query = BackfillRequestEntity.getEntityManager().createQuery(
                "select r, s from BackfillRequestEntity r, StreamEntity s where s.id = r.streamId" + where
                        + " order by r.createdAt desc, r.requestId",
                Object[].class).setMaxResults(max);
        state.ifPresent(s -> query.setParameter("state", s));
        return query.getResultList().stream()
                .map(row -> new WithStream((BackfillRequestEntity) row[0], (StreamEntity) row[1])).toList();
    }
}
