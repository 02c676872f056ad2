package com.reliableedge.edge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.reliableedge.edge.buffer.SealedMessage;
import com.reliableedge.edge.source.FakeClock;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Drives one stream's aggregator with a random feed on a fake clock and checks the edge invariants on what it seals:
 * live windows contiguous (except across a discontinuity or an oversize hole), every event in exactly one batch
 * (live, or late when it came below the cursor), every message within the size limit, every window within the span
 * limit and below the watermark, and heartbeats no further apart than the interval (plus one step).
 */
class StreamAggregatorPropertiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEVICE = "site-7";

    private record SealedAt(SealedMessage message, long nanos, long watermark) {
    }

    @Property(tries = 150)
    void sealedBatchesKeepTheEdgeInvariants(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        IndexKind kind = rnd.nextBoolean() ? IndexKind.SEQUENCE : IndexKind.TIME;
        int maxBytes = new int[]{4096, 16_384, 262_144}[rnd.nextInt(3)];
        int maxEvents = 3 + rnd.nextInt(200);
        long maxSpan = 200 + rnd.nextInt(20_000);
        long lingerMs = rnd.nextInt(3_000);
        long heartbeatMs = 500 + rnd.nextInt(5_000);
        int maxStepMs = 1 + rnd.nextInt(400);
        SealLimits limits = new SealLimits(maxBytes, maxEvents, maxSpan, lingerMs * 1_000_000L, heartbeatMs
                * 1_000_000L);
        FakeClock clock = new FakeClock(1_790_000_000_000L);
        StreamInfo stream = new StreamInfo("line-1", kind);
        StreamAggregator agg = new StreamAggregator(stream, null, limits, new BatchEncoder(rnd.nextBoolean()), clock
                .nanos());

        long w = 1_790_000_000_000L + rnd.nextInt(1000);
        agg.accept(new LiveUpdate.Resumed(w), clock.nanos());
        List<SealedAt> sealed = new ArrayList<>();
        List<Window> holes = new ArrayList<>();
        List<Window> jumps = new ArrayList<>();
        List<long[]> quietFrom = new ArrayList<>(); // [from, to) nanos when the feed was down
        Map<Integer, Boolean> expectLate = new HashMap<>();
        Map<Integer, Boolean> oversize = new HashMap<>();
        Map<Integer, Long> indexOf = new HashMap<>();
        int nextId = 0;
        boolean connected = true;
        long downSince = 0;
        int steps = 50 + rnd.nextInt(250);
        for (int step = 0; step < steps; step++) {
            long dt = 1 + rnd.nextInt(maxStepMs);
            clock.advanceMillis(dt);
            int roll = rnd.nextInt(100);
            if (connected && roll < 3) {
                agg.accept(new LiveUpdate.Lost(), clock.nanos());
                connected = false;
                downSince = clock.nanos();
            } else if (!connected && roll < 30) {
                long from = w + rnd.nextInt(5_000);
                agg.accept(new LiveUpdate.Resumed(from), clock.nanos());
                if (from > w) {
                    jumps.add(new Window(w, from));
                }
                w = Math.max(w, from);
                connected = true;
                quietFrom.add(new long[]{downSince, clock.nanos()});
            } else if (connected) {
                List<SourceEvent> events = new ArrayList<>();
                long newW = w + dt;
                int count = rnd.nextInt(100) < 20 ? 0 : rnd.nextInt(30);
                List<Long> indexes = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    indexes.add(w + rnd.nextInt((int) dt));
                }
                indexes.sort(Long::compare);
                for (long index : indexes) {
                    int size = rnd.nextInt(1000) == 0
                            ? maxBytes + 10
                            : rnd.nextInt(100) < 5
                                    ? rnd.nextInt(maxBytes
                                            / 3)
                                    : rnd.nextInt(120);
                    int id = nextId++;
                    events.add(event(kind, index, id, size));
                    oversize.put(id, size > maxBytes);
                    expectLate.put(id, false);
                    indexOf.put(id, index);
                }
                Optional<Long> cursor = agg.openStart();
                if (rnd.nextInt(100) < 5 && cursor.isPresent() && cursor.get() > 1_790_000_000_000L) {
                    // An event for a window already sealed.
                    long index = cursor.get() - 1 - rnd.nextInt(50);
                    int id = nextId++;
                    events.add(event(kind, index, id, rnd.nextInt(50)));
                    expectLate.put(id, true);
                    oversize.put(id, false);
                    indexOf.put(id, index);
                }
                w = newW;
                agg.accept(new LiveUpdate.Data(events, w), clock.nanos());
            }
            drain(agg, clock, sealed, holes);
        }
        if (!connected) {
            long from = w;
            agg.accept(new LiveUpdate.Resumed(from), clock.nanos());
            quietFrom.add(new long[]{downSince, clock.nanos()});
        }
        // Let every timer run out so that everything below the watermark is sealed.
        long lastStep = clock.nanos();
        clock.advanceMillis(Math.max(lingerMs, heartbeatMs) + 1);
        drain(agg, clock, sealed, holes);

        // Every message within the size limit, even with backlogFrom added at send time.
        for (SealedAt s : sealed) {
            MessageProperties p = s.message().properties();
            MessageProperties withBacklog = p.isLive() ? p.withBacklogFrom(p.window().start()) : p;
            assertThat(s.message().body().length + Envelope.of(DEVICE, withBacklog).propertiesSize())
                    .isLessThanOrEqualTo(maxBytes);
        }

        // Live windows: contiguous except across jumps and holes, within the span, below the watermark.
        List<SealedAt> live = sealed.stream().filter(s -> s.message().properties().isLive()).toList();
        long seq = 0;
        Long previousEnd = null;
        for (SealedAt s : live) {
            MessageProperties p = s.message().properties();
            assertThat(p.seq()).isEqualTo(++seq);
            assertThat(p.window().end() - p.window().start()).isLessThanOrEqualTo(maxSpan);
            assertThat(p.window().end()).isLessThanOrEqualTo(s.watermark());
            if (previousEnd != null && p.window().start() != previousEnd) {
                assertThat(p.window().start()).isGreaterThan(previousEnd);
                Window gap = new Window(previousEnd, p.window().start());
                assertThat(explained(gap, holes, jumps)).as("gap %s explained by holes %s or jumps %s", gap, holes,
                        jumps).isTrue();
            }
            previousEnd = p.window().end();
        }

        // Every event in exactly one batch, of the right kind; oversize ones in none.
        Map<Integer, Integer> liveCount = new HashMap<>();
        Map<Integer, Integer> lateCount = new HashMap<>();
        for (SealedAt s : sealed) {
            MessageProperties p = s.message().properties();
            List<BatchBody.Event> events = BatchBody.decode(s.message().body(), p.contentEncoding(), kind, p.window(),
                    p.eventCount(), 10_000_000);
            for (BatchBody.Event e : events) {
                int id = JSON.readTree(e.json()).get("id").asInt();
                (p.late() ? lateCount : liveCount).merge(id, 1, Integer::sum);
            }
        }
        for (int id = 0; id < nextId; id++) {
            long index = indexOf.get(id);
            boolean inHole = !expectLate.get(id) && holes.stream().anyMatch(h -> h.contains(index));
            if (oversize.get(id)) {
                assertThat(inHole).as("oversize event %d lies in a hole", id).isTrue();
            }
            if (inHole) {
                // Never claimed: an index whose events cannot fit in one message (E2).
                assertThat(liveCount.get(id)).as("event %d in a hole", id).isNull();
            } else if (expectLate.get(id)) {
                assertThat(lateCount.get(id)).as("late event %d", id).isEqualTo(1);
                assertThat(liveCount.get(id)).isNull();
            } else {
                assertThat(liveCount.get(id)).as("live event %d", id).isEqualTo(1);
                assertThat(lateCount.get(id)).isNull();
            }
        }

        // Heartbeats: while the feed is up, live seals are never further apart than the interval plus a step.
        long bound = heartbeatMs * 1_000_000L + maxStepMs * 1_000_000L;
        for (int i = 1; i < live.size(); i++) {
            long a = live.get(i - 1).nanos();
            long b = live.get(i).nanos();
            // The feed was down in between, or the final flush (a step longer than the interval) sealed it.
            boolean quietBetween = quietFrom.stream().anyMatch(q -> q[0] < b && q[1] > a) || b > lastStep;
            if (!quietBetween) {
                assertThat(b - a).as("spacing of live seals %d and %d", i, i + 1).isLessThanOrEqualTo(bound);
            }
        }
    }

    private static boolean explained(Window gap, List<Window> holes, List<Window> jumps) {
        long at = gap.start();
        boolean progress = true;
        while (at < gap.end() && progress) {
            progress = false;
            for (Window w : holes) {
                if (w.start() <= at && w.end() > at) {
                    at = w.end();
                    progress = true;
                }
            }
            for (Window w : jumps) {
                if (w.start() <= at && w.end() > at) {
                    at = w.end();
                    progress = true;
                }
            }
        }
        return at >= gap.end();
    }

    private static void drain(StreamAggregator agg, FakeClock clock, List<SealedAt> sealed, List<Window> holes) {
        Optional<Seal> seal = agg.prepare(clock.nanos());
        if (seal.isPresent()) {
            for (SealedMessage m : seal.get().messages()) {
                sealed.add(new SealedAt(m, clock.nanos(), agg.watermark()));
            }
            holes.addAll(seal.get().holes());
            agg.commit(seal.get(), clock.nanos());
        }
    }

    private static SourceEvent event(IndexKind kind, long index, int id, int padding) {
        String json = "{\"index\":\"" + kind.format(index) + "\",\"id\":" + id + ",\"pad\":\"" + "x".repeat(padding)
                + "\"}";
        return new SourceEvent(index, json.getBytes(StandardCharsets.UTF_8));
    }
}
