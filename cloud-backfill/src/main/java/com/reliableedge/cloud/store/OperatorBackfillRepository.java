package com.reliableedge.cloud.store;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/** The queries of operator backfills; they run in the caller's transaction. */
@ApplicationScoped
public class OperatorBackfillRepository {

    /** An operator backfill with windows left, and its stream. */
    public record Pending(long id, long streamId) {
    }

    public OperatorBackfillEntity find(long id) {
        return OperatorBackfillEntity.findById(id);
    }

    /** Reads the row again, after its stream's lock was taken. */
    public void refresh(OperatorBackfillEntity row) {
        OperatorBackfillEntity.getEntityManager().refresh(row);
    }

    /** The operator backfills whose streams are not parked at {@code now}, oldest first, at most {@code max}. */
    public List<Pending> pending(Instant now, int max) {
        return OperatorBackfillEntity.getEntityManager().createQuery("select o.id, o.streamId"
                + " from OperatorBackfillEntity o, StreamEntity s where s.id = o.streamId"
                + " and (s.scanParkedUntil is null or s.scanParkedUntil <= :now) order by o.id", Object[].class)
                .setParameter("now", now)
                .setMaxResults(max)
                .getResultList().stream().map(row -> new Pending((Long) row[0], (Long) row[1])).toList();
    }

    /** What is left of the stream's operator backfills, oldest first. */
    public List<OperatorBackfillEntity> ofStream(long streamId) {
        return OperatorBackfillEntity.list("streamId = ?1 order by id", streamId);
    }
}
