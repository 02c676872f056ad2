package com.reliableedge.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillStatus;

/**
 * The contract of {@link BatchBuffer} (see its Javadoc): durability across a reopen, atomic seal plus cursor, lane
 * order, bounds with counted evictions, and backfill jobs. Every implementation's test extends this class.
 */
public abstract class BatchBufferContractTest {

    protected static final String DEVICE = "site-7";
    protected static final IndexKind KIND = IndexKind.SEQUENCE;

    @TempDir
    protected Path dir;

    protected final List<String> dropped = new ArrayList<>();
    protected final DropListener listener = (reason, stream, window) -> dropped.add(reason + " " + stream + " "
            + window);
    private final List<BatchBuffer> opened = new ArrayList<>();

    /** Opens (or reopens) the implementation's store in {@code dir}. */
    protected abstract BatchBuffer create(Path dir, long maxBytes, DropListener listener);

    protected BatchBuffer open(long maxBytes) {
        BatchBuffer b = create(dir, maxBytes, listener);
        opened.add(b);
        return b;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(BatchBuffer::close);
    }

    protected static SealedMessage live(String stream, long start, long end, long seq) {
        return new SealedMessage(MessageProperties.live(stream, KIND, new Window(start, end), 1, seq, 0), body(start));
    }

    protected static SealedMessage backfill(String stream, long start, long end, String requestId) {
        return new SealedMessage(MessageProperties.backfill(stream, KIND, new Window(start, end), 1, requestId), body(
                start));
    }

    protected static byte[] body(long index) {
        return ("[{\"index\":\"" + index + "\",\"value\":1}]").getBytes(StandardCharsets.UTF_8);
    }

    protected static StreamCursor cursor(String stream, long at, long seq) {
        return new StreamCursor(stream, KIND, at, seq, 0, 0);
    }

    private static List<Long> starts(List<StoredMessage> messages) {
        return messages.stream().map(m -> m.properties().window().start()).toList();
    }

    @Test
    void aSealAndItsCursorSurviveAReopen() {
        BatchBuffer b = open(1 << 20);
        b.sealLive(List.of(live("s", 0, 10, 1), live("s", 10, 20, 2)), cursor("s", 20, 2), null, 1_000);
        b.close();
        BatchBuffer again = open(1 << 20);
        assertThat(again.cursors()).containsEntry("s", cursor("s", 20, 2));
        List<StoredMessage> next = again.nextToSend(10, Set.of(), 0);
        assertThat(starts(next)).containsExactly(0L, 10L);
        StoredMessage first = next.get(0);
        assertThat(first.properties()).isEqualTo(live("s", 0, 10, 1).properties());
        assertThat(first.body()).isEqualTo(body(0));
        assertThat(first.sealedAtMillis()).isEqualTo(1_000);
        assertThat(again.stats().messages()).isEqualTo(2);
    }

    @Test
    void aHealJobIsRecordedWithTheSeal() {
        BatchBuffer b = open(1 << 20);
        BackfillJob heal = BackfillJob.accepted("edge-1", "s", KIND, new Window(20, 50), true, 1, 5);
        b.sealLive(List.of(), cursor("s", 50, 2), heal, 5);
        assertThat(b.cursors().get("s").cursor()).isEqualTo(50);
        assertThat(b.job("edge-1")).contains(heal);
        assertThat(b.unfinishedJobs()).containsExactly(heal);
    }

    @Test
    void lanesGoLiveThenBacklogThenBackfillOldestFirst() {
        BatchBuffer b = open(1 << 20);
        b.sealLive(List.of(live("s", 0, 10, 1)), cursor("s", 10, 1), null, 100);
        b.addJob(BackfillJob.accepted("r1", "s", KIND, new Window(-100, 0), false, 1, 150));
        b.sealBackfill("r1", List.of(backfill("s", -100, -50, "r1")), List.of(), -50, 150);
        b.sealLive(List.of(live("s", 10, 20, 2)), cursor("s", 20, 2), null, 200);
        b.sealLive(List.of(live("t", 5, 6, 1)), cursor("t", 6, 1), null, 300);
        // Sealed at or after 200: the live lane; before: the backlog; then backfill.
        List<StoredMessage> next = b.nextToSend(10, Set.of(), 200);
        assertThat(starts(next)).containsExactly(10L, 5L, 0L, -100L);
        List<Long> inFlight = List.of(next.get(0).id(), next.get(1).id());
        assertThat(starts(b.nextToSend(1, inFlight, 200))).containsExactly(0L);
    }

    @Test
    void anAcknowledgedMessageLeaves() {
        BatchBuffer b = open(1 << 20);
        b.sealLive(List.of(live("s", 0, 10, 1), live("s", 10, 20, 2)), cursor("s", 20, 2), null, 1);
        long bytes = b.stats().bytes();
        StoredMessage first = b.nextToSend(1, Set.of(), 0).get(0);
        b.acknowledge(first.id());
        b.acknowledge(first.id());
        b.acknowledge(987_654);
        assertThat(starts(b.nextToSend(10, Set.of(), 0))).containsExactly(10L);
        assertThat(b.stats().messages()).isEqualTo(1);
        assertThat(b.stats().bytes()).isLessThan(bytes).isPositive();
        assertThat(b.oldestLiveStart("s")).hasValue(10);
        assertThat(dropped).isEmpty();
    }

    @Test
    void pastItsByteLimitTheOldestAreEvictedAndCounted() {
        BatchBuffer probe = open(1 << 20);
        probe.sealLive(List.of(live("p", 0, 10, 1)), cursor("p", 10, 1), null, 1);
        long one = probe.stats().bytes();
        probe.close();
        dir = dir.resolve("bounded");
        // Room for three such messages (later windows take a few bytes more), not four.
        BatchBuffer b = open(one * 3 + 60);
        for (int i = 0; i < 5; i++) {
            b.sealLive(List.of(live("p", i * 10, i * 10 + 10, i + 1)), cursor("p", i * 10 + 10, i + 1), null, i);
        }
        assertThat(b.stats().bytes()).isLessThanOrEqualTo(one * 3 + 60);
        assertThat(starts(b.nextToSend(10, Set.of(), 0))).containsExactly(20L, 30L, 40L);
        assertThat(dropped).containsExactly("full p [0, 10)", "full p [10, 20)");
        assertThat(b.dropCounts()).containsEntry("full", 2L);
        assertThat(b.cursors().get("p").cursor()).isEqualTo(50);
    }

    @Test
    void messagesPastTheAgeLimitExpireCounted() {
        BatchBuffer b = open(1 << 20);
        b.sealLive(List.of(live("s", 0, 10, 1)), cursor("s", 10, 1), null, 100);
        b.sealLive(List.of(live("s", 10, 20, 2)), cursor("s", 20, 2), null, 200);
        assertThat(b.expire(150)).isEqualTo(1);
        assertThat(dropped).containsExactly("expired s [0, 10)");
        assertThat(b.dropCounts()).containsEntry("expired", 1L);
        assertThat(b.stats().oldestSealedAtMillis()).isEqualTo(200);
    }

    @Test
    void aRejectedMessageLeavesCounted() {
        BatchBuffer b = open(1 << 20);
        b.sealLive(List.of(live("s", 0, 10, 1)), cursor("s", 10, 1), null, 100);
        b.reject(b.nextToSend(1, Set.of(), 0).get(0).id(), "rejected");
        assertThat(b.stats().messages()).isZero();
        assertThat(b.dropCounts()).containsEntry("rejected", 1L);
    }

    @Test
    void jobsAreIdempotentOnRequestIdAndTrackProgress() {
        BatchBuffer b = open(1 << 20);
        BackfillJob job = BackfillJob.accepted("r1", "s", KIND, new Window(0, 100), false, 1, 10);
        assertThat(b.addJob(job)).isTrue();
        assertThat(b.addJob(BackfillJob.accepted("r1", "s", KIND, new Window(0, 5), false, 2, 11))).isFalse();
        assertThat(b.job("r1")).contains(job);
        b.sealBackfill("r1", List.of(backfill("s", 0, 40, "r1")), List.of(new Segment(new Window(0, 40),
                BackfillStatus.Outcome.COMPLETED, null)), 40, 20);
        assertThat(b.job("r1").orElseThrow().progress()).isEqualTo(40);
        assertThat(b.job("r1").orElseThrow().state()).isEqualTo(BackfillJob.State.ACTIVE);
        b.sealBackfill("r1", List.of(), List.of(new Segment(new Window(40, 100), BackfillStatus.Outcome.UNAVAILABLE,
                "horizon")), 100, 30);
        b.close();
        BatchBuffer again = open(1 << 20);
        assertThat(again.job("r1").orElseThrow().state()).isEqualTo(BackfillJob.State.SERVED);
        assertThat(again.unfinishedJobs()).extracting(BackfillJob::requestId).containsExactly("r1");
        assertThat(again.pendingMessages("r1")).isEqualTo(1);
        assertThat(again.segments("r1")).extracting(Segment::outcome).containsExactly(
                BackfillStatus.Outcome.COMPLETED, BackfillStatus.Outcome.UNAVAILABLE);
        again.acknowledge(again.nextToSend(1, Set.of(), 0).get(0).id());
        assertThat(again.pendingMessages("r1")).isZero();
        SealedMessage status = new SealedMessage(MessageProperties.backfillStatus("s", KIND, new Window(0, 100), "r1"),
                "{}".getBytes(StandardCharsets.UTF_8));
        again.finishJob("r1", List.of(status), 40);
        assertThat(again.unfinishedJobs()).isEmpty();
        assertThat(again.job("r1").orElseThrow().state()).isEqualTo(BackfillJob.State.DONE);
        assertThat(again.nextToSend(5, Set.of(), 0)).extracting(StoredMessage::properties).containsExactly(status
                .properties());
    }

    @Test
    void finishedJobsAreForgottenOnlyWhenOld() {
        BatchBuffer b = open(1 << 20);
        b.addJob(BackfillJob.accepted("old", "s", KIND, new Window(0, 10), false, 1, 10));
        b.addJob(BackfillJob.accepted("new", "s", KIND, new Window(0, 10), false, 1, 10));
        b.addJob(BackfillJob.accepted("open", "s", KIND, new Window(0, 10), false, 1, 10));
        b.sealBackfill("old", List.of(), List.of(new Segment(new Window(0, 10), BackfillStatus.Outcome.COMPLETED,
                null)), 10, 20);
        b.finishJob("old", List.of(), 100);
        b.finishJob("new", List.of(), 300);
        assertThat(b.forgetJobs(200)).isEqualTo(1);
        assertThat(b.job("old")).isEmpty();
        assertThat(b.segments("old")).isEmpty();
        assertThat(b.job("new")).isPresent();
        assertThat(b.job("open")).isPresent();
        assertThat(b.addJob(BackfillJob.accepted("old", "s", KIND, new Window(0, 10), false, 2, 400))).isTrue();
    }

    @Test
    void anEvictedBackfillBatchTurnsItsPartToFailed() {
        BatchBuffer probe = open(1 << 20);
        probe.sealLive(List.of(live("p", 0, 10, 1)), cursor("p", 10, 1), null, 1);
        long one = probe.stats().bytes();
        probe.close();
        dir = dir.resolve("bounded");
        BatchBuffer b = open(one * 2 + one / 2);
        b.addJob(BackfillJob.accepted("r1", "s", KIND, new Window(0, 20), false, 1, 10));
        b.sealBackfill("r1", List.of(backfill("s", 0, 10, "r1")), List.of(new Segment(new Window(0, 10),
                BackfillStatus.Outcome.COMPLETED, null)), 10, 20);
        b.sealLive(List.of(live("p", 0, 10, 1)), cursor("p", 10, 1), null, 30);
        b.sealLive(List.of(live("p", 10, 20, 2)), cursor("p", 20, 2), null, 40);
        assertThat(b.segments("r1")).containsExactly(new Segment(new Window(0, 10), BackfillStatus.Outcome.FAILED,
                "evicted"));
        assertThat(b.pendingMessages("r1")).isZero();
    }

    @Test
    void heldBatchesAreFoundByIndex() {
        BatchBuffer b = open(1 << 20);
        b.sealLive(List.of(live("s", 0, 10, 1), live("s", 10, 20, 2)), cursor("s", 20, 2), null, 1);
        b.addJob(BackfillJob.accepted("r1", "s", KIND, new Window(40, 50), false, 1, 10));
        b.sealBackfill("r1", List.of(backfill("s", 40, 50, "r1")), List.of(), 50, 2);
        assertThat(b.heldBatchCovering("s", 12).orElseThrow().properties().window()).isEqualTo(new Window(10, 20));
        assertThat(b.heldBatchCovering("s", 20)).isEmpty();
        assertThat(b.heldBatchCovering("t", 12)).isEmpty();
        assertThat(b.nextHeldStart("s", 12)).hasValue(40);
        assertThat(b.nextHeldStart("s", 40)).isEmpty();
        assertThat(b.heldBatchCovering("s", 45).orElseThrow().properties().backfill()).isTrue();
    }

    @Test
    void itReportsItselfWritable() {
        assertThat(open(1 << 20).writable()).isTrue();
    }
}
