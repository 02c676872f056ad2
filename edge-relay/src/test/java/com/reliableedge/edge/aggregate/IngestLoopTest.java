package com.reliableedge.edge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.buffer.DropListener;
import com.reliableedge.edge.buffer.SqliteBuffer;
import com.reliableedge.edge.buffer.StoredMessage;
import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.edge.source.FakeClock;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SimulatorSource;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.simulator.SimulatorData;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The live path end to end on a fake clock: simulator with live-feed drops, aggregator, durable buffer. */
class IngestLoopTest {

    private static final long START = 1_790_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aLostFeedSealsAtItsLastWatermarkAndLeavesExactlyTheOutageAsAGap() {
        FakeClock clock = new FakeClock(START);
        // Down for the first 2 s of every 10 s.
        SimulatorSource source = new SimulatorSource(new SimulatorSource.Settings(List.of(new StreamInfo("line-1",
                IndexKind.TIME)), 50, 1, 10_000, 2_000, -1, Duration.ZERO), clock);
        SealLimits limits = new SealLimits(16_384, 1_000, 5_000, 100_000_000L, 1_000_000_000L);
        try (SqliteBuffer buffer = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 26, DropListener.NONE)) {
            IngestLoop ingest = new IngestLoop(source, buffer, s -> limits, new BatchEncoder(false), 10_000, Duration
                    .ofMillis(20), clock, clock, new RelayMetrics(new SimpleMeterRegistry()), () -> {
                    });
            ingest.open();
            for (int i = 0; i < 3_000; i++) {
                clock.advanceMillis(20);
                ingest.tick();
            }
            List<MessageProperties> live = new ArrayList<>();
            List<Long> indexes = new ArrayList<>();
            for (StoredMessage m : buffer.nextToSend(100_000, Set.of(), 0)) {
                MessageProperties p = m.properties();
                assertThat(p.isLive()).isTrue();
                live.add(p);
                for (BatchBody.Event e : BatchBody.decode(m.body(), p.contentEncoding(), IndexKind.TIME, p.window(), p
                        .eventCount(), 1 << 24)) {
                    assertThat(e.json()).isEqualTo(SimulatorData.eventJson(IndexKind.TIME, "line-1", e.index()));
                    indexes.add(e.index());
                }
            }
            live.sort(Comparator.comparing(MessageProperties::seq));
            List<Window> gaps = new ArrayList<>();
            for (int i = 1; i < live.size(); i++) {
                assertThat(live.get(i).seq()).isEqualTo(live.get(i - 1).seq() + 1);
                long prevEnd = live.get(i - 1).window().end();
                assertThat(live.get(i).window().start()).isGreaterThanOrEqualTo(prevEnd);
                if (live.get(i).window().start() > prevEnd) {
                    gaps.add(new Window(prevEnd, live.get(i).window().start()));
                }
            }
            // The feed starts inside an outage and the minute ends in one; the five in between are the gaps
            // (each within one poll of its schedule), and there is no other.
            assertThat(gaps).hasSize(5);
            for (Window gap : gaps) {
                long outage = gap.end() - Math.floorMod(gap.end(), 10_000);
                assertThat(gap.start()).isBetween(outage - 20, outage + 1);
                assertThat(gap.end()).isBetween(outage + 2_000, outage + 2_020);
            }
            // Every event outside the gaps was sealed exactly once.
            long origin = live.get(0).window().start();
            long end = live.get(live.size() - 1).window().end();
            List<Long> expected = new ArrayList<>();
            SimulatorData.forEachIndex(IndexKind.TIME, 50, new Window(origin, end), index -> {
                if (gaps.stream().noneMatch(g -> g.contains(index))) {
                    expected.add(index);
                }
            });
            assertThat(indexes).containsExactlyElementsOf(expected);
        }
    }

    private static final long MS = 1_000_000L;

    private static IngestLoop loop(SimulatorSource source, SqliteBuffer buffer, SealLimits limits, Duration poll,
            Clock wall, MonotonicClock clock, Runnable onSealed) {
        return new IngestLoop(source, buffer, s -> limits, new BatchEncoder(false), 10_000, poll, wall, clock,
                new RelayMetrics(new SimpleMeterRegistry()), onSealed);
    }

    private static SimulatorSource simulator(long periodMs, Clock clock) {
        return new SimulatorSource(new SimulatorSource.Settings(List.of(new StreamInfo("line-1", IndexKind.TIME)),
                periodMs, 1, 0, 0, -1, Duration.ZERO), clock);
    }

    @Test
    void aLingerShorterThanThePollIntervalSealsAtItsDeadline() {
        FakeClock clock = new FakeClock(START);
        SealLimits limits = new SealLimits(16_384, 1_000, 5_000, 5 * MS, 1_000 * MS);
        try (SqliteBuffer buffer = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 26, DropListener.NONE)) {
            IngestLoop ingest = loop(simulator(1, clock), buffer, limits, Duration.ofMillis(20), clock, clock, () -> {
            });
            ingest.open();
            // The feed resumes: nothing to seal, and nothing can change before the next poll.
            assertThat(ingest.tick()).isEqualTo(20 * MS);
            clock.advanceMillis(20);
            // Events arrive: the next pass is due when the oldest of them has lingered, not at the next poll.
            assertThat(ingest.tick()).isEqualTo(5 * MS);
            assertThat(buffer.stats().messages()).isZero();
            clock.advanceMillis(5);
            ingest.tick();
            List<StoredMessage> sealed = buffer.nextToSend(10, Set.of(), 0);
            assertThat(sealed).hasSize(1);
            assertThat(sealed.get(0).properties().isLive()).isTrue();
            assertThat(sealed.get(0).properties().window()).isEqualTo(new Window(START, START + 26));
        }
    }

    @Test
    void aHeartbeatDueBeforeTheNextPollIsSealedOnTime() {
        // Events every 1 s, none in the first 31 ms: the heartbeat seals an empty batch (E3).
        FakeClock clock = new FakeClock(START + 1);
        SealLimits limits = new SealLimits(16_384, 1_000, 5_000, 1_000 * MS, 30 * MS);
        try (SqliteBuffer buffer = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 26, DropListener.NONE)) {
            IngestLoop ingest = loop(simulator(1_000, clock), buffer, limits, Duration.ofMillis(20), clock, clock,
                    () -> {
                    });
            ingest.open();
            assertThat(ingest.tick()).isEqualTo(20 * MS);
            clock.advanceMillis(20);
            // 20 ms after the stream's start, the heartbeat is 10 ms away: sooner than the next poll.
            assertThat(ingest.tick()).isEqualTo(10 * MS);
            assertThat(buffer.stats().messages()).isZero();
            clock.advanceMillis(10);
            ingest.tick();
            List<StoredMessage> sealed = buffer.nextToSend(10, Set.of(), 0);
            assertThat(sealed).hasSize(1);
            assertThat(sealed.get(0).properties().eventCount()).isZero();
            assertThat(sealed.get(0).properties().window().start()).isEqualTo(START + 1);
        }
    }

    @Test
    void theRunningLoopMakesItsNextPassAtTheDeadlineNotAtTheNextPoll() {
        // A 3 s poll interval and a 20 ms linger: the window that the second poll opened is sealed about 20 ms
        // later, not at the third poll 3 s later.
        AtomicLong firstEventsAt = new AtomicLong();
        AtomicLong sealedAt = new AtomicLong();
        SimulatorSource source = new SimulatorSource(new SimulatorSource.Settings(List.of(new StreamInfo("line-1",
                IndexKind.TIME)), 10, 1, 0, 0, -1, Duration.ZERO), Clock.systemUTC()) {
            @Override
            public LiveUpdate poll(String streamId, int maxEvents) {
                LiveUpdate update = super.poll(streamId, maxEvents);
                if (update instanceof LiveUpdate.Data d && !d.events().isEmpty()) {
                    firstEventsAt.compareAndSet(0, System.nanoTime());
                }
                return update;
            }
        };
        // Limits far off, so that only the linger seals.
        SealLimits limits = new SealLimits(1 << 22, 100_000, 600_000, 20 * MS, 3_600_000 * MS);
        try (SqliteBuffer buffer = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 26, DropListener.NONE)) {
            IngestLoop ingest = loop(source, buffer, limits, Duration.ofSeconds(3), Clock.systemUTC(), MonotonicClock
                    .system(), () -> sealedAt.compareAndSet(0, System.nanoTime()));
            try {
                ingest.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> sealedAt.get() != 0);
                assertThat(firstEventsAt.get()).isNotZero();
                assertThat(Duration.ofNanos(sealedAt.get() - firstEventsAt.get())).isLessThan(Duration.ofMillis(
                        1_500));
                assertThat(buffer.stats().messages()).isEqualTo(1);
                assertThat(ingest.alive()).isTrue();
            } finally {
                ingest.close();
            }
        }
    }
}
