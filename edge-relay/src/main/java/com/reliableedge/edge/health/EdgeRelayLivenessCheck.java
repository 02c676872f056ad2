package com.reliableedge.edge.health;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import com.reliableedge.edge.aggregate.IngestLoop;
import com.reliableedge.edge.backfill.BackfillWorker;
import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.edge.upstream.Sender;

/**
 * Live while the relay can make progress ({@link Progress}): the ingest loop, the sender and the backfill worker
 * run, and none is overdue by more than {@code relay.health.stall-after}. Down means a restart is the remedy; an
 * upstream outage or a full store is not that (readiness reports those).
 */
@Liveness
@ApplicationScoped
public class EdgeRelayLivenessCheck implements HealthCheck {

    private final IngestLoop ingest;
    private final Sender sender;
    private final BackfillWorker backfill;
    private final MonotonicClock clock;
    private final long graceNanos;
    private final long sendLimitNanos;

    public EdgeRelayLivenessCheck(IngestLoop ingest, Sender sender, BackfillWorker backfill, MonotonicClock clock,
            RelayConfig config) {
        this.ingest = ingest;
        this.sender = sender;
        this.backfill = backfill;
        this.clock = clock;
        this.graceNanos = config.health().stallAfter().toNanos();
        // A send is bounded by the transport's connect and request timeouts (IoT Hub: the wait for the SDK's callback).
        this.sendLimitNanos = 2 * ("iothub".equals(config.upstream().kind())
                ? config.upstream().iothub().timeout()
                : config.upstream().http().timeout()).toNanos();
    }

    @Override
    public HealthCheckResponse call() {
        return check(clock.nanos(), graceNanos, Progress.beats(ingest, sender, backfill, sendLimitNanos));
    }

    static HealthCheckResponse check(long nowNanos, long graceNanos, List<Progress.Beat> beats) {
        List<String> stalled = Progress.stalled(nowNanos, graceNanos, beats);
        var response = HealthCheckResponse.named("edge-relay").status(stalled.isEmpty());
        if (!stalled.isEmpty()) {
            response.withData("stalled", String.join("; ", stalled));
        }
        return response.build();
    }
}
