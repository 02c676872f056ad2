package com.reliableedge.edge.aggregate;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.reliableedge.edge.buffer.BatchBuffer;
import com.reliableedge.edge.buffer.Sealed;
import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.edge.source.SourceAdapter;

/** The live path's parts: the batch limits, the encoder (shared with backfill) and the ingest loop. */
@ApplicationScoped
public class AggregateProducer {

    @Produces
    @Singleton
    StreamLimits limits(RelayConfig config) {
        return StreamLimits.of(config);
    }

    @Produces
    @Singleton
    BatchEncoder encoder(RelayConfig config) {
        return new BatchEncoder(config.batch().gzip());
    }

    /** Not started here: {@code EdgeRelay} starts it last and stops it first. */
    @Produces
    @Singleton
    IngestLoop ingest(SourceAdapter source, BatchBuffer buffer, StreamLimits limits, BatchEncoder encoder,
            RelayConfig config, Clock wallClock, MonotonicClock clock, RelayMetrics metrics, Event<Sealed> sealed) {
        return new IngestLoop(source, buffer, limits::of, encoder, config.source().maxEventsPerPoll(), config.source()
                .pollInterval(), wallClock, clock, metrics, () -> sealed.fire(Sealed.LIVE));
    }
}
