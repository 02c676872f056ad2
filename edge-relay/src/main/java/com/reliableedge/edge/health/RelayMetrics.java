package com.reliableedge.edge.health;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import jakarta.inject.Singleton;

import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.edge.buffer.DropListener;
import com.reliableedge.protocol.index.Window;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;

/**
 * The relay's meters (exported by Micrometer, e.g. at {@code /q/metrics} in Prometheus format): events read, batches
 * sealed by lane, sent, acknowledged, drops by reason, late events, buffer size and oldest age, backfill jobs by
 * state. Gauges read a snapshot that {@link Housekeeping} refreshes, so a scrape never touches the store.
 */
@Singleton
public class RelayMetrics implements DropListener {

    private final MeterRegistry registry;
    private final Map<String, Counter> sealed = new ConcurrentHashMap<>();
    private final Map<String, Counter> drops = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Counter eventsRead;
    private final Counter sent;
    private final Counter acked;
    private final Counter sendFailures;
    private final Counter lateEvents;
    private volatile double bufferBytes;
    private volatile double bufferMessages;
    private volatile double oldestAgeSeconds;
    private final Map<BackfillJob.State, Double> jobs = new ConcurrentHashMap<>();
    private volatile LongSupplier reserveUses = () -> 0;
    private volatile BooleanSupplier reservePresent = () -> true;

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        eventsRead = Counter.builder("relay.events.read").description("Events taken from the source's live feed")
                .register(registry);
        sent = Counter.builder("relay.batches.sent").description("Messages handed to the transport").register(
                registry);
        acked = Counter.builder("relay.batches.acked").description("Messages the upstream acknowledged").register(
                registry);
        sendFailures = Counter.builder("relay.send.failures").description("Sends to be retried").register(registry);
        lateEvents = Counter.builder("relay.late.events").description("Events that arrived for a sealed window")
                .register(registry);
        Gauge.builder("relay.buffer.bytes", this, m -> m.bufferBytes).description("Bytes of sealed messages waiting")
                .register(registry);
        Gauge.builder("relay.buffer.messages", this, m -> m.bufferMessages).register(registry);
        Gauge.builder("relay.buffer.oldest.age.seconds", this, m -> m.oldestAgeSeconds).description(
                "Age of the oldest message waiting").register(registry);
        for (BackfillJob.State state : BackfillJob.State.values()) {
            jobs.put(state, 0.0);
            Gauge.builder("relay.backfill.jobs", this, m -> m.jobs.getOrDefault(state, 0.0)).tag("state", state
                    .name().toLowerCase()).description("Backfill jobs by state").register(registry);
        }
        for (String reason : new String[]{"full", "expired", "unreadable", "rejected", "diskFull", "oversize"}) {
            dropCounter(reason);
        }
    }

    private Counter dropCounter(String reason) {
        return drops.computeIfAbsent(reason, r -> Counter.builder("relay.drops").tag("reason", r).description(
                "Messages or events dropped without acknowledgement").register(registry));
    }

    public void eventsRead(int n) {
        eventsRead.increment(n);
    }

    public void sealed(String lane, int n) {
        if (n > 0) {
            sealed.computeIfAbsent(lane, l -> Counter.builder("relay.batches.sealed").tag("lane", l).description(
                    "Messages sealed into the buffer").register(registry)).increment(n);
        }
    }

    /** Most distinct rejection reasons counted apart; further ones are counted as {@code other}. */
    static final int MAX_REJECTION_REASONS = 32;

    /** A message the upstream refused for good (it is dropped, and also counted as a {@code rejected} drop). */
    public void rejected(String reason) {
        String r = reason == null || reason.isBlank() ? "unspecified" : reason;
        if (!rejected.containsKey(r) && rejected.size() >= MAX_REJECTION_REASONS) {
            r = "other";
        }
        rejected.computeIfAbsent(r, x -> Counter.builder("relay.messages.rejected").tag("reason", x).description(
                "Messages the upstream refused for good, by the reason it gave").register(registry)).increment();
    }

    public void sent() {
        sent.increment();
    }

    public void acked() {
        acked.increment();
    }

    public void sendFailed() {
        sendFailures.increment();
    }

    public void lateEvents(int n) {
        lateEvents.increment(n);
    }

    /** Drops counted outside the buffer (a seal refused on a full disk, oversize events), {@code n} at once. */
    public void dropped(String reason, int n) {
        dropCounter(reason).increment(n);
    }

    @Override
    public void dropped(String reason, String streamId, Window window) {
        dropCounter(reason).increment();
        if ("rejected".equals(reason)) {
            // The sender logs rejections, once per stream and reason.
            Log.debugf("Dropped a message of %s %s: %s", streamId, window, reason);
        } else {
            Log.warnf("Dropped a message of %s %s: %s", streamId, window == null ? "(window unknown)" : window,
                    reason);
        }
    }

    /** The store's disk reserve: how often it was given up on a full disk, and whether it is in place. */
    public void diskReserve(LongSupplier uses, BooleanSupplier present) {
        reserveUses = uses;
        reservePresent = present;
        // Meters hold their object weakly: read through this (kept by the relay), not through the lambdas.
        FunctionCounter.builder("relay.disk.reserve.used", this, m -> m.reserveUses.getAsLong()).description(
                "Times the disk reserve was given up so that delivered messages could be released on a full disk")
                .register(registry);
        Gauge.builder("relay.disk.reserve.present", this, m -> m.reservePresent.getAsBoolean() ? 1 : 0).description(
                "1 while the disk reserve is in place").register(registry);
    }

    public void buffer(long messages, long bytes, double oldestAge) {
        bufferMessages = messages;
        bufferBytes = bytes;
        oldestAgeSeconds = oldestAge;
    }

    public void jobs(Map<BackfillJob.State, Long> byState) {
        for (BackfillJob.State s : BackfillJob.State.values()) {
            jobs.put(s, byState.getOrDefault(s, 0L).doubleValue());
        }
    }

    public double count(String name, String tagKey, String tagValue) {
        Counter c = tagKey == null
                ? registry.find(name).counter()
                : registry.find(name).tag(tagKey, tagValue)
                        .counter();
        return c == null ? 0 : c.count();
    }
}
