package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.edge.buffer.BufferFullException;
import com.reliableedge.edge.buffer.DropListener;
import com.reliableedge.edge.buffer.SealedMessage;
import com.reliableedge.edge.buffer.SqliteBuffer;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class SenderTest {

    @TempDir
    Path dir;
    private SqliteBuffer buffer;
    private Sender sender;
    private final RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());

    /** A transport that records what it is given and answers as told. */
    static final class FakeTransport implements Transport {
        final List<Envelope> sent = new CopyOnWriteArrayList<>();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        final AtomicInteger failFirst = new AtomicInteger();
        volatile String rejectFor;
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public Result send(Envelope envelope, byte[] body) {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            try {
                gate.await(10, TimeUnit.SECONDS);
                if (failFirst.getAndDecrement() > 0) {
                    return new Result(Outcome.RETRY, "503");
                }
                if (rejectFor != null) {
                    return new Result(Outcome.REJECTED, "400", rejectFor);
                }
                sent.add(envelope);
                return new Result(Outcome.ACKED, "204");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(Outcome.RETRY, "interrupted");
            } finally {
                concurrent.decrementAndGet();
            }
        }

        @Override
        public boolean reachable() {
            return true;
        }

        @Override
        public void serveMethods(MethodHandler handler) {
            // These tests only send.
        }
    }

    private final FakeTransport transport = new FakeTransport();

    private void start(int maxInFlight) {
        start(maxInFlight, RateBudget.unlimited(MonotonicClock.system()));
    }

    private void start(int maxInFlight, RateBudget budget) {
        buffer = buffer == null
                ? new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 24, DropListener.NONE)
                : buffer;
        sender = new Sender(buffer, transport, "site-7", maxInFlight, Duration.ofSeconds(60), new Backoff(Duration
                .ofMillis(2), Duration.ofMillis(20)), budget, Clock.systemUTC(), MonotonicClock.system(), metrics);
        sender.start();
    }

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        if (buffer != null) {
            buffer.close();
        }
    }

    private static SealedMessage live(String stream, long start, long seq) {
        return new SealedMessage(MessageProperties.live(stream, IndexKind.SEQUENCE, new Window(start, start + 10), 0,
                seq, 0), "[]".getBytes(StandardCharsets.UTF_8));
    }

    private void openBuffer() {
        buffer = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 24, DropListener.NONE);
    }

    @Test
    void sendsLiveThenBacklogThenBackfillAndEmptiesTheBuffer() {
        openBuffer();
        long now = System.currentTimeMillis();
        buffer.addJob(BackfillJob.accepted("r1", "s", IndexKind.SEQUENCE, new Window(-10, 0), false, 1, now));
        buffer.sealBackfill("r1", List.of(new SealedMessage(MessageProperties.backfill("s", IndexKind.SEQUENCE,
                new Window(-10, 0), 0, "r1"), "[]".getBytes(StandardCharsets.UTF_8))), List.of(), 0, now - 500_000);
        buffer.sealLive(List.of(live("s", 0, 1)), new StreamCursor("s", IndexKind.SEQUENCE, 10, 1, 0, 0), null, now
                - 300_000);
        buffer.sealLive(List.of(live("s", 10, 2)), new StreamCursor("s", IndexKind.SEQUENCE, 20, 2, 0, 0), null, now);
        start(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.sent.size() == 3);
        assertThat(transport.sent).extracting(e -> e.properties().window().start()).containsExactly(10L, 0L, -10L);
        // The live batch went while an older one of its stream still waited: it says so.
        assertThat(transport.sent.get(0).properties().backlogFrom()).isEqualTo(0L);
        assertThat(transport.sent.get(1).properties().backlogFrom()).isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> buffer.stats().messages() == 0);
        assertThat(metrics.count("relay.batches.acked", null, null)).isEqualTo(3);
    }

    @Test
    void keepsAtMostMaxInFlight() {
        openBuffer();
        transport.gate = new CountDownLatch(1);
        for (int i = 0; i < 10; i++) {
            buffer.sealLive(List.of(live("s", i * 10, i + 1)), new StreamCursor("s", IndexKind.SEQUENCE, i * 10 + 10, i
                    + 1, 0, 0), null, System.currentTimeMillis());
        }
        start(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.concurrent.get() == 3);
        assertThat(sender.inFlight()).isEqualTo(3);
        transport.gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.sent.size() == 10);
        assertThat(transport.maxConcurrent.get()).isEqualTo(3);
    }

    @Test
    void keepsTheMessageBudget() {
        openBuffer();
        for (int i = 0; i < 30; i++) {
            buffer.sealLive(List.of(live("s", i * 10, i + 1)), new StreamCursor("s", IndexKind.SEQUENCE, i * 10 + 10, i
                    + 1, 0, 0), null, System.currentTimeMillis());
        }
        long started = System.nanoTime();
        // 20 messages per second, a bucket of one second: 20 at once, the other 10 over half a second.
        start(4, new RateBudget(20, 0, MonotonicClock.system()));
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.sent.size() == 30);
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(Duration.ofMillis(450).toNanos());
    }

    @Test
    void retriesAfterFailuresUntilAcknowledged() {
        openBuffer();
        transport.failFirst.set(4);
        buffer.sealLive(List.of(live("s", 0, 1)), new StreamCursor("s", IndexKind.SEQUENCE, 10, 1, 0, 0), null, System
                .currentTimeMillis());
        start(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.sent.size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> buffer.stats().messages() == 0);
        assertThat(metrics.count("relay.send.failures", null, null)).isEqualTo(4);
        assertThat(sender.lastSendFailed()).isFalse();
    }

    @Test
    void aRefusedMessageIsDroppedAndCountedByItsReason() {
        // The metrics listen to the buffer's drops, as in the relay.
        buffer = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 24, metrics);
        transport.rejectFor = "endWindow";
        for (int i = 0; i < 5; i++) {
            buffer.sealLive(List.of(live("s", i * 10, i + 1)), new StreamCursor("s", IndexKind.SEQUENCE, i * 10 + 10, i
                    + 1, 0, 0), null, System.currentTimeMillis());
        }
        start(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> buffer.stats().messages() == 0);
        assertThat(metrics.count("relay.messages.rejected", "reason", "endWindow")).isEqualTo(5);
        assertThat(metrics.count("relay.drops", "reason", "rejected")).isEqualTo(5);
        assertThat(transport.sent).isEmpty();
    }

    @Test
    void anAcknowledgementTheStoreCannotRecordIsRetriedLocallyNeitherResentNorBackedOff() {
        AtomicBoolean storeFull = new AtomicBoolean(true);
        buffer = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 24, DropListener.NONE) {
            @Override
            public synchronized void acknowledge(long id) {
                if (storeFull.get()) {
                    throw new BufferFullException("acknowledge: [SQLITE_FULL] database or disk is full", null);
                }
                super.acknowledge(id);
            }
        };
        for (int i = 0; i < 3; i++) {
            buffer.sealLive(List.of(live("s", i * 10, i + 1)), new StreamCursor("s", IndexKind.SEQUENCE, i * 10 + 10, i
                    + 1, 0, 0), null, System.currentTimeMillis());
        }
        start(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> sender.unreleased() == 3);
        // Each delivered once, kept in memory; the upstream is fine, so no failure, no backoff, nothing sent twice.
        holdFor(Duration.ofMillis(800));
        assertThat(transport.sent).hasSize(3);
        assertThat(sender.lastSendFailed()).isFalse();
        assertThat(metrics.count("relay.send.failures", null, null)).isZero();
        assertThat(buffer.stats().messages()).isEqualTo(3);

        storeFull.set(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> buffer.stats().messages() == 0);
        assertThat(sender.unreleased()).isZero();
        assertThat(transport.sent).extracting(Envelope::messageId).hasSize(3).doesNotHaveDuplicates();
    }

    /** Holds the state for {@code length}: the check is that nothing happens meanwhile. */
    private static void holdFor(Duration length) {
        await().pollDelay(length).atMost(length.plusSeconds(5)).until(() -> true);
    }
}
