package com.reliableedge.cloud.scan;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.health.BackfillMetrics;
import com.reliableedge.cloud.request.RequestDispatcher;
import com.reliableedge.cloud.request.RequestService;
import com.reliableedge.cloud.request.RequestState;
import com.reliableedge.cloud.request.RetryConsumer;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.DeviceEntity;
import com.reliableedge.cloud.store.GapEntity;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.coverage.Interval;
import com.reliableedge.protocol.coverage.IntervalSet;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * The periodic scan: turns eligible gaps into requests, sends due requests, consumes retry messages and sweeps
 * expired ones. Its first query reads only open gaps that no single active or failed request covers, so its cost
 * grows with the open gaps, never with the recorded batches. Any number of instances may scan at once: planning
 * holds the stream's lock, and sends are claimed.
 */
@ApplicationScoped
public class GapScanner {

    /** What one scan did. */
    public record ScanReport(int requestsCreated, int requestsSent, int retriesReceived, int expiredSwept) {
    }

    private final BackfillConfig config;
    private final Clock clock;
    private final StreamStore streams;
    private final RequestService requests;
    private final RequestDispatcher dispatcher;
    private final RetryConsumer retries;
    private final BackfillMetrics metrics;

    public GapScanner(BackfillConfig config, Clock clock, StreamStore streams, RequestService requests,
            RequestDispatcher dispatcher, RetryConsumer retries, BackfillMetrics metrics) {
        this.config = config;
        this.clock = clock;
        this.streams = streams;
        this.requests = requests;
        this.dispatcher = dispatcher;
        this.retries = retries;
        this.metrics = metrics;
    }

    @Scheduled(identity = "gap-scan", every = "${backfill.scan-interval:10s}", delayed = "${backfill.scan-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = ScanDisabled.class)
    void scheduledScan() {
        try {
            ScanReport report = scan();
            Log.debugf("scan: %s", report);
        } catch (RuntimeException e) {
            Log.errorf(e, "scan failed; the next one retries");
        }
    }

    /** One full scan. */
    public ScanReport scan() {
        long start = System.nanoTime();
        int created = planRequests();
        int sent = dispatcher.dispatchDue();
        int received = retries.drain();
        int swept = retries.sweepExpired();
        refreshRequestMetrics();
        metrics.scanned(Duration.ofNanos(System.nanoTime() - start));
        return new ScanReport(created, sent, received, swept);
    }

    /** Creates requests for the eligible gaps that active requests do not cover yet; returns how many. */
    public int planRequests() {
        Instant now = clock.instant();
        List<Long> streamIds = QuarkusTransaction.requiringNew().call(() -> GapEntity.getEntityManager()
                .createQuery("select distinct g.streamId from GapEntity g, StreamEntity s, DeviceEntity d"
                        + " where g.state = :open and g.observedAt <= :eligible and s.id = g.streamId"
                        + " and s.lastLiveAt > :liveAfter and d.deviceId = s.deviceId"
                        + " and not exists (select r.requestId from BackfillRequestEntity r where r.streamId ="
                        + " g.streamId and r.state in (:blocking) and r.startIndex <= g.startIndex"
                        + " and r.endIndex >= g.endIndex)", Long.class)
                .setParameter("open", GapEntity.State.OPEN)
                .setParameter("eligible", now.minus(config.detectionDelay()))
                .setParameter("liveAfter", now.minus(config.stallAfter()))
                .setParameter("blocking", List.of(RequestState.PENDING, RequestState.REQUESTED, RequestState.FAILED))
                .getResultList());
        int created = 0;
        for (Long streamId : streamIds) {
            int budget = config.maxNewRequestsPerScan() - created;
            if (budget <= 0) {
                break;
            }
            created += QuarkusTransaction.requiringNew().call(() -> planStream(streamId, now, budget));
        }
        return created;
    }

    private int planStream(long streamId, Instant now, int budget) {
        StreamEntity stream = streams.lock(streamId);
        if (stream == null || DeviceEntity.findById(stream.deviceId) == null) {
            return 0;
        }
        List<Interval> eligible = new ArrayList<>();
        for (GapEntity g : GapEntity.<GapEntity>list("streamId = ?1 and state = ?2 order by startIndex", streamId,
                GapEntity.State.OPEN)) {
            if (!g.observedAt.plus(config.detectionDelay()).isAfter(now)) {
                eligible.add(new Interval(g.startIndex, g.endIndex));
            }
        }
        IntervalSet blocked = new IntervalSet();
        for (BackfillRequestEntity r : BackfillRequestEntity.<BackfillRequestEntity>list(
                "streamId = ?1 and state in ?2", streamId,
                List.of(RequestState.PENDING, RequestState.REQUESTED, RequestState.FAILED))) {
            blocked.add(r.startIndex, r.endIndex);
        }
        long maxSpan = RequestPlanner.maxSpan(stream.indexKind, config.maxBackfillSpan().time(),
                config.maxBackfillSpan().sequence());
        List<Interval> windows = RequestPlanner.plan(eligible, blocked, maxSpan);
        // The rest stays unblocked, so the next scan plans it.
        List<Interval> planned = windows.size() > budget ? windows.subList(0, budget) : windows;
        return requests.create(stream, planned, 1, null, false, now).size();
    }

    private void refreshRequestMetrics() {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> BackfillRequestEntity.getEntityManager()
                .createQuery("select r.state, count(r) from BackfillRequestEntity r group by r.state", Object[].class)
                .getResultList());
        Map<RequestState, Long> counts = new EnumMap<>(RequestState.class);
        for (Object[] row : rows) {
            counts.put((RequestState) row[0], (Long) row[1]);
        }
        metrics.requests(counts);
    }

    /** Skips the scheduled scan when {@code backfill.scan-enabled=false}. */
    @ApplicationScoped
    public static class ScanDisabled implements Scheduled.SkipPredicate {

        private final BackfillConfig config;

        public ScanDisabled(BackfillConfig config) {
            this.config = config;
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !config.scanEnabled();
        }
    }
}
