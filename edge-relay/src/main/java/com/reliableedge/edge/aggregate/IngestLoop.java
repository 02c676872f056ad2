package com.reliableedge.edge.aggregate;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.edge.buffer.BatchBuffer;
import com.reliableedge.edge.buffer.BufferException;
import com.reliableedge.edge.buffer.BufferFullException;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceAdapter;
import com.reliableedge.edge.source.StreamInfo;

import io.quarkus.logging.Log;

/**
 * The live path: on one thread, polls every stream's live feed, feeds its {@link StreamAggregator}, and writes each
 * seal to the buffer in one atomic step before adopting it. A seal the buffer refuses (full disk) is dropped and
 * counted; sealing resumes by itself once a write succeeds again. Each pass schedules the next one at the earliest
 * seal deadline of its streams, at most one poll interval away ({@link NextPass}).
 */
public class IngestLoop implements AutoCloseable {

    private final SourceAdapter source;
    private final BatchBuffer buffer;
    private final Function<StreamInfo, SealLimits> limits;
    private final BatchEncoder encoder;
    private final int maxEventsPerPoll;
    private final long pollIntervalNanos;
    private final Clock wallClock;
    private final MonotonicClock clock;
    private final RelayMetrics metrics;
    private final Runnable onSealed;
    private final List<StreamAggregator> aggregators = new ArrayList<>();
    private ScheduledThreadPoolExecutor executor;
    /** Set when an Error escaped a pass: no next pass is scheduled, so the loop has ended. */
    private volatile boolean died;
    /** When the next pass is due (monotonic), for liveness. */
    private volatile long dueNanos;
    private volatile boolean refusing;
    private volatile boolean opened;

    public IngestLoop(SourceAdapter source, BatchBuffer buffer, Function<StreamInfo, SealLimits> limits,
            BatchEncoder encoder, int maxEventsPerPoll, Duration pollInterval, Clock wallClock, MonotonicClock clock,
            RelayMetrics metrics, Runnable onSealed) {
        this.source = source;
        this.buffer = buffer;
        this.limits = limits;
        this.encoder = encoder;
        this.maxEventsPerPoll = maxEventsPerPoll;
        this.pollIntervalNanos = pollInterval.toNanos();
        this.wallClock = wallClock;
        this.clock = clock;
        this.metrics = metrics;
        this.onSealed = onSealed;
        this.dueNanos = clock.nanos() + pollIntervalNanos;
    }

    /** When the loop will start its next pass, on the monotonic clock; past that it is not progressing. */
    public long nextPassDueNanos() {
        return dueNanos;
    }

    /** Whether the loop still runs: an error that escaped a pass schedules no next pass, so it ends the loop. */
    public boolean alive() {
        // A flag, not the scheduled future: start() and the first pass race to record the future.
        return !died;
    }

    /** Starts polling; each stream's cursor is restored from the buffer on the first tick that can read it. */
    public void start() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "relay-ingest");
            t.setDaemon(true);
            return t;
        });
        // On close, a pass scheduled for later is dropped rather than waited for.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        schedule(0);
    }

    private void schedule(long delayNanos) {
        try {
            executor.schedule(this::pass, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // Closed: no next pass.
        }
    }

    /**
     * Restores each stream's cursor from the buffer (once); {@link #tick} does it too.
     *
     * @throws BufferException when the buffer cannot be read (yet)
     */
    public synchronized void open() {
        if (opened) {
            return;
        }
        Map<String, StreamCursor> cursors = buffer.cursors();
        for (StreamInfo stream : source.streams()) {
            StreamCursor restored = cursors.get(stream.streamId());
            if (restored != null && restored.kind() != stream.kind()) {
                Log.warnf("Stream %s changed its index kind from %s to %s: starting it afresh", stream.streamId(),
                        restored.kind().wireName(), stream.kind().wireName());
                restored = null;
            }
            aggregators.add(new StreamAggregator(stream, restored, limits.apply(stream), encoder, clock.nanos()));
        }
        opened = true;
    }

    /** Whether the last seal was refused for lack of space. */
    public boolean refusing() {
        return refusing;
    }

    private void pass() {
        long delay = pollIntervalNanos;
        try {
            delay = tick();
        } catch (RuntimeException e) {
            Log.errorf(e, "Ingest step failed; continuing");
        } catch (Error e) {
            // Not caught (nor should it be): the loop ends, and liveness says so.
            died = true;
            throw e;
        }
        schedule(delay);
    }

    /** One pass over every stream; returns how long to wait, in nanoseconds, before the next ({@link NextPass}). */
    public long tick() {
        dueNanos = clock.nanos() + pollIntervalNanos;
        if (!opened) {
            try {
                open();
            } catch (BufferException e) {
                // Without the durable cursors nothing may be sealed: the source's events wait in the source.
                return pollIntervalNanos;
            }
        }
        long deadline = Long.MAX_VALUE;
        for (StreamAggregator agg : aggregators) {
            LiveUpdate update = source.poll(agg.stream().streamId(), maxEventsPerPoll);
            long now = clock.nanos();
            if (update instanceof LiveUpdate.Data d) {
                metrics.eventsRead(d.events().size());
            } else {
                Log.infof("Live feed of %s: %s", agg.stream().streamId(), update);
            }
            int late = agg.accept(update, now);
            if (late > 0) {
                metrics.lateEvents(late);
            }
            agg.prepare(now).ifPresent(seal -> write(agg, seal, now));
            // After a seal the deadline is unknown (MAX_VALUE) until the next decision: the poll interval bounds it.
            deadline = SealPolicy.earlier(deadline, agg.nextDeadlineNanos());
        }
        return NextPass.delayNanos(clock.nanos(), deadline, pollIntervalNanos);
    }

    private void write(StreamAggregator agg, Seal seal, long now) {
        BackfillJob heal = null;
        if (seal.heal() != null) {
            heal = BackfillJob.accepted("edge-" + UUID.randomUUID(), seal.streamId(), agg.stream().kind(), seal.heal(),
                    true, 1, wallClock.millis());
        }
        try {
            buffer.sealLive(seal.messages(), seal.cursor(), heal, wallClock.millis());
        } catch (BufferFullException e) {
            agg.abandon(seal, now);
            int events = seal.messages().stream().mapToInt(m -> m.properties().eventCount()).sum();
            metrics.dropped("diskFull", seal.messages().size());
            if (!refusing) {
                Log.errorf("Store is full: dropping sealed windows of %s (%d messages, %d events) until space returns",
                        seal.streamId(), seal.messages().size(), events);
            }
            refusing = true;
            return;
        } catch (BufferException e) {
            agg.abandon(seal, now);
            metrics.dropped("unreadable", seal.messages().size());
            Log.errorf("Store failed while sealing %s: %s", seal.streamId(), e.getMessage());
            return;
        }
        if (refusing) {
            Log.infof("Store accepts writes again: sealing resumed");
        }
        refusing = false;
        agg.commit(seal, now);
        if (heal != null) {
            Log.infof("Restart left a hole in %s %s: self-heal backfill %s recorded", seal.streamId(), seal.heal()
                    .toString(agg.stream().kind()), heal.requestId());
        }
        int live = seal.liveWindows().size();
        metrics.sealed("live", live);
        metrics.sealed("late", seal.lateBatches());
        if (seal.droppedEvents() > 0) {
            metrics.dropped("oversize", seal.droppedEvents());
        }
        if (!seal.messages().isEmpty()) {
            onSealed.run();
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
