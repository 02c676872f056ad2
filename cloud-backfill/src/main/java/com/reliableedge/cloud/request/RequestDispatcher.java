package com.reliableedge.cloud.request;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.coverage.StreamHealth;
import com.reliableedge.cloud.invoker.MethodInvoker;
import com.reliableedge.cloud.invoker.MethodResult;
import com.reliableedge.cloud.invoker.MethodTarget;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.DeviceEntity;
import com.reliableedge.cloud.store.DeviceRepository;
import com.reliableedge.cloud.store.RequestRepository;
import com.reliableedge.cloud.store.RequestState;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillRequest;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Sends due PENDING requests to their devices. Each send is three steps: claim (a transaction under the stream's
 * lock that recomputes the window against coverage and takes a lease), the method call outside any transaction,
 * and the outcome (a transaction that applies it only if the row is still the claimed {@code (state, attempt)}
 * under this sender's lease). Two instances therefore never send one request at the same time; a lease that ran
 * out (a crashed sender) lets another instance send it again, which the edge answers 202 and serves once. Up to
 * {@code backfill.invoker.concurrency} calls run at once, so offline devices do not hold up the others.
 */
@ApplicationScoped
public class RequestDispatcher {

    /** A claimed request, ready to be sent. */
    record Claim(String requestId, int attempt, MethodTarget target, BackfillRequest payload) {
    }

    private final BackfillConfig config;
    private final Clock clock;
    private final MethodInvoker invoker;
    private final StreamStore streams;
    private final RequestRepository requestRows;
    private final DeviceRepository devices;
    private final RequestService requests;
    private final String instanceId = UUID.randomUUID().toString();
    private final ExecutorService senders;

    public RequestDispatcher(BackfillConfig config, Clock clock, MethodInvoker invoker, StreamStore streams,
            RequestRepository requestRows, DeviceRepository devices, RequestService requests) {
        this.config = config;
        this.clock = clock;
        this.invoker = invoker;
        this.streams = streams;
        this.requestRows = requestRows;
        this.devices = devices;
        this.requests = requests;
        AtomicInteger threads = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(Math.max(1, config.invoker().concurrency()), r -> {
            Thread t = new Thread(r, "backfill-sender-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        senders.shutdownNow();
    }

    /**
     * What one round of sends did.
     *
     * @param due the requests found due
     * @param sent claimed, called and recorded (an answer or none)
     * @param answered of those, the edge answered (any status)
     * @param unanswered calls not finished at the wait bound: claimed ones are sent again once their lease ends,
     *        unclaimed ones stay due
     * @param failed sends that threw (the database, mostly): retried when their lease ends
     */
    public record Dispatch(int due, int sent, int answered, int unanswered, int failed) {
    }

    /** Sends the requests that are due now, at most {@code backfill.dispatch-batch-size}; returns how many. */
    public int dispatchDue() {
        return dispatchDue(null).sent();
    }

    /**
     * Sends the requests that are due now, at most {@code backfill.dispatch-batch-size}, waiting for their calls
     * until {@code waitUntil} (null: until each is done). Calls not done by then are left: not yet started ones never
     * start, running ones finish or die with the process, their claims run out and a later scan sends them again.
     */
    public Dispatch dispatchDue(Instant waitUntil) {
        Instant now = clock.instant();
        List<String> due = QuarkusTransaction.requiringNew()
                .call(() -> requestRows.due(now, now.minus(config.stallAfter()), config.dispatchBatchSize()));
        List<Future<Optional<MethodResult>>> sends = new ArrayList<>(due.size());
        for (String requestId : due) {
            sends.add(senders.submit(() -> send(requestId)));
        }
        int sent = 0;
        int answered = 0;
        int unanswered = 0;
        int failed = 0;
        for (Future<Optional<MethodResult>> send : sends) {
            try {
                Optional<MethodResult> result = waitUntil == null
                        ? send.get()
                        : send.get(Math.max(0, Duration.between(clock.instant(), waitUntil).toMillis()),
                                TimeUnit.MILLISECONDS);
                if (result.isPresent()) {
                    sent++;
                    answered += result.get().answered() ? 1 : 0;
                }
            } catch (TimeoutException e) {
                send.cancel(false);
                unanswered++;
            } catch (ExecutionException e) {
                failed++;
                Log.errorf(e.getCause(), "sending a request failed; it is retried when its lease ends");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Dispatch(due.size(), sent, answered, unanswered, failed);
    }

    /** Claims, sends and records one request; false when it was not (or no longer) due here. */
    public boolean dispatch(String requestId) {
        return send(requestId).isPresent();
    }

    /** Claims, sends and records one request: what the edge answered, or empty when it was not due here. */
    private Optional<MethodResult> send(String requestId) {
        Optional<Claim> claim = QuarkusTransaction.requiringNew().call(() -> claim(requestId, clock.instant()));
        if (claim.isEmpty()) {
            return Optional.empty();
        }
        Claim c = claim.get();
        MethodResult result = invoker.invoke(c.target(), c.payload());
        QuarkusTransaction.requiringNew().run(() -> record(c, result, clock.instant()));
        return Optional.of(result);
    }

    private Optional<Claim> claim(String requestId, Instant now) {
        BackfillRequestEntity peek = requestRows.find(requestId);
        if (peek == null || peek.state != RequestState.PENDING) {
            return Optional.empty();
        }
        StreamEntity stream = streams.lock(peek.streamId);
        requestRows.refresh(peek);
        BackfillRequestEntity r = peek;
        if (!RequestDecisions.isSendable(r.state, r.leaseUntil, r.nextAttemptAt,
                StreamHealth.isStalled(stream.lastLiveAt, now, config.stallAfter()), now)) {
            return Optional.empty();
        }
        DeviceEntity device = devices.find(stream.deviceId);
        if (device == null) {
            requests.finish(r, RequestState.FAILED, "device " + stream.deviceId + " is not registered", now);
            return Optional.empty();
        }
        IntervalSet coverage = streams.coverage(stream.id);
        IntervalSet lost = streams.lost(stream.id);
        Optional<Window> window = RequestDecisions.windowToSend(RequestDecisions.remaining(
                new Window(r.startIndex, r.endIndex), coverage, lost, r.operatorRequest));
        if (window.isEmpty()) {
            requests.evaluate(stream, r, coverage, lost, now);
            return Optional.empty();
        }
        r.startIndex = window.get().start();
        r.endIndex = window.get().end();
        r.leaseOwner = instanceId;
        r.leaseUntil = now.plus(requests.lease());
        r.sendCount++;
        r.updatedAt = now;
        BackfillRequest payload = BackfillRequest.of(r.requestId, stream.deviceId, stream.batchId, stream.indexKind,
                new Window(r.startIndex, r.endIndex), r.attempt);
        return Optional.of(new Claim(r.requestId, r.attempt,
                new MethodTarget(device.deviceId, device.methodUrl, device.sharedKey), payload));
    }

    private void record(Claim c, MethodResult result, Instant now) {
        BackfillRequestEntity peek = requestRows.find(c.requestId());
        if (peek == null) {
            return;
        }
        streams.lock(peek.streamId);
        requestRows.refresh(peek);
        BackfillRequestEntity r = peek;
        if (r.state != RequestState.PENDING || r.attempt != c.attempt() || !instanceId.equals(r.leaseOwner)) {
            Log.infof("request %s changed while it was being sent (%s, attempt %d); its answer %s is dropped",
                    r.requestId, r.state, r.attempt, result.detail());
            return;
        }
        Duration previous = r.retryDelayMs == null ? null : Duration.ofMillis(r.retryDelayMs);
        RequestDecisions.SendOutcome outcome = RequestDecisions.afterSend(result, previous, now, config.expiry(),
                config.retryBackoff());
        requests.apply(r, outcome, now);
        if (outcome instanceof RequestDecisions.Accepted) {
            Log.infof("request %s accepted by %s", r.requestId, c.target().deviceId());
        } else if (outcome instanceof RequestDecisions.Backoff backoff) {
            Log.infof("request %s: %s; next try in %s", r.requestId, r.reason, backoff.delay());
        }
    }
}
