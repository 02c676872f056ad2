package com.reliableedge.edge.health;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import com.reliableedge.edge.aggregate.IngestLoop;
import com.reliableedge.edge.buffer.BatchBuffer;
import com.reliableedge.edge.upstream.Sender;
import com.reliableedge.edge.upstream.Transport;

/** Ready when the store takes writes and the upstream answers (probed at most every few seconds). */
@Readiness
@ApplicationScoped
public class RelayReadinessCheck implements HealthCheck {

    private static final long PROBE_EVERY_NANOS = 3_000_000_000L;

    private final BatchBuffer buffer;
    private final IngestLoop ingest;
    private final Transport transport;
    private final Sender sender;
    private final AtomicLong lastProbe = new AtomicLong(System.nanoTime() - 2 * PROBE_EVERY_NANOS);
    private volatile boolean reachable;

    public RelayReadinessCheck(BatchBuffer buffer, IngestLoop ingest, Transport transport, Sender sender) {
        this.buffer = buffer;
        this.ingest = ingest;
        this.transport = transport;
        this.sender = sender;
    }

    @Override
    public HealthCheckResponse call() {
        long now = System.nanoTime();
        long last = lastProbe.get();
        if (now - last >= PROBE_EVERY_NANOS && lastProbe.compareAndSet(last, now)) {
            reachable = transport.reachable();
        }
        boolean writable = buffer.writable() && !ingest.refusing();
        return HealthCheckResponse.named("edge-relay-ready").status(writable && reachable).withData("storeWritable",
                writable).withData("upstreamReachable", reachable).withData("lastSendFailed", sender.lastSendFailed())
                .build();
    }
}
