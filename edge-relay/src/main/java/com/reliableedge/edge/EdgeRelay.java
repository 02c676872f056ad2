package com.reliableedge.edge;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.reliableedge.edge.aggregate.BatchEncoder;
import com.reliableedge.edge.aggregate.IngestLoop;
import com.reliableedge.edge.aggregate.SealLimits;
import com.reliableedge.edge.backfill.BackfillService;
import com.reliableedge.edge.backfill.BackfillWorker;
import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.edge.buffer.BatchBuffer;
import com.reliableedge.edge.buffer.BufferStats;
import com.reliableedge.edge.buffer.SqliteBuffer;
import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.edge.source.SourceAdapter;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.edge.upstream.Backoff;
import com.reliableedge.edge.upstream.HttpTransport;
import com.reliableedge.edge.upstream.RateBudget;
import com.reliableedge.edge.upstream.Sender;
import com.reliableedge.edge.upstream.Transport;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.index.IndexKind;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The edge relay assembled from configuration: source, ingest loop (aggregators), buffer, sender over the transport,
 * and the backfill worker. Started with the application, stopped with it.
 */
@ApplicationScoped
public class EdgeRelay {

    private final RelayConfig config;
    private final SourceAdapter source;
    private final Clock wallClock;
    private final MonotonicClock clock;
    private final MeterRegistry registry;

    private String deviceId;
    private ConnectionString connection;
    private RelayMetrics metrics;
    private volatile SqliteBuffer buffer;
    private volatile Transport transport;
    private volatile Sender sender;
    private volatile IngestLoop ingest;
    private volatile BackfillService backfill;
    private volatile BackfillWorker backfillWorker;
    private ScheduledExecutorService housekeeping;

    public EdgeRelay(RelayConfig config, SourceAdapter source, Clock wallClock, MonotonicClock clock,
            MeterRegistry registry) {
        this.config = config;
        this.source = source;
        this.wallClock = wallClock;
        this.clock = clock;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        connection = config.connectionString().filter(s -> !s.isBlank()).map(ConnectionString::parse).orElse(null);
        deviceId = connection != null ? connection.deviceId() : config.deviceId();
        if (connection != null && !connection.deviceId().equals(config.deviceId())) {
            Log.warnf("relay.device-id '%s' differs from the connection string's DeviceId '%s'; using the latter",
                    config.deviceId(), connection.deviceId());
        }
        metrics = new RelayMetrics(registry);
        buffer = new SqliteBuffer(config.dataDir().resolve("relay.db"), deviceId, config.buffer().maxBytes(), config
                .buffer().reserveBytes(), metrics);
        metrics.diskReserve(buffer::reserveUses, buffer::reservePresent);
        transport = createTransport();
        BatchEncoder encoder = new BatchEncoder(config.batch().gzip());
        sender = new Sender(buffer, transport, deviceId, config.sender().maxInFlight(), config.lanes().liveWindow(),
                new Backoff(config.sender().initialBackoff(), config.sender().maxBackoff()), new RateBudget(config
                        .sender().maxMessagesPerSecond().orElse(0), config.sender().maxBytesPerSecond().orElse(0),
                        clock),
                wallClock, clock, metrics);
        RelayConfig.Backfill b = config.backfill();
        backfill = new BackfillService(buffer, source, deviceId, encoder, this::limits, kind -> kind == IndexKind.TIME
                ? b.chunkSpan().toMillis()
                : b.chunkSequenceSpan(),
                kind -> kind == IndexKind.TIME
                        ? b.maxWindow().toMillis()
                        : b.maxSequenceWindow(),
                config.source().maxEventsPerPoll(), b.maxStepBytes(), b.maxActiveJobs(), wallClock, metrics);
        backfillWorker = new BackfillWorker(backfill, sender::wake);
        ingest = new IngestLoop(source, buffer, this::limits, encoder, config.source().maxEventsPerPoll(), config
                .source().pollInterval(), wallClock, clock, metrics, () -> {
                    sender.wake();
                    backfillWorker.wake();
                });
        sender.start();
        backfillWorker.start();
        ingest.start();
        housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::housekeep, 0, 1, TimeUnit.SECONDS);
        Log.infof("Edge relay %s started: streams %s, store %s, upstream %s", deviceId, source.streams().stream().map(
                s -> s.streamId() + "(" + s.kind().wireName() + ")").toList(), buffer.file(), config.upstream().http()
                        .url());
    }

    private Transport createTransport() {
        String kind = config.upstream().kind();
        if (!"http".equals(kind)) {
            throw new IllegalStateException("relay.upstream.kind '" + kind + "' is not available; use 'http'");
        }
        if (connection == null) {
            Log.error("relay.connection-string is not set: upstream requests go unsigned (the cloud will refuse"
                    + " them) and every backfill call is refused");
        }
        RelayConfig.Http http = config.upstream().http();
        return new HttpTransport(http.url(), deviceId, connection, http.timeout(), http.tokenTtl(), wallClock);
    }

    /** The batch limits of a stream. */
    SealLimits limits(StreamInfo stream) {
        RelayConfig.Batch b = config.batch();
        long span = stream.kind() == IndexKind.TIME ? b.maxSpan().toMillis() : b.maxSequenceSpan();
        return new SealLimits(b.maxBytes(), b.maxEvents(), span, b.linger().toNanos(), config.heartbeatInterval()
                .toNanos());
    }

    private void housekeep() {
        try {
            long horizon = wallClock.millis() - config.buffer().maxAge().toMillis();
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

    synchronized void stop() {
        for (AutoCloseable c : new AutoCloseable[]{ingest, backfillWorker, sender}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                Log.warnf("Stopping %s: %s", c, e.getMessage());
            }
        }
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        if (transport != null) {
            transport.close();
        }
        if (buffer != null) {
            buffer.close();
        }
    }

    public String deviceId() {
        return deviceId;
    }

    /** The connection string, or {@code null} when none is configured (then every method call is refused). */
    public ConnectionString connection() {
        return connection;
    }

    public BatchBuffer buffer() {
        return buffer;
    }

    /** The backfill service, or {@code null} while the relay is still starting. */
    public BackfillService backfill() {
        return ingest == null ? null : backfill;
    }

    public void jobAccepted() {
        backfillWorker.wake();
    }

    public Transport transport() {
        return transport;
    }

    public Sender sender() {
        return sender;
    }

    public IngestLoop ingest() {
        return ingest;
    }

    public BackfillWorker backfillWorker() {
        return backfillWorker;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public Duration heartbeat() {
        return config.heartbeatInterval();
    }
}
