package com.reliableedge.edge.health;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import com.reliableedge.edge.EdgeRelay;

/** Ready when the store takes writes and the upstream answers (probed at most every few seconds). */
@Readiness
@ApplicationScoped
public class RelayReadinessCheck implements HealthCheck {

    private static final long PROBE_EVERY_NANOS = 3_000_000_000L;

    private final EdgeRelay relay;
    private final AtomicLong lastProbe = new AtomicLong(System.nanoTime() - 2 * PROBE_EVERY_NANOS);
    private volatile boolean reachable;

    public RelayReadinessCheck(EdgeRelay relay) {
        this.relay = relay;
    }

    @Override
    public HealthCheckResponse call() {
        if (relay.ingest() == null) {
            return HealthCheckResponse.down("edge-relay-ready");
        }
        long now = System.nanoTime();
        long last = lastProbe.get();
        if (now - last >= PROBE_EVERY_NANOS && lastProbe.compareAndSet(last, now)) {
            reachable = relay.transport().reachable();
        }
        boolean writable = relay.buffer().writable() && !relay.ingest().refusing();
        return HealthCheckResponse.named("edge-relay-ready").status(writable && reachable).withData("storeWritable",
                writable).withData("upstreamReachable", reachable).withData("lastSendFailed", relay.sender()
                        .lastSendFailed())
                .build();
    }
}
