package com.reliableedge.edge.source.opcua;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceEvent;

/**
 * One stream's live feed between the OPC UA subscription (which {@link #offer}s values and clock ticks, and
 * reports {@link #lose losses}) and the poll thread ({@link #poll}). Memory is bounded: past {@code capacity}
 * waiting signals the feed counts as lost (a discontinuity), never as a silent drop.
 * <p>
 * The watermark follows the server's clock ({@link Tick}, the sampled {@code Server_ServerStatus_CurrentTime}) minus
 * the lag; a value is handed out once the watermark passes its index. After a loss the feed resumes at the first
 * tick that arrives on the new subscription: values stamped before it belong to the hole, which history repairs.
 */
final class LiveFeed {

    /** What the subscription hands over. */
    sealed interface Signal {
    }

    record Value(NodeEvent event) implements Signal {
    }

    record Tick(long serverMillis) implements Signal {
    }

    private final int capacity;
    private final long lagMillis;
    // Guarded by this: filled by the subscription's thread.
    private final ArrayDeque<Signal> queue = new ArrayDeque<>();
    private long losses;
    private long overflows;

    // Owned by the poll thread.
    private final ArrayDeque<Signal> inbox = new ArrayDeque<>();
    private final List<NodeEvent> pending = new ArrayList<>();
    private boolean up;
    private long seenLosses;
    private long from = Long.MIN_VALUE;
    private long target = Long.MIN_VALUE;
    private long reported = Long.MIN_VALUE;

    LiveFeed(int capacity, long lagMillis) {
        this.capacity = capacity;
        this.lagMillis = lagMillis;
    }

    /** Adds a signal; a full queue is a loss. */
    synchronized void offer(Signal s) {
        if (queue.size() >= capacity) {
            queue.clear();
            losses++;
            overflows++;
            return;
        }
        queue.add(s);
    }

    /** Adds the signals of one notification together; a full queue is a loss. */
    synchronized void offerAll(List<Signal> signals) {
        if (queue.size() + signals.size() > capacity) {
            queue.clear();
            losses++;
            overflows++;
            return;
        }
        queue.addAll(signals);
    }

    /** The live feed broke: nothing received until the next resumption is vouched for. */
    synchronized void lose() {
        queue.clear();
        losses++;
    }

    synchronized long overflows() {
        return overflows;
    }

    /** The next update for the poll thread (see {@link LiveUpdate}). */
    LiveUpdate poll(int maxEvents) {
        long lossesNow;
        synchronized (this) {
            inbox.addAll(queue);
            queue.clear();
            lossesNow = losses;
        }
        if (lossesNow != seenLosses) {
            seenLosses = lossesNow;
            // What arrived before the loss was cleared with it; what is in the inbox now came after it.
            if (up) {
                up = false;
                pending.clear();
                return new LiveUpdate.Lost();
            }
        }
        if (!up) {
            while (!inbox.isEmpty()) {
                Signal s = inbox.poll();
                if (s instanceof Tick t) {
                    up = true;
                    from = Math.max(t.serverMillis(), reported);
                    target = Math.max(target, from);
                    return new LiveUpdate.Resumed(from);
                }
            }
            return new LiveUpdate.Data(List.of(), reported == Long.MIN_VALUE ? Long.MIN_VALUE : reported);
        }
        while (!inbox.isEmpty()) {
            Signal s = inbox.poll();
            if (s instanceof Value v) {
                if (v.event().index() >= from) {
                    pending.add(v.event());
                }
            } else if (s instanceof Tick t) {
                target = Math.max(target, t.serverMillis() - lagMillis);
            }
        }
        Release r = release(pending, target, Math.max(reported, from), maxEvents);
        pending.clear();
        pending.addAll(r.remaining());
        reported = r.watermark();
        return new LiveUpdate.Data(r.released().stream().map(NodeEvent::event).toList(), reported);
    }

    /** What {@link #release} hands out and keeps, and the watermark it may report. */
    record Release(List<NodeEvent> released, List<NodeEvent> remaining, long watermark) {
    }

    /**
     * Hands out, in {@link NodeEvent#ORDER}, at most {@code max} of the events below {@code target}; the watermark
     * is {@code target} unless an event below it stays behind, then that event's index; never below
     * {@code lastWatermark}.
     */
    static Release release(List<NodeEvent> events, long target, long lastWatermark, int max) {
        List<NodeEvent> sorted = new ArrayList<>(events);
        sorted.sort(NodeEvent.ORDER);
        int n = 0;
        while (n < sorted.size() && n < max && sorted.get(n).index() < target) {
            n++;
        }
        n = wholeIndexes(sorted, n, target);
        long watermark = n < sorted.size() && sorted.get(n).index() < target ? sorted.get(n).index() : target;
        watermark = Math.max(watermark, lastWatermark);
        return new Release(List.copyOf(sorted.subList(0, n)), List.copyOf(sorted.subList(n, sorted.size())),
                watermark);
    }

    /**
     * Moves a cut at {@code n} of index-sorted events so that it does not split one index: back to that index's first
     * event, or, when that leaves nothing, on past its last one (one index can exceed the limit).
     */
    static int wholeIndexes(List<NodeEvent> sorted, int n, long target) {
        if (n == 0 || n >= sorted.size() || sorted.get(n).index() >= target || sorted.get(n).index() != sorted.get(
                n - 1).index()) {
            return n;
        }
        long split = sorted.get(n).index();
        int back = n;
        while (back > 0 && sorted.get(back - 1).index() == split) {
            back--;
        }
        if (back > 0) {
            return back;
        }
        int on = n;
        while (on < sorted.size() && sorted.get(on).index() == split) {
            on++;
        }
        return on;
    }

    static NodeEvent event(int node, long index, byte[] json) {
        return new NodeEvent(node, new SourceEvent(index, json));
    }
}
