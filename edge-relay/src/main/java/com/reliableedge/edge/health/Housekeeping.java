package com.reliableedge.edge.health;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import com.reliableedge.edge.backfill.BackfillService;
import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.edge.buffer.BatchBuffer;
import com.reliableedge.edge.buffer.BufferStats;
import com.reliableedge.edge.config.RelayConfig;

import io.quarkus.logging.Log;

/**
 * Once a second on its own thread: expires what is older than {@code relay.buffer.max-age} and refreshes the
 * snapshot that the buffer and job gauges of {@link RelayMetrics} read.
 */
@Singleton
public class Housekeeping implements AutoCloseable {

    private final BatchBuffer buffer;
    private final BackfillService backfill;
    private final RelayMetrics metrics;
    private final Clock wallClock;
    private final long maxAgeMillis;
    private ScheduledExecutorService executor;

    public Housekeeping(BatchBuffer buffer, BackfillService backfill, RelayMetrics metrics, RelayConfig config,
            Clock wallClock) {
        this.buffer = buffer;
        this.backfill = backfill;
        this.metrics = metrics;
        this.wallClock = wallClock;
        this.maxAgeMillis = config.buffer().maxAge().toMillis();
    }

    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-housekeeping");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::housekeep, 0, 1, TimeUnit.SECONDS);
    }

    private void housekeep() {
        try {
            long horizon = wallClock.millis() - maxAgeMillis;
            buffer.expire(horizon);
            // Finished jobs are kept as long as messages are, so a repeated request id is still recognised.
            buffer.forgetJobs(horizon);
            BufferStats stats = buffer.stats();
            double age = stats.oldestSealedAtMillis() < 0
                    ? 0
                    : Math.max(0, wallClock.millis() - stats.oldestSealedAtMillis()) / 1000.0;
            metrics.buffer(stats.messages(), stats.bytes(), age);
            Map<BackfillJob.State, Long> jobs = new EnumMap<>(BackfillJob.State.class);
            for (BackfillJob job : buffer.unfinishedJobs()) {
                jobs.merge(job.state(), 1L, Long::sum);
            }
            jobs.put(BackfillJob.State.DONE, backfill.finishedJobs());
            metrics.jobs(jobs);
        } catch (RuntimeException e) {
            Log.warnf("Housekeeping failed: %s", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
