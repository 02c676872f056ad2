package com.reliableedge.cloud.ingest;

import java.time.Duration;
import java.time.Instant;

/**
 * When the Event Hubs ingest is ready. The processor says nothing when it is fine, only when it fails (a
 * load-balancing round or a partition's receiver reports an error); an instance may rightly own no partition. So:
 * ready after a success signal (a partition opened, a batch received, even an empty one, a checkpoint written) that
 * came after the last error, or once {@code quiet} passed since the last error (or the start) without another.
 */
public final class EventHubsReadiness {

    /** Longer than a load-balancing round that fails by timeout (one minute, plus the AMQP retries). */
    public static final Duration QUIET = Duration.ofSeconds(90);

    private EventHubsReadiness() {
    }

    /**
     * @param startedAt when the processor started
     * @param lastErrorAt the last error it reported, null for none
     * @param lastSuccessAt the last success signal, null for none
     */
    public static boolean ready(Instant startedAt, Instant lastErrorAt, Instant lastSuccessAt, Instant now,
            Duration quiet) {
        Instant doubt = lastErrorAt != null && lastErrorAt.isAfter(startedAt) ? lastErrorAt : startedAt;
        if (lastSuccessAt != null && lastSuccessAt.isAfter(doubt)) {
            return true;
        }
        return !now.isBefore(doubt.plus(quiet));
    }
}
