package com.reliableedge.edge.upstream;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
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
 * <p>
 * A local store error is not an upstream failure: when the buffer cannot record an acknowledgement (or rejection),
 * for example on a full disk, the message's id is kept in memory, it is not sent again, and the release is retried
 * every {@link #RELEASE_RETRY_NANOS}; the upstream is not backed off. Past {@link #MAX_UNRELEASED} such ids nothing
 * new is sent until releases succeed again. Lost in a crash, such an id only means the message is sent again under
 * its messageId, which the cloud ignores.
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

    static final long RELEASE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    static final int MAX_UNRELEASED = 4096;
    /** Reason recorded for an id the upstream acknowledged (any other value is a rejection reason). */
    private static final String ACKED = "";

    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> rejectionsLogged = ConcurrentHashMap.newKeySet();
    /** When each send in flight started (monotonic), for liveness. */
    private final Map<Long, Long> sendStarted = new ConcurrentHashMap<>();
    /** When the dispatcher is due back for its next pass (monotonic), for liveness. */
    private volatile long dueNanos;
    /** Messages the upstream settled whose release the buffer could not record yet: id to rejection reason. */
    private final Map<Long, String> unreleased = new ConcurrentHashMap<>();
    private volatile long nextReleaseAttempt;
    private long releaseFailures;
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

    /** Messages delivered (or refused for good) whose release the buffer has not recorded yet. */
    public int unreleased() {
        return unreleased.size();
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
        if (!unreleased.isEmpty() && now - nextReleaseAttempt >= 0) {
            retryReleases();
            now = clock.nanos();
        }
        lock.lock();
        try {
            if (paused && now - pausedUntil < 0) {
                long wait = pausedUntil - now;
                long nap = unreleased.isEmpty() ? wait : Math.min(wait, RELEASE_RETRY_NANOS);
                due(nap);
                changed.awaitNanos(nap);
                return;
            }
            paused = false;
            if (unreleased.size() >= MAX_UNRELEASED) {
                due(RELEASE_RETRY_NANOS);
                changed.awaitNanos(RELEASE_RETRY_NANOS);
                return;
            }
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
        Set<Long> exclude = new HashSet<>(inFlight);
        exclude.addAll(unreleased.keySet());
        List<StoredMessage> next = buffer.nextToSend(free, exclude, liveSince);
        if (next.isEmpty()) {
            await(TimeUnit.MILLISECONDS.toNanos(unreleased.isEmpty() ? 100 : 50));
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
                    metrics.acked();
                    succeeded();
                    release(m.id(), ACKED);
                }
                case REJECTED -> {
                    rejected(p, result);
                    succeeded();
                    release(m.id(), "rejected");
                }
                case RETRY -> failed(p, result.detail());
            }
        } catch (BufferException e) {
            // Reading the backlog start failed: a local problem, the message is simply tried again later.
            Log.warnf("Sender cannot read the buffer for %s: %s", m.properties().batchId(), e.getMessage());
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

    /** Releases a settled message, or keeps its id for {@link #retryReleases} when the buffer cannot record it. */
    private void release(long id, String reason) {
        try {
            releaseNow(id, reason);
        } catch (BufferException e) {
            // Put before the id leaves inFlight, so it is never picked to be sent again.
            unreleased.put(id, reason);
            nextReleaseAttempt = clock.nanos() + RELEASE_RETRY_NANOS;
            noteReleaseFailure(e);
        }
    }

    private void releaseNow(long id, String reason) {
        if (ACKED.equals(reason)) {
            buffer.acknowledge(id);
        } else {
            buffer.reject(id, reason);
        }
    }

    private void retryReleases() {
        for (Map.Entry<Long, String> e : unreleased.entrySet()) {
            try {
                releaseNow(e.getKey(), e.getValue());
                unreleased.remove(e.getKey());
            } catch (BufferException failure) {
                nextReleaseAttempt = clock.nanos() + RELEASE_RETRY_NANOS;
                noteReleaseFailure(failure);
                return;
            }
        }
        Log.infof("The buffer recorded every pending release again");
    }

    private synchronized void noteReleaseFailure(BufferException e) {
        releaseFailures++;
        if (releaseFailures == 1 || releaseFailures % 100 == 0) {
            Log.warnf("The buffer cannot record a delivered message's release (%s); %d kept in memory and retried"
                    + " locally, not sent again (failure %d)", e.getMessage(), unreleased.size(), releaseFailures);
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
