package com.reliableedge.cloud.scan;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Parks a stream whose scan or planning failed: logs it, counts it ({@code backfill_scan_stream_failures_total}) and
 * records, in the stream's row, the failures in a row, until when it is left out and why. The park ends by itself
 * after the backoff ({@link ParkRules}) or when an operator un-parks the stream; the next good planning clears it.
 */
@ApplicationScoped
public class StreamParking {

    private final BackfillConfig config;
    private final StreamStore streams;
    private final Counter failures;

    public StreamParking(BackfillConfig config, StreamStore streams, MeterRegistry registry) {
        this.config = config;
        this.streams = streams;
        this.failures = Counter.builder("backfill.scan.stream.failures")
                .description("Failures of one stream's scan or planning; the stream was parked").register(registry);
    }

    /** Records the failure in its own transaction (the failed one was rolled back). */
    public void park(long streamId, String step, Throwable failure, Instant now) {
        failures.increment();
        String reason = ParkRules.reason(step, failure);
        Instant until = QuarkusTransaction.requiringNew().call(() -> {
            StreamEntity s = streams.lock(streamId);
            if (s == null) {
                return null;
            }
            s.scanFailures++;
            s.scanParkedUntil = ParkRules.parkedUntil(s.scanFailures, now, config.scanPark().backoff(),
                    config.scanPark().maxBackoff());
            s.scanParkReason = reason;
            return s.scanParkedUntil;
        });
        Log.errorf(failure, "stream %d: %s; parked until %s, the other streams go on", streamId, reason, until);
    }

    /** Clears a park (caller's transaction, holding the stream's lock); a no-op on a stream that is not parked. */
    public static void clear(StreamEntity s) {
        if (s.scanFailures != 0 || s.scanParkedUntil != null || s.scanParkReason != null) {
            s.scanFailures = 0;
            s.scanParkedUntil = null;
            s.scanParkReason = null;
        }
    }
}
