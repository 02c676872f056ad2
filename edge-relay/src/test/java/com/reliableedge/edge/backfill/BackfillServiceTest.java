package com.reliableedge.edge.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.aggregate.BatchEncoder;
import com.reliableedge.edge.aggregate.SealLimits;
import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.edge.buffer.DropListener;
import com.reliableedge.edge.buffer.SqliteBuffer;
import com.reliableedge.edge.buffer.StoredMessage;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.edge.source.FakeClock;
import com.reliableedge.edge.source.SimulatorSource;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.message.MessageType;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.method.BackfillStatus;
import com.reliableedge.protocol.simulator.SimulatorData;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class BackfillServiceTest {

    private static final long START = 1_790_000_000_000L;
    private static final String DEVICE = "site-7";
    private static final long MAX_WINDOW = 7 * 86_400_000L;
    private static final long MAX_SEQUENCE_WINDOW = 10_000_000L;

    @TempDir
    Path dir;
    private final FakeClock clock = new FakeClock(START);
    private final SimulatorSource source = new SimulatorSource(new SimulatorSource.Settings(List.of(new StreamInfo(
            "line-1", IndexKind.TIME), new StreamInfo("seq-1", IndexKind.SEQUENCE)), 100, 10, 0, 0, 600_000,
            Duration.ZERO), clock);
    private SqliteBuffer buffer;

    @BeforeEach
    void open() {
        buffer = new SqliteBuffer(dir.resolve("relay.db"), DEVICE, 1 << 26, DropListener.NONE);
    }

    @AfterEach
    void close() {
        buffer.close();
    }

    private BackfillService service(int maxActiveJobs, long chunkSpan) {
        // Small batches, so that a chunk is cut into several.
        SealLimits limits = new SealLimits(8192, 1000, 30_000, 0, 1);
        return new BackfillService(buffer, source, DEVICE, new BatchEncoder(true), s -> limits, k -> chunkSpan,
                k -> k == IndexKind.TIME ? MAX_WINDOW : MAX_SEQUENCE_WINDOW, 5000,
                2 << 20, maxActiveJobs, clock, new RelayMetrics(new SimpleMeterRegistry()));
    }

    private static byte[] request(String id, long start, long end) {
        return BackfillRequest.of(id, DEVICE, "line-1", IndexKind.TIME, new Window(start, end), 1).toJson();
    }

    @Test
    void answersBusyPastTheJobLimitButAKnownRequestStaysAccepted() {
        BackfillService s = service(1, 60_000);
        assertThat(s.accept(request("r1", START - 5000, START)).result()).isEqualTo(
                BackfillResponse.Result.ACCEPTED);
        assertThat(s.accept(request("r2", START - 5000, START)).result()).isEqualTo(BackfillResponse.Result.BUSY);
        assertThat(s.accept(request("r1", START - 5000, START)).result()).isEqualTo(
                BackfillResponse.Result.ACCEPTED);
        assertThat(buffer.unfinishedJobs()).hasSize(1);
    }

    private List<StoredMessage> drain(BackfillService s, String requestId) {
        for (int i = 0; i < 10_000 && buffer.job(requestId).orElseThrow().state() == BackfillJob.State.ACTIVE; i++) {
            s.workOnce();
            ackAll(requestId);
        }
        return sent;
    }

    private final List<StoredMessage> sent = new ArrayList<>();

    /** Plays the sender: takes every message of the request and acknowledges it. */
    private void ackAll(String requestId) {
        for (StoredMessage m : buffer.nextToSend(1000, Set.of(), 0)) {
            if (requestId.equals(m.properties().backfillRequestId())) {
                sent.add(m);
                buffer.acknowledge(m.id());
            }
        }
    }

    @Test
    void servesTheWindowExactlyFromHeldBatchesAndHistoryThenReportsEachOutcome() {
        // The live side has sealed up to START, and still holds one batch.
        Window heldWindow = new Window(START - 20_000, START - 10_000);
        var held = new BatchEncoder(false).encode(MessageProperties.live("line-1", IndexKind.TIME, heldWindow, 100, 5,
                START - 3_600_000), source.read("line-1", heldWindow, 1000).events());
        buffer.sealLive(List.of(held), new StreamCursor("line-1", IndexKind.TIME, START, 5, START - 3_600_000, 0), null,
                START);
        BackfillService s = service(4, 45_000);
        Window asked = new Window(START - 900_000, START + 5_000);
        assertThat(s.accept(BackfillRequest.of("r1", DEVICE, "line-1", IndexKind.TIME, asked, 1).toJson()).status())
                .isEqualTo(202);
        drain(s, "r1");
        assertThat(buffer.job("r1").orElseThrow().state()).isEqualTo(BackfillJob.State.SERVED);

        List<StoredMessage> batches = sent.stream().filter(m -> m.properties().messageType() == MessageType.BATCH)
                .toList();
        // The batches tile exactly the part the history vouches for, in order, each within the limit.
        long at = START - 600_000;
        List<Long> indexes = new ArrayList<>();
        for (StoredMessage m : batches) {
            MessageProperties p = m.properties();
            assertThat(p.backfill()).isTrue();
            assertThat(p.backfillRequestId()).isEqualTo("r1");
            assertThat(p.window().start()).isEqualTo(at);
            at = p.window().end();
            for (BatchBody.Event e : BatchBody.decode(m.body(), p.contentEncoding(), IndexKind.TIME, p.window(), p
                    .eventCount(), 1 << 24)) {
                assertThat(e.json()).isEqualTo(SimulatorData.eventJson(IndexKind.TIME, "line-1", e.index()));
                indexes.add(e.index());
            }
        }
        assertThat(at).isEqualTo(START);
        List<Long> expected = new ArrayList<>();
        SimulatorData.forEachIndex(IndexKind.TIME, 100, new Window(START - 600_000, START), expected::add);
        assertThat(indexes).containsExactlyElementsOf(expected);

        // Every batch acknowledged: one status per maximal sub-range with one outcome.
        s.workOnce();
        assertThat(buffer.job("r1").orElseThrow().state()).isEqualTo(BackfillJob.State.DONE);
        ackAll("r1");
        List<BackfillStatus> statuses = sent.stream().filter(m -> m.properties()
                .messageType() == MessageType.BACKFILL_STATUS).map(m -> BackfillStatus.fromJson(m.body())).toList();
        assertThat(statuses).extracting(BackfillStatus::status, BackfillStatus::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(BackfillStatus.Outcome.UNAVAILABLE, "horizon"),
                org.assertj.core.groups.Tuple.tuple(BackfillStatus.Outcome.COMPLETED, null),
                org.assertj.core.groups.Tuple.tuple(BackfillStatus.Outcome.FAILED, "pastLiveCursor"));
        assertThat(statuses.get(0).window(IndexKind.TIME)).isEqualTo(new Window(START - 900_000, START - 600_000));
        assertThat(statuses.get(1).window(IndexKind.TIME)).isEqualTo(new Window(START - 600_000, START));
        assertThat(statuses.get(2).window(IndexKind.TIME)).isEqualTo(new Window(START, START + 5_000));
    }

    @Test
    void anEmptyWindowStillClosesWithAnEmptyBatch() {
        buffer.sealLive(List.of(), new StreamCursor("line-1", IndexKind.TIME, START, 0, START - 1000, 0), null, START);
        BackfillService s = service(4, 60_000);
        s.accept(request("r-empty", START - 50, START - 10));
        drain(s, "r-empty");
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).properties().window()).isEqualTo(new Window(START - 50, START - 10));
        assertThat(sent.get(0).properties().eventCount()).isZero();
    }

    @Test
    void anUnfinishedJobResumesAfterARestartWithoutGapsOrRepeats() {
        buffer.sealLive(List.of(), new StreamCursor("line-1", IndexKind.TIME, START, 0, START - 300_000, 0), null,
                START);
        BackfillService s = service(4, 10_000);
        s.accept(request("r-resume", START - 100_000, START));
        s.workOnce();
        s.workOnce();
        s.workOnce();
        ackAll("r-resume");
        buffer.close();
        open();
        drain(service(4, 10_000), "r-resume");
        long at = START - 100_000;
        for (StoredMessage m : sent) {
            assertThat(m.properties().window().start()).isEqualTo(at);
            at = m.properties().window().end();
        }
        assertThat(at).isEqualTo(START);
        assertThat(sent.stream().mapToInt(m -> m.properties().eventCount()).sum()).isEqualTo(1000);
    }

    @Test
    void aWindowWiderThanTheLimitIs400NamingTheFieldAndValueAndRecordsNothing() {
        BackfillService s = service(4, 60_000);
        BackfillResponse wide = s.accept(new BackfillRequest("r-wide", DEVICE, "line-1", "0000-01-01T00:00:00.000Z",
                "9999-12-31T00:00:00.000Z", 1).toJson());
        assertThat(wide.status()).isEqualTo(400);
        assertThat(wide.message()).contains("endWindow '9999-12-31T00:00:00.000Z'", "startWindow '0000-01-01",
                "7d", "relay.backfill.max-window");
        BackfillResponse since1970 = s.accept(request("r-1970", 0, START));
        assertThat(since1970.status()).isEqualTo(400);
        assertThat(s.accept(request("r-over", START - MAX_WINDOW - 1, START)).status()).isEqualTo(400);
        assertThat(buffer.unfinishedJobs()).isEmpty();
        assertThat(s.accept(request("r-max", START - MAX_WINDOW, START)).status()).isEqualTo(202);

        BackfillResponse seq = s.accept(BackfillRequest.of("r-seq", DEVICE, "seq-1", IndexKind.SEQUENCE, new Window(
                Long.MIN_VALUE, Long.MAX_VALUE), 1).toJson());
        assertThat(seq.status()).isEqualTo(400);
        assertThat(seq.message()).contains("endWindow '" + Long.MAX_VALUE + "'",
                "relay.backfill.max-sequence-window");
        assertThat(s.accept(BackfillRequest.of("r-seq-max", DEVICE, "seq-1", IndexKind.SEQUENCE, new Window(0,
                MAX_SEQUENCE_WINDOW), 1).toJson()).status()).isEqualTo(202);
        assertThat(buffer.unfinishedJobs()).extracting(BackfillJob::requestId).containsExactlyInAnyOrder("r-max",
                "r-seq-max");
    }

    @Test
    void aWideWindowBelowTheHorizonIsServedInOneStepNotChunkByChunk() {
        buffer.sealLive(List.of(), new StreamCursor("line-1", IndexKind.TIME, START, 0, START - 1000, 0), null, START);
        BackfillService s = service(4, 1_000);
        // Seven days below a ten-minute horizon: 600,000 one-second chunks if read chunk by chunk.
        s.accept(request("r-old", START - MAX_WINDOW, START - 700_000));
        assertThat(s.workOnce()).isTrue();
        assertThat(buffer.job("r-old").orElseThrow().state()).isEqualTo(BackfillJob.State.SERVED);
        assertThat(buffer.segments("r-old")).hasSize(1);
        s.workOnce();
        ackAll("r-old");
        assertThat(sent).singleElement().satisfies(m -> {
            BackfillStatus status = BackfillStatus.fromJson(m.body());
            assertThat(status.status()).isEqualTo(BackfillStatus.Outcome.UNAVAILABLE);
            assertThat(status.window(IndexKind.TIME)).isEqualTo(new Window(START - MAX_WINDOW, START - 700_000));
        });
    }
}
