package com.reliableedge.edge.backfill;

import java.util.List;
import java.util.OptionalLong;

import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.protocol.index.IndexArithmetic;
import com.reliableedge.protocol.index.Window;

/**
 * The range arithmetic of serving a backfill job, apart from any I/O: from where the job stands and what the buffer
 * and the source said, what the next step serves. One step per call and a constant amount of work per step, so no
 * call depends on the width of the window; every bound saturates, so windows near {@code Long.MIN_VALUE} or
 * {@code Long.MAX_VALUE} never wrap. Steps tile the window in order: each starts where the job stands and ends
 * after it.
 */
final class ChunkPlanner {

    private ChunkPlanner() {
    }

    /** The next step of a job. */
    sealed interface Step {
        Window window();
    }

    /** The live side has not sealed this far: nothing in the rest of the window is vouched for yet. */
    record PastLiveCursor(Window window) implements Step {
    }

    /** The part covered by a batch the buffer holds, re-sent from that batch's events. */
    record FromHeld(Window window) implements Step {
    }

    /** A chunk to read from the source; {@link #afterRead} says what the read covered. */
    record FromSource(Window window) implements Step {
    }

    /**
     * What a history read of a chunk covered, in order: {@code unavailable} (below the source's horizon), then
     * {@code served} (the events read), or {@code failed} when the source broke its contract and read nothing; each
     * may be {@code null}. {@code progress} is where the job stands afterwards, always past the chunk's start.
     */
    record AfterRead(Window unavailable, Window served, Window failed, long progress) {
    }

    /**
     * The next step of a job standing at {@code progress < end}.
     *
     * @param liveCursor the stream's durable live cursor ({@code Long.MIN_VALUE} when it has none)
     * @param heldEnd the end of a batch the buffer holds that covers {@code progress}, if any
     * @param nextHeldStart the start of the next held batch after {@code progress}, if any
     * @param chunkSpan the widest history read, at least 1
     */
    static Step next(long progress, long end, long liveCursor, OptionalLong heldEnd, OptionalLong nextHeldStart,
            long chunkSpan) {
        if (progress >= end) {
            throw new IllegalArgumentException("the job is served: progress " + progress + " >= end " + end);
        }
        if (progress >= liveCursor) {
            return new PastLiveCursor(new Window(progress, end));
        }
        long limit = Math.min(end, liveCursor);
        if (heldEnd.isPresent() && heldEnd.getAsLong() > progress) {
            return new FromHeld(new Window(progress, Math.min(heldEnd.getAsLong(), limit)));
        }
        long chunkEnd = Math.min(limit, IndexArithmetic.saturatedAdd(progress, Math.max(1, chunkSpan)));
        if (nextHeldStart.isPresent() && nextHeldStart.getAsLong() > progress) {
            chunkEnd = Math.min(chunkEnd, nextHeldStart.getAsLong());
        }
        return new FromSource(new Window(progress, chunkEnd));
    }

    /**
     * What the read of {@code chunk} covered.
     *
     * @param availableFrom the source's horizon: it holds nothing below it
     * @param readTo where the read stopped (its event limit), at most the chunk's end
     * @param limit where the job may go at most: the smaller of its end and the live cursor
     * @param nextHeldStart the start of the next held batch after the chunk's start, if any
     */
    static AfterRead afterRead(Window chunk, long availableFrom, long readTo, long limit, OptionalLong nextHeldStart) {
        long p = chunk.start();
        Window unavailable = null;
        long servedFrom = p;
        if (availableFrom > p) {
            // Nothing below the horizon can be read: one step covers it however wide it is, up to the next part
            // the buffer still holds or the limit.
            long to = Math.min(availableFrom, limit);
            if (nextHeldStart.isPresent() && nextHeldStart.getAsLong() > p) {
                to = Math.min(to, nextHeldStart.getAsLong());
            }
            unavailable = new Window(p, to);
            if (to >= chunk.end()) {
                return new AfterRead(unavailable, null, null, to);
            }
            servedFrom = to;
        }
        long progress = Math.max(servedFrom, Math.min(readTo, chunk.end()));
        if (progress == p) {
            // readTo must lie after the chunk's start; a source that says otherwise fails the chunk, so the job
            // still moves on.
            return new AfterRead(null, null, chunk, chunk.end());
        }
        Window served = servedFrom < progress ? new Window(servedFrom, progress) : null;
        return new AfterRead(unavailable, served, null, progress);
    }

    /**
     * The part of {@code read} that one step seals: its events up to {@code maxBytes} of event JSON, cut on an index
     * boundary (the read then ends at the first index left out, as a read stopped by its event limit does). The
     * events of the first index are always kept, so every step makes progress.
     */
    static HistoryRead limitBytes(HistoryRead read, long maxBytes) {
        List<SourceEvent> events = read.events();
        long bytes = 0;
        int cut = events.size();
        for (int i = 0; i < events.size(); i++) {
            bytes += events.get(i).json().length;
            if (bytes > maxBytes) {
                cut = i;
                break;
            }
        }
        if (cut == events.size()) {
            return read;
        }
        long first = events.get(0).index();
        if (events.get(cut).index() == first) {
            // Past the budget within the first index: keep that index whole, cut at the next one.
            while (cut < events.size() && events.get(cut).index() == first) {
                cut++;
            }
            if (cut == events.size()) {
                return read;
            }
        } else {
            while (events.get(cut - 1).index() == events.get(cut).index()) {
                cut--;
            }
        }
        return new HistoryRead(events.subList(0, cut), read.availableFrom(), events.get(cut).index());
    }
}
