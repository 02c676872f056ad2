package com.reliableedge.edge.upstream;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.reliableedge.edge.buffer.BatchBuffer;
import com.reliableedge.edge.buffer.BufferException;
import com.reliableedge.edge.buffer.StoredMessage;
import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import io.quarkus.logging.Log;

/**
 * Drains the buffer over one transport: in lane order (live, backlog, backfill; oldest first within a lane, as
 * {@link BatchBuffer#nextToSend} returns them), at most {@code maxInFlight} at once, within the rate budget. A
 * failure pauses all sending for an exponential backoff with jitter; a message leaves the buffer only when
 * acknowledged (or rejected for good, counted).
 */
public class Sender implements AutoCloseable {

    private final BatchBuffer buffer;
    private final Transport transport;
    private final String deviceId;
    private final int maxInFlight;
    private final Duration liveWindow;
    private final Backoff backoff;
    private final RateBudget budget;
    private final Clock wallClock;
    private final MonotonicClock clock;
    private final RelayMetrics metrics;

    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> rejectionsLogged = ConcurrentHashMap.newKeySet();
    /** When each send in flight started (monotonic), for liveness. */
    private final Map<Long, Long> sendStarted = new ConcurrentHashMap<>();
    /** When the dispatcher is due back for its next pass (monotonic), for liveness. */
    private volatile long dueNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ExecutorService workers;
    private final Thread dispatcher;
    private volatile boolean running = true;
    private volatile boolean lastSendFailed;
    private int failures;
    private long pausedUntil;
    private boolean paused;
    private boolean wakeRequested;

    public Sender(BatchBuffer buffer, Transport transport, String deviceId, int maxInFlight, Duration liveWindow,
            Backoff backoff, RateBudget budget, Clock wallClock, MonotonicClock clock, RelayMetrics metrics) {
        this.buffer = buffer;
        this.transport = transport;
        this.deviceId = deviceId;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.liveWindow = liveWindow;
        this.backoff = backoff;
        this.budget = budget;
        this.wallClock = wallClock;
        this.clock = clock;
        this.metrics = metrics;
        this.workers = Executors.newFixedThreadPool(this.maxInFlight, r -> {
            Thread t = new Thread(r, "relay-send");
            t.setDaemon(true);
            return t;
        });
        this.dueNanos = clock.nanos() + PASS_NANOS;
        this.dispatcher = new Thread(this::run, "relay-sender");
        this.dispatcher.setDaemon(true);
    }

    public void start() {
        dispatcher.start();
    }

    /** Something new was sealed: look again now rather than at the next poll. */
    public void wake() {
        lock.lock();
        try {
            wakeRequested = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the last send failed (readiness reports the upstream as unreachable then). */
    public boolean lastSendFailed() {
        return lastSendFailed;
    }

    public int inFlight() {
        return inFlight.size();
    }

    /** Time a pass itself may take before the dispatcher counts as overdue. */
    private static final long PASS_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** When the dispatcher will be back for its next pass, on the monotonic clock; past that it is not progressing. */
    public long nextPassDueNanos() {
        return dueNanos;
    }

    /** Whether the dispatcher thread runs (or has not started yet, or was closed). */
    public boolean alive() {
        return !running || dispatcher.getState() == Thread.State.NEW || dispatcher.isAlive();
    }

    /** When the oldest send in flight started, on the monotonic clock. */
    public OptionalLong oldestSendStartNanos() {
        return sendStarted.values().stream().mapToLong(Long::longValue).min();
    }

    private void due(long waitNanos) {
        dueNanos = clock.nanos() + Math.max(0, waitNanos) + PASS_NANOS;
    }

    private void run() {
        while (running) {
            due(0);
            try {
                dispatchOnce();
            } catch (BufferException e) {
                Log.warnf("Sender cannot read the buffer: %s", e.getMessage());
                await(TimeUnit.SECONDS.toNanos(1));
            } catch (RuntimeException e) {
                Log.errorf(e, "Sender failed; continuing");
                await(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    private void dispatchOnce() {
        long now = clock.nanos();
        lock.lock();
        try {
            if (paused && now - pausedUntil < 0) {
                due(pausedUntil - now);
                changed.awaitNanos(pausedUntil - now);
                return;
            }
            paused = false;
            if (inFlight.size() >= maxInFlight) {
                due(TimeUnit.MILLISECONDS.toNanos(200));
                changed.await(200, TimeUnit.MILLISECONDS);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return;
        } finally {
            lock.unlock();
        }
        int free = maxInFlight - inFlight.size();
        long liveSince = wallClock.millis() - liveWindow.toMillis();
        List<StoredMessage> next = buffer.nextToSend(free, Set.copyOf(inFlight), liveSince);
        if (next.isEmpty()) {
            await(TimeUnit.MILLISECONDS.toNanos(100));
            return;
        }
        for (StoredMessage m : next) {
            long wait = budget.delayNanos(m.body().length);
            if (wait > 0) {
                await(wait);
                return;
            }
            budget.take(m.body().length);
            sendStarted.put(m.id(), clock.nanos());
            inFlight.add(m.id());
            workers.execute(() -> send(m));
        }
    }

    private void await(long nanos) {
        lock.lock();
        try {
            if (!wakeRequested && running) {
                due(nanos);
                changed.awaitNanos(nanos);
            }
            wakeRequested = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private void send(StoredMessage m) {
        try {
            MessageProperties p = m.properties();
            if (p.isLive()) {
                OptionalLong oldest = buffer.oldestLiveStart(p.batchId());
                if (oldest.isPresent() && oldest.getAsLong() < p.window().start()) {
                    p = p.withBacklogFrom(oldest.getAsLong());
                }
            }
            metrics.sent();
            Transport.Result result = transport.send(Envelope.of(deviceId, p), m.body());
            switch (result.outcome()) {
                case ACKED -> {
                    buffer.acknowledge(m.id());
                    metrics.acked();
                    succeeded();
                }
                case REJECTED -> {
                    rejected(p, result);
                    buffer.reject(m.id(), "rejected");
                    succeeded();
                }
                case RETRY -> failed(p, result.detail());
            }
        } catch (RuntimeException e) {
            failed(m.properties(), e.toString());
        } finally {
            inFlight.remove(m.id());
            sendStarted.remove(m.id());
            wake();
        }
    }

    /** Counts a rejection by its reason; logs the first of each stream and reason, so a flood stays one line. */
    private void rejected(MessageProperties p, Transport.Result result) {
        String reason = result.reason();
        metrics.rejected(reason);
        String window = p.window().toString(p.indexKind());
        String detail = result.detail();
        if (rejectionsLogged.size() < 10_000 && rejectionsLogged.add(p.batchId() + "|" + reason)) {
            Log.errorf("Upstream refused %s %s for good (%s); dropping it. Further ones of this stream and reason are"
                    + " only counted: relay_messages_rejected_total{reason=\"%s\"}", p.batchId(), window, detail,
                    reason);
        } else {
            Log.debugf("Upstream refused %s %s for good (%s)", p.batchId(), window, detail);
        }
    }

    private void succeeded() {
        lastSendFailed = false;
        lock.lock();
        try {
            failures = 0;
        } finally {
            lock.unlock();
        }
    }

    private void failed(MessageProperties p, String detail) {
        lastSendFailed = true;
        metrics.sendFailed();
        lock.lock();
        try {
            failures++;
            long delay = backoff.delayNanos(failures, ThreadLocalRandom.current().nextDouble());
            long until = clock.nanos() + delay;
            if (!paused || until - pausedUntil > 0) {
                pausedUntil = until;
            }
            paused = true;
            if (failures == 1 || failures % 20 == 0) {
                Log.warnf("Sending %s %s failed (%s); backing off %d ms (failure %d)", p.batchId(), p.window()
                        .toString(p.indexKind()), detail, TimeUnit.NANOSECONDS.toMillis(delay), failures);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        workers.shutdown();
        try {
            dispatcher.join(2_000);
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }
}
