package com.reliableedge.edge.backfill;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.reliableedge.edge.aggregate.BatchEncoder;
import com.reliableedge.edge.aggregate.Cutter;
import com.reliableedge.edge.aggregate.MessageSizing;
import com.reliableedge.edge.aggregate.SealLimits;
import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.edge.buffer.BatchBuffer;
import com.reliableedge.edge.buffer.BufferException;
import com.reliableedge.edge.buffer.SealedMessage;
import com.reliableedge.edge.buffer.Segment;
import com.reliableedge.edge.buffer.StoredMessage;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.edge.source.SourceAdapter;
import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.IndexArithmetic;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.logging.Log;

/**
 * Serves backfill requests (PROTOCOL.md section 5). {@link #accept} validates a request and records it durably before
 * answering 202; {@link #workOnce} serves accepted jobs one chunk at a time: from batches the buffer still holds where
 * it can, from the source's history otherwise, never past the stream's live cursor, tiling the window exactly (an
 * empty part is an empty batch). Each chunk's batches, outcomes and the job's progress are sealed in one step, so a
 * restart resumes where the job stood. Once every batch of a job is acknowledged, one {@code backfillStatus} message
 * per maximal sub-range with one outcome is sealed.
 */
public class BackfillService {

    /** Outcome reasons written in {@code backfillStatus} bodies. */
    public static final String HORIZON = "horizon";
    public static final String OVERSIZE = "oversize";
    public static final String PAST_LIVE_CURSOR = "pastLiveCursor";
    public static final String SOURCE_ERROR = "sourceError";

    /** A job waits while this many of its messages are still in the buffer, so backfill cannot crowd it out. */
    static final int MAX_PENDING_PER_JOB = 32;

    private final BatchBuffer buffer;
    private final SourceAdapter source;
    private final String deviceId;
    private final BatchEncoder encoder;
    private final Function<StreamInfo, SealLimits> limits;
    private final Function<IndexKind, Long> chunkSpan;
    private final Function<IndexKind, Long> maxWindow;
    private final int maxEventsPerRead;
    private final long maxStepBytes;
    private final int maxActiveJobs;
    private final Clock clock;
    private final RelayMetrics metrics;
    private final AtomicLong finished = new AtomicLong();

    public BackfillService(BatchBuffer buffer, SourceAdapter source, String deviceId, BatchEncoder encoder,
            Function<StreamInfo, SealLimits> limits, Function<IndexKind, Long> chunkSpan,
            Function<IndexKind, Long> maxWindow, int maxEventsPerRead, long maxStepBytes, int maxActiveJobs,
            Clock clock, RelayMetrics metrics) {
        this.buffer = buffer;
        this.source = source;
        this.deviceId = deviceId;
        this.encoder = encoder;
        this.limits = limits;
        this.chunkSpan = chunkSpan;
        this.maxWindow = maxWindow;
        this.maxEventsPerRead = maxEventsPerRead;
        this.maxStepBytes = maxStepBytes;
        this.maxActiveJobs = maxActiveJobs;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Jobs finished since start. */
    public long finishedJobs() {
        return finished.get();
    }

    /**
     * Answers a {@code backfill} method call whose signature was already checked: 202 once durably recorded (or when
     * the request id is known), 400 when malformed or addressed to another device, 404 for an unknown stream, 503
     * when too many jobs are open or the store cannot record it.
     */
    public BackfillResponse accept(byte[] payload) {
        BackfillRequest request;
        try {
            request = BackfillRequest.fromJson(payload);
        } catch (ProtocolException e) {
            return new BackfillResponse(null, BackfillResponse.Result.REJECTED, e.getMessage());
        }
        String id = request.requestId();
        try {
            if (buffer.job(id).isPresent()) {
                return new BackfillResponse(id, BackfillResponse.Result.ACCEPTED, "already accepted");
            }
            if (!deviceId.equals(request.deviceId())) {
                return new BackfillResponse(id, BackfillResponse.Result.REJECTED, "deviceId '" + request.deviceId()
                        + "' is not this device");
            }
            Optional<StreamInfo> stream = source.stream(request.batchId());
            if (stream.isEmpty()) {
                return new BackfillResponse(id, BackfillResponse.Result.UNKNOWN_STREAM, "the source has no stream '"
                        + request.batchId() + "'");
            }
            Window window;
            try {
                window = request.window(stream.get().kind());
            } catch (ProtocolException e) {
                return new BackfillResponse(id, BackfillResponse.Result.REJECTED, e.getMessage());
            }
            String tooWide = tooWide(request, window, stream.get().kind());
            if (tooWide != null) {
                return new BackfillResponse(id, BackfillResponse.Result.REJECTED, tooWide);
            }
            if (buffer.unfinishedJobs().size() >= maxActiveJobs) {
                return new BackfillResponse(id, BackfillResponse.Result.BUSY, "too many backfill requests in flight");
            }
            buffer.addJob(BackfillJob.accepted(id, request.batchId(), stream.get().kind(), window, false, request
                    .attempt(), clock.millis()));
            Log.infof("Accepted backfill %s of %s %s", id, request.batchId(), window.toString(stream.get().kind()));
            return new BackfillResponse(id, BackfillResponse.Result.ACCEPTED, null);
        } catch (BufferException e) {
            Log.warnf("Cannot record backfill %s: %s", id, e.getMessage());
            return new BackfillResponse(id, BackfillResponse.Result.BUSY, "cannot record the request right now");
        }
    }

    /**
     * Why {@code window} is wider than {@code relay.backfill.max-window} allows, or {@code null}: the limit bounds
     * the work one request can cause, however far apart its ends are.
     */
    private String tooWide(BackfillRequest request, Window window, IndexKind kind) {
        long max = maxWindow.apply(kind);
        if (IndexArithmetic.width(window.start(), window.end()) <= max) {
            return null;
        }
        String limit = kind == IndexKind.TIME
                ? brief(max) + " (relay.backfill.max-window)"
                : max + " sequence numbers (relay.backfill.max-sequence-window)";
        return Window.END_FIELD + " '" + request.endWindow() + "' lies more than " + limit + " after "
                + Window.START_FIELD + " '" + request.startWindow() + "': ask for a narrower window";
    }

    /** {@code 7d}, {@code 90m}, {@code 1500ms}: the largest whole unit. */
    static String brief(long millis) {
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (millis % units[i] == 0) {
                return millis / units[i] + names[i];
            }
        }
        return millis + "ms";
    }

    /** Does one piece of work: finishes a served job or serves one chunk; {@code false} when there was none. */
    public boolean workOnce() {
        List<BackfillJob> jobs = buffer.unfinishedJobs();
        for (BackfillJob job : jobs) {
            if (job.state() == BackfillJob.State.SERVED && buffer.pendingMessages(job.requestId()) == 0) {
                finish(job);
                return true;
            }
        }
        for (BackfillJob job : jobs) {
            if (job.state() == BackfillJob.State.ACTIVE && buffer.pendingMessages(job
                    .requestId()) < MAX_PENDING_PER_JOB) {
                serveChunk(job);
                return true;
            }
        }
        return false;
    }

    private void serveChunk(BackfillJob job) {
        StreamInfo stream = new StreamInfo(job.streamId(), job.kind());
        long p = job.progress();
        long end = job.window().end();
        StreamCursor cursor = buffer.cursors().get(job.streamId());
        long liveCursor = cursor == null ? Long.MIN_VALUE : cursor.cursor();
        Optional<StoredMessage> held = p >= Math.min(end, liveCursor)
                ? Optional.empty()
                : buffer.heldBatchCovering(job.streamId(), p).filter(m -> !job.requestId().equals(m.properties()
                        .backfillRequestId()));
        OptionalLong heldEnd = held.map(m -> OptionalLong.of(m.properties().window().end())).orElse(OptionalLong
                .empty());
        OptionalLong nextHeld = held.isPresent() || p >= Math.min(end, liveCursor)
                ? OptionalLong.empty()
                : buffer.nextHeldStart(job.streamId(), p);
        List<SealedMessage> batches = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        long progress;
        ChunkPlanner.Step step = ChunkPlanner.next(p, end, liveCursor, heldEnd, nextHeld, chunkSpan.apply(job
                .kind()));
        if (step instanceof ChunkPlanner.PastLiveCursor past) {
            segments.add(new Segment(past.window(), BackfillStatus.Outcome.FAILED, PAST_LIVE_CURSOR));
            progress = past.window().end();
        } else if (step instanceof ChunkPlanner.FromHeld fromHeld) {
            Window w = fromHeld.window();
            serveEvents(job, stream, heldEvents(held.orElseThrow(), w.start(), w.end()), w.start(), w.end(),
                    batches, segments);
            progress = w.end();
        } else {
            Window chunk = step.window();
            HistoryRead read;
            try {
                // One step is one transaction: bounded in bytes too, so it fits on a disk that has just filled up.
                read = ChunkPlanner.limitBytes(source.read(job.streamId(), chunk, maxEventsPerRead), maxStepBytes);
            } catch (RuntimeException e) {
                // Transient as far as we know: the part is reported failed, and the cloud may ask again.
                Log.warnf("History read of %s %s failed: %s", job.streamId(), chunk.toString(job.kind()), e
                        .toString());
                segments.add(new Segment(chunk, BackfillStatus.Outcome.FAILED, SOURCE_ERROR));
                buffer.sealBackfill(job.requestId(), batches, segments, chunk.end(), clock.millis());
                return;
            }
            ChunkPlanner.AfterRead covered = ChunkPlanner.afterRead(chunk, read.availableFrom(), read.readTo(),
                    Math.min(end, liveCursor), nextHeld);
            if (covered.unavailable() != null) {
                segments.add(new Segment(covered.unavailable(), BackfillStatus.Outcome.UNAVAILABLE, HORIZON));
            }
            if (covered.served() != null) {
                long from = covered.served().start();
                List<SourceEvent> events = read.events().stream().filter(e -> e.index() >= from).toList();
                serveEvents(job, stream, events, from, covered.served().end(), batches, segments);
            }
            if (covered.failed() != null) {
                Log.warnf("History read of %s %s read nothing: failing the chunk", job.streamId(), chunk.toString(
                        job.kind()));
                segments.add(new Segment(covered.failed(), BackfillStatus.Outcome.FAILED, SOURCE_ERROR));
            }
            progress = covered.progress();
        }
        buffer.sealBackfill(job.requestId(), batches, segments, progress, clock.millis());
        metrics.sealed("backfill", batches.size());
    }

    /** Tiles {@code [from, to)} with backfill batches of {@code events}; oversize indexes become unavailable. */
    private void serveEvents(BackfillJob job, StreamInfo stream, List<SourceEvent> events, long from, long to,
            List<SealedMessage> batches, List<Segment> segments) {
        SealLimits l = limits.apply(stream);
        long budget = MessageSizing.bodyBudget(l.maxBytes(), stream.streamId(), stream.kind());
        Cutter.Result cut = Cutter.cut(events, from, to, budget, l.maxEvents(), l.maxSpan(), true);
        for (Cutter.Piece piece : cut.pieces()) {
            if (piece instanceof Cutter.Batch b) {
                MessageProperties props = MessageProperties.backfill(stream.streamId(), stream.kind(), b.window(), b
                        .events().size(), job.requestId());
                batches.add(encoder.encode(props, b.events()));
                segments.add(new Segment(b.window(), BackfillStatus.Outcome.COMPLETED, null));
            } else {
                segments.add(new Segment(piece.window(), BackfillStatus.Outcome.UNAVAILABLE, OVERSIZE));
            }
        }
    }

    private static List<SourceEvent> heldEvents(StoredMessage held, long from, long to) {
        MessageProperties p = held.properties();
        List<SourceEvent> out = new ArrayList<>();
        for (BatchBody.Event e : BatchBody.decode(held.body(), p.contentEncoding(), p.indexKind(), p.window(), p
                .eventCount(), 64 * 1024 * 1024)) {
            if (e.index() >= from && e.index() < to) {
                out.add(new SourceEvent(e.index(), e.json().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    private void finish(BackfillJob job) {
        List<SealedMessage> statuses = new ArrayList<>();
        if (!job.edgeOriginated()) {
            for (Segment s : merged(buffer.segments(job.requestId()))) {
                BackfillStatus status = BackfillStatus.of(job.requestId(), job.streamId(), job.kind(), s.window(), s
                        .outcome(), s.reason());
                statuses.add(new SealedMessage(MessageProperties.backfillStatus(job.streamId(), job.kind(), s.window(),
                        job.requestId()), status.toJson()));
            }
        }
        buffer.finishJob(job.requestId(), statuses, clock.millis());
        metrics.sealed("status", statuses.size());
        finished.incrementAndGet();
        Log.infof("Backfill %s of %s %s done (%d status messages)", job.requestId(), job.streamId(), job.window()
                .toString(job.kind()), statuses.size());
    }

    /** Joins adjacent segments with one outcome and reason into maximal sub-ranges. */
    static List<Segment> merged(List<Segment> segments) {
        List<Segment> out = new ArrayList<>();
        for (Segment s : segments) {
            if (!out.isEmpty()) {
                Segment last = out.get(out.size() - 1);
                if (last.window().end() == s.window().start() && last.outcome() == s.outcome() && java.util.Objects
                        .equals(last.reason(), s.reason())) {
                    out.set(out.size() - 1, new Segment(new Window(last.window().start(), s.window().end()), s
                            .outcome(), s.reason()));
                    continue;
                }
            }
            out.add(s);
        }
        return out;
    }
}
