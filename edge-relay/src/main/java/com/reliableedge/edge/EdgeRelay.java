package com.reliableedge.edge;

import java.util.ArrayDeque;
import java.util.Deque;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.reliableedge.edge.aggregate.IngestLoop;
import com.reliableedge.edge.backfill.BackfillMethodHandler;
import com.reliableedge.edge.backfill.BackfillWorker;
import com.reliableedge.edge.buffer.SqliteBuffer;
import com.reliableedge.edge.config.DeviceIdentity;
import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.edge.health.Housekeeping;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.edge.source.SourceAdapter;
import com.reliableedge.edge.upstream.Sender;
import com.reliableedge.edge.upstream.Transport;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The relay's start and stop, in one place because their order matters. Each part is a {@code @Singleton} built by
 * its package's producer; asking for them here builds them at boot, in this order: the identity, the store (opened
 * now), the transport (a configured but unbuilt kind fails the startup here, naming its key), then the loops. The
 * loops start sender first and ingest last, and stop in reverse, then housekeeping; the transport and the store close
 * after that, when the container disposes of them, so the store is closed last.
 */
@Singleton
public class EdgeRelay {

    private final Deque<AutoCloseable> running = new ArrayDeque<>();

    synchronized void start(@Observes StartupEvent event, RelayConfig config, DeviceIdentity device,
            SourceAdapter source, RelayMetrics metrics, SqliteBuffer store, Transport transport, Sender sender,
            BackfillWorker backfillWorker, BackfillMethodHandler methods, IngestLoop ingest,
            Housekeeping housekeeping) {
        metrics.diskReserve(store::reserveUses, store::reservePresent);
        sender.start();
        running.push(sender);
        backfillWorker.start();
        running.push(backfillWorker);
        // Calls are answered "busy" until here: a 202 needs the worker that serves it.
        transport.serveMethods(methods);
        ingest.start();
        running.push(ingest);
        housekeeping.start();
        // Stopped after the loops, as it always was: it only expires and counts.
        running.addLast(housekeeping);
        Log.infof("Edge relay %s started: streams %s, store %s, upstream kind %s", device.deviceId(), source.streams()
                .stream().map(s -> s.streamId() + "(" + s.kind().wireName() + ")").toList(), store.file(),
                config.upstream().kind());
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        // Ingest, backfill worker, sender (the reverse of their start), then housekeeping.
        while (!running.isEmpty()) {
            AutoCloseable c = running.pop();
            try {
                c.close();
            } catch (Exception e) {
                Log.warnf("Stopping %s: %s", c, e.getMessage());
            }
        }
    }
}
