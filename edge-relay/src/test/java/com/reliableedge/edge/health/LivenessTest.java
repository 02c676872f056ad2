package com.reliableedge.edge.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.aggregate.BatchEncoder;
import com.reliableedge.edge.aggregate.IngestLoop;
import com.reliableedge.edge.aggregate.SealLimits;
import com.reliableedge.edge.buffer.DropListener;
import com.reliableedge.edge.buffer.SealedMessage;
import com.reliableedge.edge.buffer.SqliteBuffer;
import com.reliableedge.edge.buffer.StoredMessage;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.source.FakeClock;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SimulatorSource;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.edge.upstream.Backoff;
import com.reliableedge.edge.upstream.MethodHandler;
import com.reliableedge.edge.upstream.RateBudget;
import com.reliableedge.edge.upstream.Sender;
import com.reliableedge.edge.upstream.Transport;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Liveness tells the truth: DOWN when a loop stops making passes or its thread dies, back UP once it moves again, and
 * UP while the relay waits for a known reason (the upstream down, nothing to send).
 */
class LivenessTest {

    private static final long START = 1_790_000_000_000L;
    private static final Duration GRACE = Duration.ofMinutes(2);
    private static final long SEND_LIMIT = Duration.ofSeconds(20).toNanos();

    @TempDir
    Path dir;
    private final FakeClock clock = new FakeClock(START);
    private final RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());
    private final SealLimits limits = new SealLimits(16_384, 1_000, 5_000, 100_000_000L, 1_000_000_000L);
    private SqliteBuffer buffer;
    private IngestLoop ingest;
    private Sender sender;

    @AfterEach
    void stop() {
        if (ingest != null) {
            ingest.close();
        }
        if (sender != null) {
            sender.close();
        }
        if (buffer != null) {
            buffer.close();
        }
    }

    /** A transport whose sends wait at a gate, then answer as told. */
    static final class GatedTransport implements Transport {
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile Outcome answer = Outcome.ACKED;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger waiting = new AtomicInteger();

        @Override
        public Result send(Envelope envelope, byte[] body) {
            calls.incrementAndGet();
            waiting.incrementAndGet();
            try {
                gate.await(30, TimeUnit.SECONDS);
                return new Result(answer, answer.name());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(Outcome.RETRY, "interrupted");
            } finally {
                waiting.decrementAndGet();
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

    private SqliteBuffer openBuffer() {
        return new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 26, DropListener.NONE);
    }

    private HealthCheckResponse.Status status(MonotonicClock now, Duration grace) {
        return EdgeRelayLivenessCheck.check(now.nanos(), grace.toNanos(), Progress.beats(ingest, sender, null,
                SEND_LIMIT)).getStatus();
    }

    private String stalled(MonotonicClock now) {
        return EdgeRelayLivenessCheck.check(now.nanos(), GRACE.toNanos(), Progress.beats(ingest, sender, null,
                SEND_LIMIT)).getData().map(d -> String.valueOf(d.get("stalled"))).orElse("");
    }

    private Sender sender(Transport transport, MonotonicClock monotonic) {
        return new Sender(buffer, transport, "site-7", 1, Duration.ofSeconds(60), new Backoff(Duration.ofMillis(2),
                Duration.ofMillis(20)), RateBudget.unlimited(monotonic), Clock.systemUTC(), monotonic, metrics);
    }

    private void sealOne(long start) {
        buffer.sealLive(List.of(new SealedMessage(MessageProperties.live("s", IndexKind.SEQUENCE, new Window(start,
                start + 10), 0, start / 10 + 1, 0), "[]".getBytes(StandardCharsets.UTF_8))), new StreamCursor("s",
                        IndexKind.SEQUENCE, start + 10, start / 10 + 1, 0, 0),
                null, System.currentTimeMillis());
    }

    @Test
    void anIngestLoopThatStopsPassingGoesDownAndComesBackUpWhenItPassesAgain() {
        buffer = openBuffer();
        SimulatorSource source = new SimulatorSource(new SimulatorSource.Settings(List.of(new StreamInfo("line-1",
                IndexKind.TIME)), 100, 1, 0, 0, -1, Duration.ZERO), clock);
        ingest = new IngestLoop(source, buffer, s -> limits, new BatchEncoder(false), 10_000, Duration.ofMillis(20),
                clock, clock, metrics, () -> {
                });
        ingest.tick();
        assertThat(status(clock, GRACE)).isEqualTo(HealthCheckResponse.Status.UP);
        // Just within the grace after the pass it owed: still up.
        clock.advance(GRACE);
        assertThat(status(clock, GRACE)).isEqualTo(HealthCheckResponse.Status.UP);
        clock.advance(Duration.ofMillis(21));
        assertThat(status(clock, GRACE)).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(stalled(clock)).contains("ingest is").contains("ms overdue");
        ingest.tick();
        assertThat(status(clock, GRACE)).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void anIngestLoopKilledByAnErrorIsDown() {
        buffer = openBuffer();
        CountDownLatch failNow = new CountDownLatch(1);
        SimulatorSource failing = new SimulatorSource(new SimulatorSource.Settings(List.of(new StreamInfo("line-1",
                IndexKind.TIME)), 100, 1, 0, 0, -1, Duration.ZERO), Clock.systemUTC()) {
            @Override
            public LiveUpdate poll(String streamId, int maxEvents) {
                if (failNow.getCount() == 0) {
                    // An Error is not caught by the loop (nor should it be): the scheduled task ends for good.
                    throw new AssertionError("simulated fatal error");
                }
                return super.poll(streamId, maxEvents);
            }
        };
        MonotonicClock real = MonotonicClock.system();
        ingest = new IngestLoop(failing, buffer, s -> limits, new BatchEncoder(false), 10_000, Duration.ofMillis(10),
                Clock.systemUTC(), real, metrics, () -> {
                });
        ingest.start();
        assertThat(status(real, GRACE)).isEqualTo(HealthCheckResponse.Status.UP);
        failNow.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> !ingest.alive());
        assertThat(status(real, GRACE)).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(stalled(real)).contains("ingest is dead");
    }

    @Test
    void aSendThatNeverReturnsGoesDownAndComesBackUpWhenItDoes() {
        buffer = openBuffer();
        GatedTransport transport = new GatedTransport();
        transport.gate = new CountDownLatch(1);
        sealOne(0);
        sender = sender(transport, clock);
        sender.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.waiting.get() == 1);
        assertThat(status(clock, GRACE)).isEqualTo(HealthCheckResponse.Status.UP);
        clock.advance(GRACE.plusNanos(SEND_LIMIT).plusSeconds(1));
        assertThat(status(clock, GRACE)).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(stalled(clock)).contains("send is");
        transport.gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(clock, GRACE) == HealthCheckResponse.Status.UP);
        await().atMost(Duration.ofSeconds(10)).until(() -> buffer.stats().messages() == 0);
    }

    @Test
    void aSenderKilledByAnErrorIsDown() {
        CountDownLatch failNow = new CountDownLatch(1);
        buffer = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1 << 26, DropListener.NONE) {
            @Override
            public synchronized List<StoredMessage> nextToSend(int max, Collection<Long> exclude,
                    long liveSinceMillis) {
                if (failNow.getCount() == 0) {
                    throw new AssertionError("simulated fatal error");
                }
                return super.nextToSend(max, exclude, liveSinceMillis);
            }
        };
        sender = sender(new GatedTransport(), MonotonicClock.system());
        sender.start();
        assertThat(status(MonotonicClock.system(), GRACE)).isEqualTo(HealthCheckResponse.Status.UP);
        failNow.countDown();
        // The dispatcher dies of the error, uncaught, as a thread does.
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).until(() -> !sender.alive());
        assertThat(status(MonotonicClock.system(), GRACE)).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(stalled(MonotonicClock.system())).contains("sender is dead");
    }

    @Test
    void waitingForTheUpstreamOrForWorkIsNotDown() {
        buffer = openBuffer();
        MonotonicClock real = MonotonicClock.system();
        SimulatorSource source = new SimulatorSource(new SimulatorSource.Settings(List.of(new StreamInfo("line-1",
                IndexKind.TIME)), 100, 1, 0, 0, -1, Duration.ZERO), Clock.systemUTC());
        ingest = new IngestLoop(source, buffer, s -> limits, new BatchEncoder(false), 10_000, Duration.ofMillis(20),
                Clock.systemUTC(), real, metrics, () -> {
                });
        GatedTransport transport = new GatedTransport();
        // The upstream refuses every send for a while: the sender backs off again and again.
        transport.answer = Transport.Outcome.RETRY;
        sealOne(0);
        sender = sender(transport, real);
        sender.start();
        ingest.start();
        Duration grace = Duration.ofSeconds(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.calls.get() > 3);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> status(real,
                grace) == HealthCheckResponse.Status.UP);
        // The upstream is back: the sender drains what ingest seals, and waits for more in between.
        transport.answer = Transport.Outcome.ACKED;
        int before = transport.calls.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.calls.get() > before + 3);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> status(real,
                grace) == HealthCheckResponse.Status.UP);
    }
}
