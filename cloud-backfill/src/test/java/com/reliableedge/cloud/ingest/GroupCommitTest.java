package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.oneOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Consistency;
import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Group commit ({@link LiveAppendWriter}): one group holding appends, several appends to one stream, duplicates, and
 * batches that must take the general path; then many threads ingesting at once, so that groups form on their own.
 */
@QuarkusTest
class GroupCommitTest extends ServiceTestBase {

    private static final IndexKind SEQ = IndexKind.SEQUENCE;

    @Inject
    LiveAppendWriter writer;
    @Inject
    MeterRegistry registry;

    @Test
    void oneGroupRecordsItsAppendsAndDuplicatesAndHandsBackTheRest() {
        Edge edge = Edge.register("group-1", fakeEdge.url());
        edge.live("a", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.live("b", SEQ, 0, 10, 1, 0).then().statusCode(200);
        double failedBefore = counter("backfill.ingest.groups.failed");

        List<Optional<IngestResult>> results = writer.write(List.of(
                message("group-1", "a", SEQ, 10, 20, 2), // 0: an append
                message("group-1", "a", SEQ, 20, 30, 3), // 1: a second append to the same stream
                message("group-1", "a", SEQ, 10, 20, 2), // 2: a copy of 0
                message("group-1", "b", SEQ, 30, 40, 3), // 3: leaves a hole: general path
                message("group-1", "b", SEQ, 10, 20, 2), // 4: an append
                message("group-1", "c", SEQ, 0, 10, 1), // 5: a new stream: general path
                message("group-1", "a", SEQ, 0, 10, 1), // 6: recorded before the group
                message("group-1", "b", IndexKind.TIME, 20, 30, 4))); // 7: another index kind: general path

        assertThat(results).extracting(r -> r.map(IngestResult::outcome).orElse(null)).containsExactly(
                IngestResult.Outcome.RECORDED, IngestResult.Outcome.RECORDED, IngestResult.Outcome.DUPLICATE, null,
                IngestResult.Outcome.RECORDED, null, IngestResult.Outcome.DUPLICATE, null);
        assertThat(counter("backfill.ingest.groups.failed")).isEqualTo(failedBefore);
        Edge.operator().get("/api/v1/streams/group-1/a").then().statusCode(200)
                .body("coverage", hasSize(1))
                .body("coverage[0].endWindow", equalTo("30"))
                .body("stream.lastEnd", equalTo("30"));
        Edge.operator().get("/api/v1/streams/group-1/b").then().statusCode(200)
                .body("coverage", hasSize(1))
                .body("coverage[0].endWindow", equalTo("20"));
        assertThat(Database.count("recorded_batch")).isEqualTo(5);
        assertThat(Database.count("stream_event")).isEqualTo(50);
        Consistency.check("after the group");

        // What was handed back goes the general way, next to rows written by the group.
        edge.live("b", SEQ, 30, 40, 3, 0).then().statusCode(200).body("result", equalTo("recorded"));
        edge.live("c", SEQ, 0, 10, 1, 0).then().statusCode(200).body("result", equalTo("recorded"));
        edge.live("a", SEQ, 30, 40, 4, 0).then().statusCode(200).body("result", equalTo("recorded"));
        Edge.operator().get("/api/v1/streams/group-1/b").then().statusCode(200)
                .body("gaps", hasSize(1))
                .body("gaps[0].startWindow", equalTo("20"))
                .body("gaps[0].endWindow", equalTo("30"));
        Consistency.check("after the general path");
    }

    @Test
    void aGroupThatFailsWritesNothingAndHandsEveryBatchBack() {
        Edge edge = Edge.register("group-3", fakeEdge.url());
        edge.live("a", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.live("b", SEQ, 0, 10, 1, 0).then().statusCode(200);
        // Stream a's last coverage row is not where its lastEnd says, so moving it fails, after b's rows were sent.
        QuarkusTransaction.requiringNew().run(() -> Database.em().createNativeQuery("UPDATE coverage_interval"
                + " SET end_index = 9 WHERE stream_id = (SELECT id FROM stream WHERE device_id = 'group-3'"
                + " AND batch_id = 'a')").executeUpdate());
        double failedBefore = counter("backfill.ingest.groups.failed");

        List<Optional<IngestResult>> results = writer.write(List.of(message("group-3", "b", SEQ, 10, 20, 2),
                message("group-3", "a", SEQ, 10, 20, 2)));

        assertThat(results).allSatisfy(r -> assertThat(r).isEmpty());
        assertThat(counter("backfill.ingest.groups.failed")).isEqualTo(failedBefore + 1);
        assertThat(Database.count("recorded_batch")).as("nothing of the group, not even b's rows").isEqualTo(2);
        assertThat(Database.count("stream_event")).isEqualTo(20);
        Edge.operator().get("/api/v1/streams/group-3/b").then().statusCode(200)
                .body("coverage[0].endWindow", equalTo("10"))
                .body("stream.lastEnd", equalTo("10"));
    }

    @Test
    void manyThreadsIngestingAtOnceLoseNothingAndStoreNothingTwice() throws Exception {
        Edge edge = Edge.register("group-2", fakeEdge.url());
        int streams = 8;
        int batches = 30;
        for (int s = 0; s < streams; s++) {
            edge.live("line-" + s, SEQ, 0, 10, 1, 0).then().statusCode(200);
        }
        double groupedBefore = counter("backfill.batches.grouped");
        double failedBefore = counter("backfill.ingest.groups.failed");
        long seed = new Random().nextLong();
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                String batchId = "line-" + s;
                Random random = new Random(seed + s);
                done.add(pool.submit(() -> {
                    for (int b = 1; b < batches; b++) {
                        if (b % 7 == 3 && b + 1 < batches) {
                            // Out of order: the next batch first (a hole, for a moment), then this one.
                            send(edge, batchId, b + 1);
                            send(edge, batchId, b);
                            b++;
                        } else {
                            send(edge, batchId, b);
                        }
                        if (random.nextInt(100) < 20) {
                            send(edge, batchId, b); // a copy
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        for (int s = 0; s < streams; s++) {
            Edge.operator().get("/api/v1/streams/group-2/line-" + s).then().statusCode(200)
                    .body("coverage", hasSize(1))
                    .body("coverage[0].startWindow", equalTo("0"))
                    .body("coverage[0].endWindow", equalTo(Integer.toString(batches * 10)))
                    .body("gaps", hasSize(0));
        }
        assertThat(Database.count("recorded_batch")).as("seed " + seed).isEqualTo((long) streams * batches);
        assertThat(Database.count("stream_event")).as("seed " + seed).isEqualTo((long) streams * batches * 10);
        Consistency.check("seed " + seed);
        assertThat(counter("backfill.batches.grouped") - groupedBefore).as("batches recorded by group commit")
                .isGreaterThan(streams * batches / 2.0);
        assertThat(counter("backfill.ingest.groups.failed")).isEqualTo(failedBefore);
    }

    private static void send(Edge edge, String batchId, int b) {
        edge.live(batchId, SEQ, b * 10L, b * 10L + 10, b + 1, 0).then().statusCode(200)
                .body("result", is(oneOf("recorded", "duplicate")));
    }

    private static LiveAppendWriter.Message message(String deviceId, String batchId, IndexKind kind, long start,
            long end, long seq) {
        Window window = new Window(start, end);
        List<byte[]> events = Edge.events(batchId, kind, start, end);
        MessageProperties p = MessageProperties.live(batchId, kind, window, events.size(), seq, 0);
        return new LiveAppendWriter.Message(deviceId, Envelope.of(deviceId, p), BatchBody.decode(BatchBody.join(
                events), null, kind, window, events.size(), 1 << 20));
    }

    private double counter(String name) {
        return registry.find(name).counter().count();
    }
}
