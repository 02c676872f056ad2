package com.reliableedge.cloud.request;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.coverage.StreamHealth;
import com.reliableedge.cloud.queue.RetryQueue;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.RequestRepository;
import com.reliableedge.cloud.store.RequestState;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.logging.Log;

/**
 * The transitions of backfill requests (PROTOCOL.md section 6). Every method runs inside the caller's transaction
 * and expects it to hold the lock of the request's stream ({@link StreamStore#lock}): all changes to a stream's
 * requests are serialized by that lock, and each transition also checks the {@code (state, attempt)} it started
 * from.
 */
@ApplicationScoped
public class RequestService {

    /** What the retry consumer does with a retry message after looking at its request. */
    public sealed interface RetryAction {
    }

    /** Done with it, or it no longer matches the row: delete it. */
    public record Delete() implements RetryAction {
    }

    /** Not yet: hide it until then. */
    public record Defer(Instant until) implements RetryAction {
    }

    /** Most new requests for the remainder of one request (see {@link RequestDecisions#joinRemainder}). */
    static final int MAX_REMAINDER_REQUESTS = 16;

    private final BackfillConfig config;
    private final StreamStore streams;
    private final RequestRepository requestRows;
    private final RetryQueue queue;

    public RequestService(BackfillConfig config, StreamStore streams, RequestRepository requestRows,
            RetryQueue queue) {
        this.config = config;
        this.streams = streams;
        this.requestRows = requestRows;
        this.queue = queue;
    }

    /** Creates PENDING requests, due now, for {@code windows} of the stream. */
    public List<BackfillRequestEntity> create(StreamEntity stream, List<Window> windows, int attempt,
            String parentId, boolean operatorRequest, Instant now) {
        List<BackfillRequestEntity> created = new ArrayList<>(windows.size());
        for (Window w : windows) {
            BackfillRequestEntity r = new BackfillRequestEntity();
            r.requestId = UUID.randomUUID().toString();
            r.streamId = stream.id;
            r.startIndex = w.start();
            r.endIndex = w.end();
            r.state = RequestState.PENDING;
            r.attempt = attempt;
            r.nextAttemptAt = now;
            r.parentRequestId = parentId;
            r.operatorRequest = operatorRequest;
            r.createdAt = now;
            r.updatedAt = now;
            r.persist();
            created.add(r);
        }
        if (!created.isEmpty()) {
            Log.infof("stream %s/%s: %d new request(s) from %s to %s (attempt %d)", stream.deviceId, stream.batchId,
                    windows.size(), windows.get(0).start(), windows.get(windows.size() - 1).end(), attempt);
        }
        return created;
    }

    /** A backfill batch arrived for {@code requestId}: an accepted request's expiry moves forward. */
    public void onBackfillBatch(StreamEntity stream, String requestId, Instant now) {
        BackfillRequestEntity r = requestRows.find(requestId);
        if (r == null || !r.streamId.equals(stream.id) || r.state != RequestState.REQUESTED) {
            return;
        }
        Instant pushed = RequestDecisions.pushedExpiry(r.expiresAt, now, config.expiry());
        if (!pushed.equals(r.expiresAt)) {
            r.expiresAt = pushed;
            r.updatedAt = now;
        }
    }

    /**
     * A {@code backfillStatus} for sub-range {@code range}: an {@code unavailable} range minus coverage is recorded
     * lost (whoever's request it was); once every part of an active request is covered, lost or reported, the
     * request is evaluated.
     *
     * @return whether lost windows were recorded (the stream's gaps change)
     */
    public boolean onStatus(StreamEntity stream, IntervalSet coverage, IntervalSet lost, BackfillStatus status,
            Window range, Instant now) {
        boolean lostChanged = false;
        if (status.status() == BackfillStatus.Outcome.UNAVAILABLE) {
            String reason = status.reason() == null ? "unavailable" : "unavailable: " + status.reason();
            lostChanged = !streams.addLost(stream, coverage, lost, range, reason, status.requestId(), now).isEmpty();
        }
        BackfillRequestEntity r = requestRows.find(status.requestId());
        if (r == null || !r.streamId.equals(stream.id) || !RequestDecisions.isActive(r.state)) {
            return lostChanged;
        }
        IntervalSet reported = parseReported(r.reported);
        reported.add(range);
        r.reported = formatReported(reported);
        r.updatedAt = now;
        Window window = new Window(r.startIndex, r.endIndex);
        IntervalSet lostForRequest = r.operatorRequest ? new IntervalSet() : lost;
        if (RequestDecisions.fullyReported(window, coverage, lostForRequest, reported)) {
            evaluate(stream, r, coverage, lost, now);
        }
        return lostChanged;
    }

    /** What to do with a REQUESTED request whose retry message became visible or whose expiry passed. */
    public RetryAction onRetry(StreamEntity stream, BackfillRequestEntity r, int attempt, Instant now) {
        if (r.state != RequestState.REQUESTED || r.attempt != attempt) {
            return new Delete();
        }
        if (r.expiresAt != null && r.expiresAt.isAfter(now)) {
            return new Defer(r.expiresAt);
        }
        if (StreamHealth.isStalled(stream.lastLiveAt, now, config.stallAfter())) {
            // Paused without using an attempt; looked at again when the stream may be back.
            return new Defer(now.plus(config.stallAfter()));
        }
        evaluate(stream, r, streams.coverage(stream.id), streams.lost(stream.id), now);
        return new Delete();
    }

    /** Remaining = window minus coverage: COMPLETED, UNRECOVERABLE, new requests for the rest, or FAILED. */
    public void evaluate(StreamEntity stream, BackfillRequestEntity r, IntervalSet coverage, IntervalSet lost,
            Instant now) {
        Window window = new Window(r.startIndex, r.endIndex);
        RequestDecisions.Outcome outcome = RequestDecisions.evaluate(window, coverage, lost, r.operatorRequest,
                r.attempt, config.maxAttempts());
        if (outcome instanceof RequestDecisions.Completed) {
            finish(r, RequestState.COMPLETED, "window covered", now);
        } else if (outcome instanceof RequestDecisions.Unrecoverable) {
            finish(r, RequestState.UNRECOVERABLE, "what remains was reported unavailable", now);
        } else if (outcome instanceof RequestDecisions.Failed failed) {
            finish(r, RequestState.FAILED,
                    "still missing " + RequestDecisions.describe(failed.remaining()) + " after " + r.attempt
                            + " accepted attempts",
                    now);
        } else if (outcome instanceof RequestDecisions.Retry retry) {
            List<BackfillRequestEntity> next = create(stream,
                    RequestDecisions.joinRemainder(retry.remaining(), MAX_REMAINDER_REQUESTS), r.attempt + 1,
                    r.requestId, r.operatorRequest, now);
            finish(r, RequestState.COMPLETED, "remainder re-requested as "
                    + next.stream().map(n -> n.requestId).collect(Collectors.joining(",")), now);
        }
    }

    /**
     * Applies the outcome of a send ({@link RequestDecisions#afterSend}) to the request that was sent: REQUESTED
     * with its expiry and retry message, FAILED, or PENDING until the next attempt. The caller checked that the row
     * is still the one it sent.
     */
    public void apply(BackfillRequestEntity r, RequestDecisions.SendOutcome outcome, Instant now) {
        if (outcome instanceof RequestDecisions.Accepted accepted) {
            r.state = RequestState.REQUESTED;
            r.requestedAt = now;
            r.expiresAt = accepted.expiresAt();
            r.nextAttemptAt = null;
            r.retryDelayMs = null;
            r.leaseOwner = null;
            r.leaseUntil = null;
            r.reason = null;
            r.updatedAt = now;
            queue.send(new RetryMessage(r.requestId, r.attempt).format(), accepted.retryVisibleIn());
        } else if (outcome instanceof RequestDecisions.Refused refused) {
            finish(r, RequestState.FAILED, refused.reason(), now);
        } else if (outcome instanceof RequestDecisions.Backoff backoff) {
            r.retryDelayMs = backoff.delay().toMillis();
            r.nextAttemptAt = backoff.nextAttemptAt();
            r.leaseOwner = null;
            r.leaseUntil = null;
            r.reason = backoff.reason();
            r.updatedAt = now;
        }
    }

    /** Ends a request in a terminal state. */
    public void finish(BackfillRequestEntity r, RequestState state, String reason, Instant now) {
        Log.infof("request %s [%d, %d) attempt %d: %s -> %s (%s)", r.requestId, r.startIndex, r.endIndex, r.attempt,
                r.state, state, reason);
        r.state = state;
        r.reason = reason == null || reason.length() <= 1000 ? reason : reason.substring(0, 1000);
        r.nextAttemptAt = null;
        r.leaseOwner = null;
        r.leaseUntil = null;
        r.updatedAt = now;
    }

    /** The lease that a sender holds while calling the device: longer than the invoker's timeouts. */
    public Duration lease() {
        return config.invoker().connectTimeout().plus(config.invoker().responseTimeout()).plusSeconds(30);
    }

    static IntervalSet parseReported(String text) {
        IntervalSet set = new IntervalSet();
        if (text == null || text.isEmpty()) {
            return set;
        }
        for (String pair : text.split(",")) {
            int colon = pair.indexOf(':', 1);
            set.add(Long.parseLong(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)));
        }
        return set;
    }

    static String formatReported(IntervalSet set) {
        return set.intervals().stream().map(i -> i.start() + ":" + i.end()).collect(Collectors.joining(","));
    }
}
