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
import com.reliableedge.cloud.store.RequestRepository;
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
    private final RequestRepository requestRows;
    private final RequestService requests;

    public RetryConsumer(BackfillConfig config, Clock clock, RetryQueue queue, StreamStore streams,
            RequestRepository requestRows, RequestService requests) {
        this.config = config;
        this.clock = clock;
        this.queue = queue;
        this.streams = streams;
        this.requestRows = requestRows;
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
        // Stalled streams' requests wait (PROTOCOL.md section 6) and must not crowd out the others.
        List<RequestRepository.Ref> rows = QuarkusTransaction.requiringNew().call(() -> requestRows.expired(
                now.minus(config.scanInterval()), now.minus(config.stallAfter()), config.dispatchBatchSize()));
        int evaluated = 0;
        for (RequestRepository.Ref row : rows) {
            RequestService.RetryAction action = QuarkusTransaction.requiringNew()
                    .call(() -> handle(row.requestId(), row.attempt(), now));
            if (action instanceof RequestService.Delete) {
                evaluated++;
            }
        }
        return evaluated;
    }

    private RequestService.RetryAction handle(String requestId, int attempt, Instant now) {
        BackfillRequestEntity peek = requestRows.find(requestId);
        if (peek == null) {
            return new RequestService.Delete();
        }
        StreamEntity stream = streams.lock(peek.streamId);
        requestRows.refresh(peek);
        return requests.onRetry(stream, peek, attempt, now);
    }
}
