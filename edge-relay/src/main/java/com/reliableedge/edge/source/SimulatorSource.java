package com.reliableedge.edge.source;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.simulator.SimulatorData;

/**
 * The simulator source of PROTOCOL.md section 8, driven by an injected wall clock: a time-indexed stream holds one
 * event at every multiple of {@code periodMs} up to now, a sequence-indexed stream one event per integer up to
 * {@code floor(nowMillis * sequenceRate / 1000)}. The live feed can drop on a schedule (a deterministic function of
 * the clock), history can be cut at a horizon and slowed down.
 */
public class SimulatorSource implements SourceAdapter {

    /**
     * @param disconnectEveryMs the live feed is down for {@code disconnectForMs} at the start of every such period;
     *        0 for never
     * @param horizonMs history older than now minus this is unavailable; negative for no horizon
     * @param eventBytes when larger than an event's section 8 form, the event gets a {@code pad} field that brings
     *        it to this many bytes (for load tests); 0 for the plain form
     */
    public record Settings(List<StreamInfo> streams, long periodMs, long sequenceRate, long disconnectEveryMs,
            long disconnectForMs, long horizonMs, Duration historyDelay, int eventBytes) {

        public Settings {
            streams = List.copyOf(streams);
            if (periodMs < 1 || sequenceRate < 1) {
                throw new IllegalArgumentException("period and sequence rate must be positive");
            }
        }

        public Settings(List<StreamInfo> streams, long periodMs, long sequenceRate, long disconnectEveryMs,
                long disconnectForMs, long horizonMs, Duration historyDelay) {
            this(streams, periodMs, sequenceRate, disconnectEveryMs, disconnectForMs, horizonMs, historyDelay, 0);
        }
    }

    private static final class Feed {
        boolean started;
        boolean connected;
        long next;
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();

    public SimulatorSource(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public List<StreamInfo> streams() {
        return settings.streams();
    }

    /** The first index with no event yet at {@code nowMillis}: events exist at every index below it. */
    public long head(IndexKind kind, long nowMillis) {
        return kind == IndexKind.TIME ? nowMillis + 1 : Math.floorDiv(nowMillis * settings.sequenceRate(), 1000L) + 1;
    }

    /** Whether the live feed is down at {@code nowMillis}. */
    public boolean disconnectedAt(long nowMillis) {
        return settings.disconnectEveryMs() > 0
                && Math.floorMod(nowMillis, settings.disconnectEveryMs()) < settings.disconnectForMs();
    }

    @Override
    public LiveUpdate poll(String streamId, int maxEvents) {
        StreamInfo info = require(streamId);
        Feed feed = feeds.computeIfAbsent(streamId, id -> new Feed());
        synchronized (feed) {
            long now = clock.millis();
            if (disconnectedAt(now)) {
                if (feed.connected) {
                    feed.connected = false;
                    return new LiveUpdate.Lost();
                }
                return new LiveUpdate.Data(List.of(), feed.next);
            }
            if (!feed.started || !feed.connected) {
                feed.started = true;
                feed.connected = true;
                // Vouch from the present on: what happened while down (or before start) is a hole.
                feed.next = head(info.kind(), now) - 1;
                return new LiveUpdate.Resumed(feed.next);
            }
            long head = head(info.kind(), now);
            List<SourceEvent> events = new ArrayList<>();
            long to = collect(info, feed.next, head, maxEvents, events);
            feed.next = Math.max(feed.next, to);
            return new LiveUpdate.Data(events, feed.next);
        }
    }

    @Override
    public HistoryRead read(String streamId, Window window, int maxEvents) {
        StreamInfo info = require(streamId);
        delay();
        long availableFrom = Long.MIN_VALUE;
        if (settings.horizonMs() >= 0) {
            long now = clock.millis();
            availableFrom = head(info.kind(), now - settings.horizonMs()) - 1;
        }
        long start = Math.max(window.start(), availableFrom);
        List<SourceEvent> events = new ArrayList<>();
        long readTo = start >= window.end()
                ? window.end()
                : collect(info, start, window.end(), Math.max(1, maxEvents), events);
        return new HistoryRead(events, availableFrom, readTo);
    }

    /** Adds the events in {@code [from, to)}, at most {@code max}; returns where it stopped. */
    private long collect(StreamInfo info, long from, long to, int max, List<SourceEvent> out) {
        long step = info.kind() == IndexKind.SEQUENCE ? 1 : settings.periodMs();
        long i = SimulatorData.firstEventAtOrAfter(info.kind(), settings.periodMs(), from);
        while (i < to) {
            if (out.size() >= max) {
                return i;
            }
            out.add(new SourceEvent(i, event(info, i)));
            i += step;
        }
        return to;
    }

    private byte[] event(StreamInfo info, long index) {
        String json = SimulatorData.eventJson(info.kind(), info.streamId(), index);
        // ,"pad":"" adds 9 bytes before any padding characters.
        int padding = settings.eventBytes() - json.length() - 9;
        if (padding >= 0) {
            json = json.substring(0, json.length() - 1) + ",\"pad\":\"" + "x".repeat(padding) + "\"}";
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private void delay() {
        long millis = settings.historyDelay().toMillis();
        if (millis > 0) {
            try {
                // Simulates a slow source; this is the source's own latency, not a wait for an event.
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private StreamInfo require(String streamId) {
        return stream(streamId).orElseThrow(() -> new IllegalArgumentException("unknown stream " + streamId));
    }
}
