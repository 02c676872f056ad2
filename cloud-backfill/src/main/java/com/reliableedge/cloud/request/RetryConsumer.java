package com.reliableedge.cloud.request;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.queue.QueuedMessage;
import com.reliableedge.cloud.queue.RetryQueue;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.ProtocolException;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Consumes visible retry messages, and sweeps REQUESTED rows past their expiry whose message went missing (the
 * database is authoritative: a lost queue message strands nothing).
 */
@ApplicationScoped
public class RetryConsumer {

    /** A message received this often is dropped: the expiry sweep still covers its request. */
    static final int MAX_DEQUEUE = 50;

    private final BackfillConfig config;
    private final Clock clock;
    private final RetryQueue queue;
    private final StreamStore streams;
    private final RequestService requests;

    public RetryConsumer(BackfillConfig config, Clock clock, RetryQueue queue, StreamStore streams,
            RequestService requests) {
        this.config = config;
        this.clock = clock;
        this.queue = queue;
        this.streams = streams;
        this.requests = requests;
    }

    /** Handles the visible retry messages; returns how many it received. */
    public int drain() {
        List<QueuedMessage> messages = queue.receive(32, requests.lease());
        for (QueuedMessage m : messages) {
            RetryMessage retry;
            try {
                retry = RetryMessage.parse(m.body());
            } catch (ProtocolException e) {
                Log.warnf("dropping unreadable retry message %s: %s", m.id(), e.getMessage());
                queue.delete(m);
                continue;
            }
            if (m.dequeueCount() > MAX_DEQUEUE) {
                Log.warnf("dropping retry message for %s after %d receipts", retry.requestId(), m.dequeueCount());
                queue.delete(m);
                continue;
            }
            Instant now = clock.instant();
            RequestService.RetryAction action = QuarkusTransaction.requiringNew()
                    .call(() -> handle(retry.requestId(), retry.attempt(), now));
            if (action instanceof RequestService.Defer defer) {
                Duration hide = Duration.between(now, defer.until());
                queue.updateVisibility(m, hide.isNegative() ? Duration.ZERO : hide);
            } else {
                queue.delete(m);
            }
        }
        return messages.size();
    }

    /** Evaluates REQUESTED rows whose expiry passed more than a scan interval ago: their message was lost. */
    public int sweepExpired() {
        Instant now = clock.instant();
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> BackfillRequestEntity.getEntityManager()
                // Stalled streams' requests wait (PROTOCOL.md section 6) and must not crowd out the others.
                .createQuery("select r.requestId, r.attempt from BackfillRequestEntity r, StreamEntity s"
                        + " where s.id = r.streamId and r.state = :requested and r.expiresAt <= :cutoff"
                        + " and s.lastLiveAt > :liveAfter order by r.expiresAt", Object[].class)
                .setParameter("requested", RequestState.REQUESTED)
                .setParameter("cutoff", now.minus(config.scanInterval()))
                .setParameter("liveAfter", now.minus(config.stallAfter()))
                .setMaxResults(config.dispatchBatchSize())
                .getResultList());
        int evaluated = 0;
        for (Object[] row : rows) {
            RequestService.RetryAction action = QuarkusTransaction.requiringNew()
                    .call(() -> handle((String) row[0], (Integer) row[1], now));
            if (action instanceof RequestService.Delete) {
                evaluated++;
            }
        }
        return evaluated;
    }

    private RequestService.RetryAction handle(String requestId, int attempt, Instant now) {
        BackfillRequestEntity peek = BackfillRequestEntity.findById(requestId);
        if (peek == null) {
            return new RequestService.Delete();
        }
        StreamEntity stream = streams.lock(peek.streamId);
        BackfillRequestEntity.getEntityManager().refresh(peek);
        return requests.onRetry(stream, peek, attempt, now);
    }
}
