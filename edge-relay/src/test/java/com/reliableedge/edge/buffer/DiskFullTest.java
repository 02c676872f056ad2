package com.reliableedge.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.aggregate.BatchEncoder;
import com.reliableedge.edge.aggregate.IngestLoop;
import com.reliableedge.edge.aggregate.SealLimits;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.edge.source.FakeClock;
import com.reliableedge.edge.source.SimulatorSource;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.MessageProperties;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A full disk, made by capping the store's page count (SQLite then fails writes with SQLITE_FULL exactly as on a full
 * filesystem): the relay keeps running, stops sealing, counts what it drops, and resumes by itself when space
 * returns; the dropped windows are gaps, never re-sealed.
 */
class DiskFullTest {

    @TempDir
    Path dir;

    @Test
    void stopsSealingCountsDropsAndResumesWhenSpaceReturns() {
        FakeClock clock = new FakeClock(1_790_000_000_000L);
        SimulatorSource source = new SimulatorSource(new SimulatorSource.Settings(List.of(new StreamInfo("line-1",
                IndexKind.TIME)), 10, 1, 0, 0, -1, Duration.ZERO), clock);
        RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());
        try (SqliteBuffer buffer = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 30, metrics)) {
            SealLimits limits = new SealLimits(262_144, 100_000, 60_000, 0, 1_000_000_000L);
            IngestLoop ingest = new IngestLoop(source, buffer, s -> limits, new BatchEncoder(false), 100_000, Duration
                    .ofMillis(20), clock, clock, metrics, () -> {
                    });
            ingest.open();
            for (int i = 0; i < 5; i++) {
                clock.advanceMillis(100);
                ingest.tick();
            }
            assertThat(buffer.cursors().get("line-1").seq()).isEqualTo(4);

            // Cap the store at its current size: the free room left in its pages is used up, then writes fail.
            buffer.limitPages(1);
            int ticks = 0;
            while (!ingest.refusing() && ticks++ < 1_000) {
                clock.advanceMillis(2_000);
                ingest.tick();
            }
            assertThat(ingest.refusing()).isTrue();
            StreamCursor atFull = buffer.cursors().get("line-1");
            double dropsAtFull = metrics.count("relay.drops", "reason", "diskFull");
            assertThat(dropsAtFull).isEqualTo(1);
            for (int i = 0; i < 10; i++) {
                clock.advanceMillis(2_000);
                ingest.tick();
            }
            assertThat(ingest.refusing()).isTrue();
            assertThat(buffer.writable()).isFalse();
            assertThat(metrics.count("relay.drops", "reason", "diskFull")).isEqualTo(dropsAtFull + 10);
            assertThat(buffer.cursors().get("line-1")).isEqualTo(atFull);

            buffer.limitPages(1_000_000);
            clock.advanceMillis(100);
            ingest.tick();
            assertThat(ingest.refusing()).isFalse();
            assertThat(buffer.writable()).isTrue();
            StreamCursor after = buffer.cursors().get("line-1");
            assertThat(after.seq()).isEqualTo(atFull.seq() + 1);
            List<MessageProperties> live = buffer.nextToSend(100_000, Set.of(), 0).stream().map(
                    StoredMessage::properties).toList();
            MessageProperties resumed = live.get(live.size() - 1);
            assertThat(resumed.seq()).isEqualTo(atFull.seq() + 1);
            // The 11 windows of 2 s dropped while full are a gap: the cloud will see it and backfill it.
            assertThat(resumed.window().start()).isEqualTo(atFull.cursor() + 22_000);
        }
    }

    @Test
    void atTheCapDeliveredMessagesAreReleasedAndSealingReusesTheirPages() {
        try (SqliteBuffer buffer = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1L << 30, 1 << 20,
                DropListener.NONE)) {
            Random random = new Random(3);
            long[] cursor = {0};
            int sealed = 0;
            while (sealed < 20) {
                assertThat(sealOne(buffer, random, cursor)).isTrue();
                sealed++;
            }
            // Cap the store at its current size; what room its pages have left is filled.
            buffer.limitPages(1);
            while (sealOne(buffer, random, cursor)) {
                sealed++;
                assertThat(sealed).isLessThan(1_000);
            }
            // The cap reached: a page of the store cannot be added, yet every delivered message is released.
            assertThat(buffer.writable()).isFalse();
            for (StoredMessage m : buffer.nextToSend(10_000, Set.of(), 0)) {
                buffer.acknowledge(m.id());
            }
            assertThat(buffer.stats().messages()).isZero();
            assertThat(buffer.writable()).isTrue();
            // Same cap: the freed pages are reused, so as many seals fit again.
            int again = 0;
            while (again < sealed && sealOne(buffer, random, cursor)) {
                again++;
            }
            assertThat(again).isEqualTo(sealed);
        }
    }

    private static boolean sealOne(SqliteBuffer buffer, Random random, long[] cursor) {
        byte[] body = new byte[100_000];
        random.nextBytes(body);
        long start = cursor[0];
        long seq = start / 10 + 1;
        try {
            buffer.sealLive(List.of(new SealedMessage(MessageProperties.live("line-1", IndexKind.SEQUENCE, new Window(
                    start, start + 10), 10, seq, 0L), body)), new StreamCursor("line-1", IndexKind.SEQUENCE, start + 10,
                            seq, 0, 0),
                    null, System.currentTimeMillis());
            cursor[0] = start + 10;
            return true;
        } catch (BufferFullException e) {
            return false;
        }
    }
}
