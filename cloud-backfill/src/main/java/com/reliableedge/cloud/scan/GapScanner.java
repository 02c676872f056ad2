package com.reliableedge.cloud.scan;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.config.ScanDisabled;
import com.reliableedge.cloud.coverage.OpenGap;
import com.reliableedge.cloud.health.BackfillMetrics;
import com.reliableedge.cloud.health.ScannerHealth;
import com.reliableedge.cloud.request.RequestDecisions;
import com.reliableedge.cloud.request.RequestDispatcher;
import com.reliableedge.cloud.request.RequestService;
import com.reliableedge.cloud.request.RetryConsumer;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.DeviceRepository;
import com.reliableedge.cloud.store.GapEntity;
import com.reliableedge.cloud.store.GapRepository;
import com.reliableedge.cloud.store.OperatorBackfillRepository;
import com.reliableedge.cloud.store.RequestRepository;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * The periodic scan: turns eligible gaps into requests, sends due requests, consumes retry messages and sweeps
 * expired ones. Its first query reads only open gaps that no single active or failed request covers, so its cost
 * grows with the open gaps, never with the recorded batches, and planning creates only the next windows of a gap
 * (bounded per scan and per stream), never all of a wide one. Gaps wider than {@code backfill.auto-request-max-span}
 * wait for an operator. A stream whose planning fails is parked ({@link StreamParking}) and the scan goes on. Any
 * number of instances may scan at once: planning holds the stream's lock, and sends are claimed.
 */
@ApplicationScoped
public class GapScanner {

    /**
     * What one scan did; {@code streamsScanned} counts the streams (and operator backfills) planning looked at,
     * {@code sends} is the detail of its round of sends.
     */
    public record ScanReport(int requestsCreated, int requestsSent, int retriesReceived, int expiredSwept,
            int streamsScanned, RequestDispatcher.Dispatch sends) {
    }

    /** What planning did: streams (and operator backfills) looked at, requests created. */
    private record Planned(int streams, int created) {
    }

    /**
     * The retry queue failed during a scan (the rest of the scan ran: planning, sends and the expiry sweep).
     * {@code report} is what the scan did all the same.
     */
    public static final class RetryQueueFailure extends IllegalStateException {

        private final transient ScanReport report;

        RetryQueueFailure(String message, Throwable cause, ScanReport report) {
            super(message, cause);
            this.report = report;
        }

        public ScanReport report() {
            return report;
        }
    }

    private final BackfillConfig config;
    private final Clock clock;
    private final StreamStore streams;
    private final GapRepository gaps;
    private final RequestRepository requestRows;
    private final DeviceRepository devices;
    private final RequestService requests;
    private final RequestDispatcher dispatcher;
    private final RetryConsumer retries;
    private final BackfillMetrics metrics;
    private final OperatorBackfills operatorBackfills;
    private final StreamParking parking;
    private final ScannerHealth health;

    public GapScanner(BackfillConfig config, Clock clock, StreamStore streams, GapRepository gaps,
            RequestRepository requestRows, DeviceRepository devices, RequestService requests,
            RequestDispatcher dispatcher, RetryConsumer retries, BackfillMetrics metrics,
            OperatorBackfills operatorBackfills, StreamParking parking, ScannerHealth health) {
        this.config = config;
        this.clock = clock;
        this.streams = streams;
        this.gaps = gaps;
        this.requestRows = requestRows;
        this.devices = devices;
        this.requests = requests;
        this.dispatcher = dispatcher;
        this.retries = retries;
        this.metrics = metrics;
        this.operatorBackfills = operatorBackfills;
        this.parking = parking;
        this.health = health;
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

    /** One full scan; its outcome feeds the scanner's health checks. */
    public ScanReport scan() {
        return scan(null);
    }

    /**
     * One full scan whose sends are waited for until {@code waitUntil} (null: each until it is done, as the scheduled
     * scan does); the one-shot job's bound.
     */
    public ScanReport scan(Instant waitUntil) {
        long start = System.nanoTime();
        ScanReport report;
        try {
            Planned planned = plan();
            RequestDispatcher.Dispatch sends = dispatcher.dispatchDue(waitUntil);
            int received = 0;
            RuntimeException queueFailure = null;
            try {
                received = retries.drain();
            } catch (RuntimeException e) {
                queueFailure = e;
            }
            // The sweep needs only the database: a queue that is down must not strand the expired requests.
            int swept = retries.sweepExpired();
            refreshRequestMetrics();
            report = new ScanReport(planned.created(), sends.sent(), received, swept, planned.streams(), sends);
            if (queueFailure != null) {
                throw new RetryQueueFailure("retry queue: consuming retry messages failed (expired requests"
                        + " were swept): " + describe(queueFailure), queueFailure, report);
            }
        } catch (RuntimeException | Error e) {
            health.failed(e);
            throw e;
        }
        health.succeeded();
        metrics.scanned(Duration.ofNanos(System.nanoTime() - start));
        return report;
    }

    /** The failure and its root cause, each with its type, for the health check's reason. */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String first = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return root == e
                ? first
                : first + " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    /**
     * Creates requests for the eligible gaps that active requests do not cover yet, and the next requests of
     * operator backfills; returns how many. Each stream is planned on its own: one that fails is parked and the
     * others go on.
     */
    public int planRequests() {
        return plan().created();
    }

    private Planned plan() {
        Instant now = clock.instant();
        int created = 0;
        int looked = 0;
        for (Long streamId : QuarkusTransaction.requiringNew().call(() -> candidates(now))) {
            int budget = config.maxNewRequestsPerScan() - created;
            if (budget <= 0) {
                return new Planned(looked, created);
            }
            looked++;
            created += StreamIsolation.run(() -> QuarkusTransaction.requiringNew()
                    .call(() -> planStream(streamId, now, budget)),
                    e -> parking.park(streamId, "planning", e, now)).orElse(0);
        }
        int budget = config.maxNewRequestsPerScan() - created;
        if (budget <= 0) {
            return new Planned(looked, created);
        }
        for (OperatorBackfillRepository.Pending row : QuarkusTransaction.requiringNew()
                .call(() -> operatorBackfills.pending(now, budget))) {
            int left = config.maxNewRequestsPerScan() - created;
            if (left <= 0) {
                break;
            }
            looked++;
            long rowId = row.id();
            long streamId = row.streamId();
            created += StreamIsolation.run(() -> QuarkusTransaction.requiringNew()
                    .call(() -> operatorBackfills.plan(rowId, left, now)),
                    e -> parking.park(streamId, "operator backfill planning", e, now)).orElse(0);
        }
        return new Planned(looked, created);
    }

    /**
     * The streams, oldest gap first, with an eligible open gap that no single active or failed request covers and
     * that is narrow enough to be requested automatically, leaving out parked and stalled streams. Wide gaps are
     * told apart here, in Java, because their width may not fit a SQL {@code BIGINT}.
     */
    private Set<Long> candidates(Instant now) {
        Set<Long> ids = new LinkedHashSet<>();
        for (GapRepository.Candidate c : gaps.candidates(RequestPlanner.observedBy(now, config.detectionDelay()),
                now.minus(config.stallAfter()), now, RequestDecisions.BLOCKING)) {
            if (!RequestPlanner.needsOperator(c.gap(), maxAutoSpan(c.indexKind()))) {
                ids.add(c.streamId());
            }
        }
        return ids;
    }

    private int planStream(long streamId, Instant now, int budget) {
        StreamEntity stream = streams.lock(streamId);
        if (stream == null || devices.find(stream.deviceId) == null) {
            return 0;
        }
        long maxAuto = maxAutoSpan(stream.indexKind);
        List<Window> eligible = new ArrayList<>();
        for (GapEntity g : gaps.open(streamId)) {
            OpenGap gap = new OpenGap(g.id, new Window(g.startIndex, g.endIndex), g.observedAt);
            if (RequestPlanner.isEligible(gap, now, config.detectionDelay())
                    && !RequestPlanner.needsOperator(gap.interval(), maxAuto)) {
                eligible.add(gap.interval());
            }
        }
        IntervalSet blocked = new IntervalSet();
        int active = 0;
        for (BackfillRequestEntity r : requestRows.inStates(streamId, RequestDecisions.BLOCKING)) {
            blocked.add(r.startIndex, r.endIndex);
            active += RequestDecisions.isActive(r.state) ? 1 : 0;
        }
        StreamParking.clear(stream);
        int limit = Math.min(budget, config.maxActiveRequestsPerStream() - active);
        if (limit <= 0) {
            return 0;
        }
        long maxSpan = RequestPlanner.maxSpan(stream.indexKind, config.maxBackfillSpan().time(),
                config.maxBackfillSpan().sequence());
        // Only the next windows: the rest of a gap stays unblocked, so a later scan plans it.
        List<Window> windows = RequestPlanner.plan(eligible, blocked, maxSpan, limit);
        return requests.create(stream, windows, 1, null, false, now).size();
    }

    /** {@code backfill.auto-request-max-span} in the index unit of {@code kind}. */
    long maxAutoSpan(IndexKind kind) {
        return RequestPlanner.maxSpan(kind, config.autoRequestMaxSpan().time(), config.autoRequestMaxSpan()
                .sequence());
    }

    private void refreshRequestMetrics() {
        metrics.requests(QuarkusTransaction.requiringNew().call(requestRows::countByState));
    }
}
