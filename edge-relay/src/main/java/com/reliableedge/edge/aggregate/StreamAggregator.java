package com.reliableedge.edge.aggregate;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.reliableedge.edge.buffer.SealedMessage;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * One stream's open window. It takes live updates, asks {@link SealPolicy} whether to seal, cuts with
 * {@link Cutter}, and hands out a {@link Seal} that the caller writes to the buffer and then {@link #commit commits}
 * (or {@link #abandon abandons} when the buffer refused it). Not thread-safe: one thread drives it. Time is given as
 * monotonic nanoseconds on every call, never read from a clock.
 */
public final class StreamAggregator {

    private static final int RECENT_WINDOWS = 1024;

    private final StreamInfo stream;
    private final SealLimits limits;
    private final long bodyBudget;
    private final BatchEncoder encoder;

    /** Durable state as last committed; {@code null} until the stream's first seal. */
    private StreamCursor cursor;
    /** Start of the open window; equals the cursor once known. */
    private long start;
    private boolean started;
    private boolean firstResume = true;
    private Window pendingHeal;

    private long watermark = Long.MIN_VALUE;
    private boolean connected;
    private boolean feedLost;

    private final ArrayList<SourceEvent> open = new ArrayList<>();
    private long openBytes;
    private long oldestNanos;

    private final TreeMap<Long, List<SourceEvent>> late = new TreeMap<>();
    private int lateCount;
    private long oldestLateNanos;
    private final TreeMap<Long, Long> recentWindows = new TreeMap<>();

    private long lastSealNanos;
    private long nextDeadlineNanos = Long.MAX_VALUE;

    /**
     * @param restored the stream's durable state from the buffer, {@code null} for a stream never sealed
     * @param nowNanos monotonic now: the heartbeat counts from here
     */
    public StreamAggregator(StreamInfo stream, StreamCursor restored, SealLimits limits, BatchEncoder encoder,
            long nowNanos) {
        this.stream = stream;
        this.limits = limits;
        this.encoder = encoder;
        this.bodyBudget = MessageSizing.bodyBudget(limits.maxBytes(), stream.streamId(), stream.kind());
        this.cursor = restored;
        if (restored != null) {
            start = restored.cursor();
            watermark = restored.cursor();
            started = true;
        }
        lastSealNanos = nowNanos;
    }

    public StreamInfo stream() {
        return stream;
    }

    /** The start of the open window, or empty before the source vouched for anything. */
    public Optional<Long> openStart() {
        return started ? Optional.of(start) : Optional.empty();
    }

    public long watermark() {
        return watermark;
    }

    /** When the last {@link #prepare} answer may change without new input. */
    public long nextDeadlineNanos() {
        return nextDeadlineNanos;
    }

    /** Takes one update of the live feed; returns how many events were late (below the cursor). */
    public int accept(LiveUpdate update, long nowNanos) {
        if (update instanceof LiveUpdate.Resumed r) {
            resume(r.from());
        } else if (update instanceof LiveUpdate.Lost) {
            if (connected) {
                connected = false;
                feedLost = true;
            }
        } else if (update instanceof LiveUpdate.Data d) {
            return data(d, nowNanos);
        }
        return 0;
    }

    private void resume(long from) {
        connected = true;
        // Whatever the lost feed left to seal was sealed right after the loss.
        feedLost = false;
        if (firstResume) {
            firstResume = false;
            if (!started) {
                start = from;
                started = true;
            } else if (from > start) {
                // E5: restarted with a hole between the durable cursor and what the source vouches for now.
                pendingHeal = new Window(start, from);
                jumpTo(from);
            }
        } else if (from > start) {
            // E2: after a lost feed the cursor jumps; the hole is a gap the cloud repairs.
            jumpTo(from);
        }
        watermark = Math.max(watermark, start);
    }

    private void jumpTo(long from) {
        Iterator<SourceEvent> it = open.iterator();
        while (it.hasNext()) {
            SourceEvent e = it.next();
            if (e.index() >= from) {
                break;
            }
            openBytes -= e.json().length;
            it.remove();
        }
        start = from;
    }

    private int data(LiveUpdate.Data d, long nowNanos) {
        if (!started) {
            return 0;
        }
        int lateNow = 0;
        for (SourceEvent e : d.events()) {
            if (e.index() >= start) {
                insert(e, nowNanos);
            } else {
                addLate(e, nowNanos);
                lateNow++;
            }
        }
        watermark = Math.max(watermark, d.watermark());
        return lateNow;
    }

    private void insert(SourceEvent e, long nowNanos) {
        if (open.isEmpty()) {
            oldestNanos = nowNanos;
        }
        int size = open.size();
        if (size == 0 || open.get(size - 1).index() <= e.index()) {
            open.add(e);
        } else {
            // Out of order within the lateness the adapter allows: insert after events of the same index.
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (open.get(mid).index() <= e.index()) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            open.add(lo, e);
        }
        openBytes += e.json().length;
    }

    private void addLate(SourceEvent e, long nowNanos) {
        Map.Entry<Long, Long> sealed = recentWindows.floorEntry(e.index());
        long key = sealed != null && e.index() < sealed.getValue() ? sealed.getKey() : Long.MIN_VALUE;
        if (lateCount == 0) {
            oldestLateNanos = nowNanos;
        }
        late.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        lateCount++;
    }

    /** The summary the pure policy decides on. */
    public SealPolicy.Input input() {
        int eligible = open.size();
        long eligibleBytes = openBytes;
        while (eligible > 0 && open.get(eligible - 1).index() >= watermark) {
            eligible--;
            eligibleBytes -= open.get(eligible).json().length;
        }
        return new SealPolicy.Input(start, watermark, eligible, eligibleBytes, oldestNanos, lastSealNanos, feedLost,
                lateCount, oldestLateNanos, bodyBudget);
    }

    /** Decides and, when it is time, builds the seal; changes nothing until {@link #commit} or {@link #abandon}. */
    public Optional<Seal> prepare(long nowNanos) {
        if (!started) {
            return Optional.empty();
        }
        SealPolicy.Decision decision = SealPolicy.decide(input(), limits, nowNanos);
        nextDeadlineNanos = decision.nextDeadlineNanos();
        boolean sealLive = decision.action() != SealPolicy.Action.NONE;
        if (!sealLive && !decision.flushLate() && pendingHeal == null) {
            return Optional.empty();
        }
        List<Cutter.Piece> pieces = List.of();
        long next = start;
        if (sealLive) {
            Cutter.Result cut = Cutter.cut(open, start, watermark, bodyBudget, limits.maxEvents(), limits.maxSpan(),
                    decision.action() == SealPolicy.Action.SEAL_ALL);
            pieces = cut.pieces();
            next = cut.next();
        }
        if (pieces.isEmpty() && !decision.flushLate() && pendingHeal == null) {
            return Optional.empty();
        }
        long seq = cursor == null ? 0 : cursor.seq();
        long lateSeq = cursor == null ? 0 : cursor.lateSeq();
        Long origin = cursor == null ? null : cursor.streamOrigin();
        List<SealedMessage> messages = new ArrayList<>();
        List<Window> liveWindows = new ArrayList<>();
        List<Window> holes = new ArrayList<>();
        int dropped = 0;
        for (Cutter.Piece piece : pieces) {
            if (origin == null) {
                origin = piece.window().start();
            }
            if (piece instanceof Cutter.Batch b) {
                seq++;
                MessageProperties props = MessageProperties.live(stream.streamId(), stream.kind(), b.window(), b
                        .events().size(), seq, origin);
                messages.add(encoder.encode(props, b.events()));
                liveWindows.add(b.window());
            } else if (piece instanceof Cutter.Hole h) {
                holes.add(h.window());
                dropped += h.droppedEvents();
            }
        }
        int lateBatches = 0;
        int lateEvents = 0;
        if (decision.flushLate()) {
            for (List<SourceEvent> group : late.values()) {
                List<SourceEvent> sorted = new ArrayList<>(group);
                sorted.sort((a, b) -> Long.compare(a.index(), b.index()));
                for (List<SourceEvent> part : lateParts(sorted)) {
                    long first = part.get(0).index();
                    long last = part.get(part.size() - 1).index();
                    if (MessageSizing.bodySize(part.size(), bytes(part)) > bodyBudget) {
                        dropped += part.size();
                        continue;
                    }
                    lateSeq++;
                    MessageProperties props = MessageProperties.late(stream.streamId(), stream.kind(), new Window(
                            first, last + 1), part.size(), lateSeq);
                    messages.add(encoder.encode(props, part));
                    lateBatches++;
                    lateEvents += part.size();
                }
            }
        }
        if (origin == null) {
            origin = next;
        }
        StreamCursor newCursor = new StreamCursor(stream.streamId(), stream.kind(), next, seq, origin, lateSeq);
        return Optional.of(new Seal(stream.streamId(), messages, newCursor, pendingHeal, decision.reason(),
                liveWindows, decision.flushLate(), lateBatches, lateEvents, holes, dropped));
    }

    /** Splits late events, in index order, into runs that each fit in one message (an oversize index alone). */
    private List<List<SourceEvent>> lateParts(List<SourceEvent> sorted) {
        List<List<SourceEvent>> parts = new ArrayList<>();
        List<SourceEvent> current = new ArrayList<>();
        long bytes = 0;
        for (SourceEvent e : sorted) {
            boolean full = current.size() + 1 > limits.maxEvents() || MessageSizing.bodySize(current.size() + 1,
                    bytes + e.json().length) > bodyBudget;
            if (!current.isEmpty() && full) {
                parts.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(e);
            bytes += e.json().length;
        }
        if (!current.isEmpty()) {
            parts.add(current);
        }
        return parts;
    }

    private static long bytes(List<SourceEvent> events) {
        long sum = 0;
        for (SourceEvent e : events) {
            sum += e.json().length;
        }
        return sum;
    }

    /** The seal is durable: adopt its cursor and forget what it holds. */
    public void commit(Seal seal, long nowNanos) {
        advance(seal, nowNanos);
        if (!seal.liveWindows().isEmpty()) {
            lastSealNanos = nowNanos;
        }
        cursor = seal.cursor();
        pendingHeal = null;
        for (Window w : seal.liveWindows()) {
            recentWindows.put(w.start(), w.end());
        }
        while (recentWindows.size() > RECENT_WINDOWS) {
            recentWindows.pollFirstEntry();
        }
    }

    /**
     * The buffer refused the seal (full disk): its events are dropped and the window becomes a gap, but no
     * {@code seq} or {@code lateSeq} is used up and the durable cursor stays where it was.
     */
    public void abandon(Seal seal, long nowNanos) {
        advance(seal, nowNanos);
        // Not a seal, but the next attempt waits a full interval rather than failing on every poll.
        lastSealNanos = nowNanos;
        if (cursor != null) {
            cursor = cursor.withCursor(seal.cursor().cursor());
        }
    }

    private void advance(Seal seal, long nowNanos) {
        long next = seal.cursor().cursor();
        int consumed = 0;
        while (consumed < open.size() && open.get(consumed).index() < next) {
            openBytes -= open.get(consumed).json().length;
            consumed++;
        }
        open.subList(0, consumed).clear();
        if (!open.isEmpty()) {
            oldestNanos = nowNanos;
        }
        start = next;
        if (seal.reason() == SealPolicy.Reason.DISCONTINUITY) {
            feedLost = false;
        }
        if (seal.flushedLate()) {
            late.clear();
            lateCount = 0;
        }
    }
}
