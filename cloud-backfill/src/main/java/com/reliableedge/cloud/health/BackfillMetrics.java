package com.reliableedge.cloud.health;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.coverage.GapChanges;
import com.reliableedge.cloud.coverage.OpenGap;
import com.reliableedge.cloud.store.RequestState;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The service's Prometheus metrics: batches ingested and duplicated, gaps opened and closed, requests by state
 * (refreshed by each scan) and repair latency, from a gap's {@code observedAt} to its closing, as a histogram.
 * Callers record only after their transaction committed.
 */
@ApplicationScoped
public class BackfillMetrics {

    private final Counter ingested;
    private final Counter duplicated;
    private final Counter gapsOpened;
    private final Counter gapsClosed;
    private final Counter gapsLost;
    private final Counter grouped;
    private final DistributionSummary groupSize;
    private final Counter groupsFailed;
    private final Timer repairLatency;
    private final Timer scanDuration;
    private final Map<RequestState, AtomicLong> requests = new EnumMap<>(RequestState.class);

    public BackfillMetrics(MeterRegistry registry) {
        ingested = Counter.builder("backfill.batches.ingested").description("Messages recorded").register(registry);
        duplicated = Counter.builder("backfill.batches.duplicated")
                .description("Messages acknowledged as duplicates of a recorded messageId").register(registry);
        gapsOpened = Counter.builder("backfill.gaps.opened").description("Gaps that became visible")
                .register(registry);
        gapsClosed = Counter.builder("backfill.gaps.closed").description("Gaps filled by coverage")
                .register(registry);
        gapsLost = Counter.builder("backfill.gaps.lost").description("Gaps given up as lost").register(registry);
        grouped = Counter.builder("backfill.batches.grouped")
                .description("Live batches recorded by group commit, several per transaction").register(registry);
        groupSize = DistributionSummary.builder("backfill.ingest.group.size")
                .description("Messages per group commit (one transaction each)").register(registry);
        groupsFailed = Counter.builder("backfill.ingest.groups.failed")
                .description("Group commits that failed; their batches took the general path").register(registry);
        repairLatency = Timer.builder("backfill.repair.latency")
                .description("From a gap's observedAt to the ingest that closed it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofSeconds(1))
                .maximumExpectedValue(Duration.ofDays(1))
                .register(registry);
        scanDuration = Timer.builder("backfill.scan.duration").description("Duration of one full scan")
                .publishPercentiles(0.5, 0.99).register(registry);
        for (RequestState state : RequestState.values()) {
            AtomicLong value = new AtomicLong();
            requests.put(state, value);
            registry.gauge("backfill.requests", Tags.of("state", state.name()), value);
        }
    }

    public void ingested() {
        ingested.increment();
    }

    public void duplicated() {
        duplicated.increment();
    }

    /** A group commit of {@code messages} recorded {@code batches} live batches. */
    public void grouped(int messages, int batches) {
        groupSize.record(messages);
        grouped.increment(batches);
    }

    public void groupFailed() {
        groupsFailed.increment();
    }

    /** Records what an ingest or a status changed about gaps, with {@code now} the commit's time. */
    public void gaps(GapChanges changes, Instant now) {
        if (changes == null) {
            return;
        }
        gapsOpened.increment(changes.opened());
        gapsLost.increment(changes.lost().size());
        for (OpenGap closed : changes.closed()) {
            gapsClosed.increment();
            Duration latency = Duration.between(closed.observedAt(), now);
            repairLatency.record(latency.isNegative() ? Duration.ZERO : latency);
        }
    }

    public void scanned(Duration took) {
        scanDuration.record(took);
    }

    public void requests(Map<RequestState, Long> counts) {
        for (RequestState state : RequestState.values()) {
            requests.get(state).set(counts.getOrDefault(state, 0L));
        }
    }
}
