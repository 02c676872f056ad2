package com.reliableedge.edge.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

import com.reliableedge.edge.aggregate.BatchEncoder;
import com.reliableedge.edge.aggregate.SealLimits;
import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.edge.buffer.DropListener;
import com.reliableedge.edge.buffer.SealedMessage;
import com.reliableedge.edge.buffer.SqliteBuffer;
import com.reliableedge.edge.buffer.StoredMessage;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.edge.source.FakeClock;
import com.reliableedge.edge.source.SimulatorSource;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.message.MessageType;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillStatus;
import com.reliableedge.protocol.simulator.SimulatorData;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random requests against a sequence stream with a random history horizon, live cursor, held live batches, chunk
 * span and batch limits: the backfill batches tile exactly the part of the window that the history vouches for
 * below the live cursor, in order, each within the size limit, with exactly the source's events; the statuses tile
 * the whole window, one per maximal sub-range with one outcome.
 */
class BackfillServicePropertiesTest {

    private static final String DEVICE = "site-7";
    private static final long START = 1_790_000_000_000L;
    private static final long MAX_WINDOW = 10_000_000L;

    @Property(tries = 30)
    void aRequestIsTiledExactly(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        Path dir = Files.createTempDirectory("backfill-props");
        FakeClock clock = new FakeClock(START);
        // 100 events per second: the head is near START / 10.
        SimulatorSource source = new SimulatorSource(new SimulatorSource.Settings(List.of(new StreamInfo("seq-1",
                IndexKind.SEQUENCE)), 100, 100, 0, 0, rnd.nextBoolean() ? -1 : rnd.nextInt(400_000), Duration.ZERO),
                clock);
        long head = START / 10;
        long cursor = head - rnd.nextInt(5_000);
        int maxBytes = rnd.nextBoolean() ? 4096 : 262_144;
        SealLimits limits = new SealLimits(maxBytes, 20 + rnd.nextInt(500), 200 + rnd.nextInt(3_000), 0, 1);
        try (SqliteBuffer buffer = new SqliteBuffer(dir.resolve("relay.db"), DEVICE, 1L << 30, DropListener.NONE)) {
            // A few held live batches below the cursor, as the live side would leave them (sealed back when the
            // source still held their events: read without the horizon).
            SimulatorSource noHorizon = new SimulatorSource(new SimulatorSource.Settings(source.streams(), 100, 100, 0,
                    0, -1, Duration.ZERO), clock);
            List<SealedMessage> held = new ArrayList<>();
            long at = cursor - 20_000;
            long seq = 0;
            while (at < cursor) {
                long end = Math.min(cursor, at + 1 + rnd.nextInt(4_000));
                if (rnd.nextInt(3) == 0) {
                    Window w = new Window(at, end);
                    var events = noHorizon.read("seq-1", w, 100_000).events();
                    if (events.size() < 60) {
                        held.add(new BatchEncoder(false).encode(MessageProperties.live("seq-1", IndexKind.SEQUENCE, w,
                                events.size(), ++seq, cursor - 20_000), events));
                    }
                }
                at = end;
            }
            buffer.sealLive(held, new StreamCursor("seq-1", IndexKind.SEQUENCE, cursor, seq, cursor - 20_000, 0),
                    null, START);
            BackfillService service = new BackfillService(buffer, source, DEVICE, new BatchEncoder(rnd.nextBoolean()),
                    s -> limits, k -> (long) (100 + rnd.nextInt(5_000)), k -> MAX_WINDOW, 50 + rnd.nextInt(2_000),
                    1 + rnd.nextInt(200_000), 4,
                    clock,
                    new RelayMetrics(new SimpleMeterRegistry()));
            long from = cursor - rnd.nextInt(40_000);
            Window asked = new Window(from, from + 1 + rnd.nextInt(50_000));
            assertThat(service.accept(BackfillRequest.of("r1", DEVICE, "seq-1", IndexKind.SEQUENCE, asked, 1)
                    .toJson()).status()).isEqualTo(202);

            List<StoredMessage> sent = new ArrayList<>();
            for (int i = 0; i < 100_000 && buffer.job("r1").orElseThrow().state() != BackfillJob.State.DONE; i++) {
                service.workOnce();
                for (StoredMessage m : buffer.nextToSend(1_000, Set.of(), 0)) {
                    if ("r1".equals(m.properties().backfillRequestId())) {
                        sent.add(m);
                        buffer.acknowledge(m.id());
                    }
                }
            }
            assertThat(buffer.job("r1").orElseThrow().state()).isEqualTo(BackfillJob.State.DONE);

            // Served: what the buffer held, and what the history holds below the live cursor.
            long availableFrom = source.read("seq-1", new Window(Long.MIN_VALUE, Long.MIN_VALUE + 1), 1)
                    .availableFrom();
            IntervalSet expectedServed = new IntervalSet();
            long historyFrom = Math.max(asked.start(), availableFrom);
            long historyTo = Math.min(asked.end(), cursor);
            if (historyFrom < historyTo) {
                expectedServed.add(historyFrom, historyTo);
            }
            for (SealedMessage h : held) {
                Window w = h.properties().window();
                long a = Math.max(w.start(), asked.start());
                long b = Math.min(w.end(), asked.end());
                if (a < b) {
                    expectedServed.add(a, b);
                }
            }
            List<StoredMessage> batches = sent.stream().filter(m -> m.properties().messageType() == MessageType.BATCH)
                    .sorted(Comparator.comparing(m -> m.properties().window().start())).toList();
            IntervalSet served = new IntervalSet();
            long previousEnd = Long.MIN_VALUE;
            List<Long> indexes = new ArrayList<>();
            for (StoredMessage m : batches) {
                MessageProperties p = m.properties();
                assertThat(p.window().start()).as("batches never overlap").isGreaterThanOrEqualTo(previousEnd);
                previousEnd = p.window().end();
                served.add(p.window().start(), p.window().end());
                assertThat(m.body().length + Envelope.of(DEVICE, p).propertiesSize()).isLessThanOrEqualTo(maxBytes);
                for (BatchBody.Event e : BatchBody.decode(m.body(), p.contentEncoding(), IndexKind.SEQUENCE, p
                        .window(), p.eventCount(), 1 << 24)) {
                    assertThat(e.json()).isEqualTo(SimulatorData.eventJson(IndexKind.SEQUENCE, "seq-1", e.index()));
                    indexes.add(e.index());
                }
            }
            assertThat(served).isEqualTo(expectedServed);
            List<Long> expected = new ArrayList<>();
            for (Window i : expectedServed.intervals()) {
                SimulatorData.forEachIndex(IndexKind.SEQUENCE, 1, new Window(i.start(), i.end()), expected::add);
            }
            assertThat(indexes).containsExactlyElementsOf(expected);

            List<BackfillStatus> statuses = sent.stream().filter(m -> m.properties()
                    .messageType() == MessageType.BACKFILL_STATUS).map(m -> BackfillStatus.fromJson(m.body()))
                    .sorted(Comparator.comparing(s -> s.window(IndexKind.SEQUENCE).start())).toList();
            long covered = asked.start();
            BackfillStatus previous = null;
            IntervalSet completed = new IntervalSet();
            for (BackfillStatus s : statuses) {
                Window w = s.window(IndexKind.SEQUENCE);
                assertThat(w.start()).isEqualTo(covered);
                covered = w.end();
                if (s.status() == BackfillStatus.Outcome.COMPLETED) {
                    completed.add(w.start(), w.end());
                }
                if (previous != null) {
                    assertThat(s.status() != previous.status() || !java.util.Objects.equals(s.reason(), previous
                            .reason())).as("maximal sub-ranges").isTrue();
                }
                previous = s;
            }
            assertThat(covered).isEqualTo(asked.end());
            assertThat(completed).isEqualTo(expectedServed);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
