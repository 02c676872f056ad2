package com.reliableedge.cloud.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.coverage.GapChanges;
import com.reliableedge.cloud.coverage.GapRules;
import com.reliableedge.cloud.health.BackfillMetrics;
import com.reliableedge.cloud.request.RequestService;
import com.reliableedge.cloud.store.JdbcBatchStore;
import com.reliableedge.cloud.store.RecordedBatchEntity;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.cloud.store.TooManyStreamsException;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageClass;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Records one validated message in one transaction (PROTOCOL.md section 6): lock the stream's row, check the
 * {@code messageId} (a duplicate is acknowledged and changes nothing), record the batch, keep its events, update
 * coverage and gaps, and let a {@code backfillStatus} drive its request. Returns only after the commit.
 */
@ApplicationScoped
public class IngestService {

    private final BackfillConfig config;
    private final Clock clock;
    private final StreamStore streams;
    private final RequestService requests;
    private final BackfillMetrics metrics;
    private final LiveAppendWriter appends;
    private final JdbcBatchStore rows;

    public IngestService(BackfillConfig config, Clock clock, StreamStore streams, RequestService requests,
            BackfillMetrics metrics, LiveAppendWriter appends, JdbcBatchStore rows) {
        this.config = config;
        this.clock = clock;
        this.streams = streams;
        this.requests = requests;
        this.metrics = metrics;
        this.appends = appends;
        this.rows = rows;
    }

    /**
     * @param events the decoded events of a batch, empty for a status
     * @param status the decoded body of a {@code backfillStatus}, else null
     * @throws Refusal CONFLICT when the stream exists with another index kind (nothing is stored)
     */
    public IngestResult ingest(String deviceId, Envelope envelope, List<BatchBody.Event> events,
            BackfillStatus status) {
        MessageProperties p = envelope.properties();
        // The most common message, the next live batch of a stream, takes the fast path (with others in one
        // transaction under group commit).
        IngestResult result = MessageClass.of(p) == MessageClass.LIVE
                ? appends.append(deviceId, envelope, events).orElse(null)
                : null;
        if (result != null) {
            count(result);
            return result;
        }
        // Otherwise a known stream takes one transaction; a new stream is created first in its own.
        result = QuarkusTransaction.requiringNew().call(() -> streams.findLocked(deviceId, p.batchId())
                .map(stream -> record(stream, envelope, events, status)).orElse(null));
        if (result == null) {
            requireKind(create(deviceId, p), p.indexKind());
            result = QuarkusTransaction.requiringNew().call(() -> record(streams.findLocked(deviceId, p.batchId())
                    .orElseThrow(), envelope, events, status));
        }
        count(result);
        return result;
    }

    private StreamEntity create(String deviceId, MessageProperties p) {
        try {
            return streams.findOrCreate(deviceId, p.batchId(), p.indexKind(), clock.instant(),
                    config.maxStreamsPerDevice());
        } catch (TooManyStreamsException e) {
            // 400, which the edge takes as "refused for good": it drops this stream's batches and keeps sending
            // the others (a retry code would hold back all of the device's streams). PROTOCOL-DECISIONS.md.
            throw new Refusal(Refusal.Kind.INVALID, e.getMessage() + " (backfill.max-streams-per-device)", "batchId",
                    p.batchId());
        }
    }

    private void count(IngestResult result) {
        switch (result.outcome()) {
            case RECORDED -> metrics.ingested();
            case DUPLICATE -> metrics.duplicated();
            case DISCARDED -> {
                // Counted neither way: retention dropped it on purpose.
            }
        }
        metrics.gaps(result.gaps(), result.at());
    }

    private IngestResult record(StreamEntity stream, Envelope envelope, List<BatchBody.Event> events,
            BackfillStatus status) {
        Instant now = clock.instant();
        MessageProperties p = envelope.properties();
        requireKind(stream, p.indexKind());
        if (RecordedBatchEntity.count("messageId", envelope.messageId()) > 0) {
            return new IngestResult(envelope.messageId(), IngestResult.Outcome.DUPLICATE, null, now);
        }
        long floor = retentionFloor(stream);
        if (p.window().end() <= floor) {
            return new IngestResult(envelope.messageId(), IngestResult.Outcome.DISCARDED, null, now);
        }
        MessageClass kind = MessageClass.of(p);
        Window window = new Window(p.window().start(), p.window().end());
        IntervalSet coverage = streams.coverage(stream.id);
        IntervalSet lost = streams.lost(stream.id);
        boolean gapsMayChange = true;
        switch (kind) {
            case LIVE -> {
                stream.origin = min(stream.origin, Math.min(p.streamOrigin(), window.start()));
                if (stream.lastLiveEnd == null || window.end() >= stream.lastLiveEnd) {
                    stream.lastLiveEnd = window.end();
                    stream.backlogFrom = p.backlogFrom();
                }
                stream.lastLiveAt = now;
                write(stream, envelope, kind, fresh(events, streams.addCoverage(stream, coverage, window)), false,
                        now);
            }
            case BACKFILL -> {
                write(stream, envelope, kind, fresh(events, streams.addCoverage(stream, coverage, window)), false,
                        now);
                requests.onBackfillBatch(stream, p.backfillRequestId(), now);
            }
            case LATE -> {
                write(stream, envelope, kind, fresh(events, List.of(window)), true, now);
                gapsMayChange = false;
            }
            case STATUS -> {
                write(stream, envelope, kind, List.of(), false, now);
                requests.onStatus(stream, coverage, lost, status, window, now);
            }
        }
        // A live batch may have moved the floor up with the last live end.
        GapChanges gaps = gapsMayChange
                ? streams.refreshGaps(stream, coverage, lost, retentionFloor(stream), now)
                : null;
        return new IngestResult(envelope.messageId(), IngestResult.Outcome.RECORDED, gaps, now);
    }

    /**
     * Whether a live batch continues the stream exactly where both its live end and its coverage end, without a
     * backlog before or after, without an earlier origin, and without a retention floor that could drop open gaps:
     * then the gaps cannot change.
     */
    static boolean appendsToCoverage(StreamEntity stream, MessageProperties p) {
        long start = p.window().start();
        return stream.lastLiveEnd != null && stream.lastLiveEnd == start && stream.lastEnd != null
                && stream.lastEnd == start && stream.origin != null && p.streamOrigin() >= stream.origin
                && stream.backlogFrom == null && p.backlogFrom() == null
                && (stream.indexKind == IndexKind.SEQUENCE || stream.openGaps == 0);
    }

    /** Records the batch with the events it keeps ({@link JdbcBatchStore}: the one writer of batches and events). */
    private void write(StreamEntity stream, Envelope envelope, MessageClass kind, List<BatchBody.Event> kept,
            boolean late, Instant now) {
        MessageProperties p = envelope.properties();
        rows.write(List.of(new JdbcBatchStore.NewBatch(stream.id, envelope.messageId(), kind, p.window().start(), p
                .window().end(), p.eventCount() == null ? 0 : p.eventCount(), p.backfillRequestId(), p.seq(), now,
                kept, late)));
    }

    /** The events (in index order) whose index lies in {@code fresh} (sorted, disjoint), in order. */
    static List<BatchBody.Event> fresh(List<BatchBody.Event> events, List<Window> fresh) {
        List<BatchBody.Event> kept = new ArrayList<>(events.size());
        int piece = 0;
        for (BatchBody.Event e : events) {
            while (piece < fresh.size() && fresh.get(piece).end() <= e.index()) {
                piece++;
            }
            if (piece == fresh.size()) {
                break;
            }
            if (fresh.get(piece).contains(e.index())) {
                kept.add(e);
            }
        }
        return kept;
    }

    /** Below this index of a time stream, data is past retention; {@link Long#MIN_VALUE} when nothing is. */
    long retentionFloor(StreamEntity stream) {
        return GapRules.retentionFloor(stream.indexKind, stream.lastLiveEnd, config.retention());
    }

    private static void requireKind(StreamEntity stream, IndexKind kind) {
        if (stream.indexKind != kind) {
            throw new Refusal(Refusal.Kind.CONFLICT,
                    "stream " + stream.deviceId + "/" + stream.batchId + " has indexKind "
                            + stream.indexKind.wireName() + "; a stream cannot change its index kind",
                    "indexKind",
                    kind.wireName());
        }
    }

    private static Long min(Long a, long b) {
        return a == null ? b : Math.min(a, b);
    }
}
