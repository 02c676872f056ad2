package com.reliableedge.edge.aggregate;

import java.util.ArrayList;
import java.util.List;

import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.protocol.index.IndexArithmetic;
import com.reliableedge.protocol.index.Window;

/**
 * Cuts a run of events into windows that tile {@code [start, …)} without gaps: each window within the span limit,
 * each body within the byte budget and event limit, cut only between indexes (events sharing an index stay
 * together). An index whose events cannot fit in one message even alone becomes a {@link Hole}: never claimed
 * (E2).
 */
public final class Cutter {

    /** A piece of the tiling. */
    public sealed interface Piece {
        Window window();
    }

    /** A window to seal as one batch, with its events (possibly none). */
    public record Batch(Window window, List<SourceEvent> events) implements Piece {
    }

    /** An index whose events are too large for one message: skipped, never claimed. */
    public record Hole(Window window, int droppedEvents) implements Piece {
    }

    /**
     * @param next where the tiling stopped: the start of what stays open
     * @param consumed how many of the given events lie below {@code next}
     */
    public record Result(List<Piece> pieces, long next, int consumed) {
    }

    private Cutter() {
    }

    /**
     * Tiles {@code [start, end)} with the events below {@code end}.
     *
     * @param events events with index {@code >= start}, in index order; those at or after {@code end} are ignored
     * @param sealRemainder also seal the last, not full, window up to {@code end}; otherwise it stays open
     */
    public static Result cut(List<SourceEvent> events, long start, long end, long bodyBudget, int maxEvents,
            long maxSpan, boolean sealRemainder) {
        List<Piece> pieces = new ArrayList<>();
        long s = start;
        List<SourceEvent> current = new ArrayList<>();
        long currentBytes = 0;
        int i = 0;
        int n = events.size();
        while (i < n && events.get(i).index() < end) {
            long index = events.get(i).index();
            int j = i;
            long groupBytes = 0;
            while (j < n && events.get(j).index() == index) {
                groupBytes += events.get(j).json().length;
                j++;
            }
            int groupCount = j - i;
            while (IndexArithmetic.saturatedSubtract(index, s) >= maxSpan) {
                pieces.add(new Batch(new Window(s, s + maxSpan), current));
                current = new ArrayList<>();
                currentBytes = 0;
                s += maxSpan;
            }
            if (MessageSizing.bodySize(groupCount, groupBytes) > bodyBudget) {
                if (s < index) {
                    pieces.add(new Batch(new Window(s, index), current));
                }
                pieces.add(new Hole(new Window(index, index + 1), groupCount));
                current = new ArrayList<>();
                currentBytes = 0;
                s = index + 1;
                i = j;
                continue;
            }
            if (!current.isEmpty() && (current.size() + groupCount > maxEvents || MessageSizing.bodySize(current
                    .size() + groupCount, currentBytes + groupBytes) > bodyBudget)) {
                pieces.add(new Batch(new Window(s, index), current));
                current = new ArrayList<>();
                currentBytes = 0;
                s = index;
            }
            current.addAll(events.subList(i, j));
            currentBytes += groupBytes;
            i = j;
            if (current.size() >= maxEvents) {
                // Full by count: close it right after its last index, which is below end and so complete. Waiting for
                // the next index would leave a group larger than the count limit open until more data came.
                pieces.add(new Batch(new Window(s, index + 1), current));
                current = new ArrayList<>();
                currentBytes = 0;
                s = index + 1;
            }
        }
        while (IndexArithmetic.saturatedSubtract(end, s) > maxSpan) {
            pieces.add(new Batch(new Window(s, s + maxSpan), current));
            current = new ArrayList<>();
            s += maxSpan;
        }
        if (sealRemainder && s < end) {
            pieces.add(new Batch(new Window(s, end), current));
            current = new ArrayList<>();
            s = end;
        }
        return new Result(pieces, s, i - current.size());
    }
}
