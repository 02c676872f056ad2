package com.reliableedge.edge.health;

import java.time.Duration;
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
        // A send is bounded by its transport's timeout: HTTP's connect and request timeouts, MQTT's wait for the
        // connection and the PUBACK, IoT Hub's wait for the SDK's callback.
        Duration sendTimeout = switch (config.upstream().kind()) {
            case "mqtt" -> config.upstream().mqtt().timeout();
            case "iothub" -> config.upstream().iothub().timeout();
            default -> config.upstream().http().timeout();
        };
        this.sendLimitNanos = 2 * sendTimeout.toNanos();
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
