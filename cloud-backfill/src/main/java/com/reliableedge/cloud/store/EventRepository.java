package com.reliableedge.cloud.store;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/** The stored events (the default sink); reads run in the caller's transaction. */
@ApplicationScoped
public class EventRepository {

    /**
     * The stream's events with index in {@code [from, to)} after {@code (afterIndex, afterId)}, in {@code (index, id)}
     * order, at most {@code max}.
     */
    public List<EventEntity> page(long streamId, long from, long to, long afterIndex, long afterId, int max) {
        return EventEntity.getEntityManager().createQuery("from EventEntity e"
                + " where e.streamId = :s and e.index >= :from and e.index < :to"
                + " and (e.index > :ai or (e.index = :ai and e.id > :aid)) order by e.index, e.id", EventEntity.class)
                .setParameter("s", streamId)
                .setParameter("from", from)
                .setParameter("to", to)
                .setParameter("ai", afterIndex)
                .setParameter("aid", afterId)
                .setMaxResults(max)
                .getResultList();
    }
}
