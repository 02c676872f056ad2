package com.reliableedge.edge.backfill;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.reliableedge.edge.aggregate.BatchEncoder;
import com.reliableedge.edge.aggregate.StreamLimits;
import com.reliableedge.edge.buffer.BatchBuffer;
import com.reliableedge.edge.buffer.Sealed;
import com.reliableedge.edge.config.DeviceIdentity;
import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.edge.source.SourceAdapter;
import com.reliableedge.protocol.index.IndexKind;

/** The backfill service (spans and limits from {@code relay.backfill.*}) and the worker that runs it. */
@ApplicationScoped
public class BackfillProducer {

    @Produces
    @Singleton
    BackfillService service(BatchBuffer buffer, SourceAdapter source, DeviceIdentity device, BatchEncoder encoder,
            StreamLimits limits, RelayConfig config, Clock wallClock, RelayMetrics metrics) {
        RelayConfig.Backfill b = config.backfill();
        return new BackfillService(buffer, source, device.deviceId(), encoder, limits::of,
                kind -> kind == IndexKind.TIME
                        ? b.chunkSpan().toMillis()
                        : b.chunkSequenceSpan(),
                kind -> kind == IndexKind.TIME
                        ? b.maxWindow().toMillis()
                        : b.maxSequenceWindow(),
                config.source().maxEventsPerPoll(), b.maxStepBytes(), b.maxActiveJobs(), wallClock, metrics);
    }

    /** Not started here: {@code EdgeRelay} starts it once the store is open and stops it before the store closes. */
    @Produces
    @Singleton
    BackfillWorker worker(BackfillService service, Event<Sealed> sealed) {
        return new BackfillWorker(service, () -> sealed.fire(Sealed.BACKFILL));
    }

    /** The one handler every transport delivers its method calls to. */
    @Produces
    @Singleton
    BackfillMethodHandler methodHandler(BackfillService service, BackfillWorker worker) {
        return new BackfillMethodHandler(service, worker);
    }

    /** A live seal moves a stream's live cursor, which a job may be waiting for. */
    void onSealed(@Observes Sealed sealed, BackfillWorker worker) {
        if (sealed == Sealed.LIVE) {
            worker.wake();
        }
    }
}
