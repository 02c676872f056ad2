package com.reliableedge.cloud.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.test.junit.QuarkusTest;

/** Corners of PROTOCOL.md sections 5 and 6 that the main flow does not reach. */
@QuarkusTest
class ProtocolCornersTest extends ServiceTestBase {

    private static final IndexKind SEQ = IndexKind.SEQUENCE;

    @Test
    void aStatusWhoseBodyDisagreesWithItsPropertiesIsRefused() {
        Edge edge = Edge.register("pc-1", fakeEdge.url());
        edge.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        Window w = new Window(0, 5);
        edge.send(MessageProperties.backfillStatus("s", SEQ, w, "r-1"), BackfillStatus.of("r-2", "s", SEQ, w,
                BackfillStatus.Outcome.COMPLETED, null).toJson()).then().statusCode(400)
                .body("field", equalTo("body.requestId"));
        edge.send(MessageProperties.backfillStatus("s", SEQ, w, "r-1"), BackfillStatus.of("r-1", "s", SEQ,
                new Window(0, 6), BackfillStatus.Outcome.COMPLETED, null).toJson()).then().statusCode(400)
                .body("field", equalTo("body.startWindow"));
        edge.send(MessageProperties.backfillStatus("s", SEQ, w, "r-1"), "{\"requestId\":1}".getBytes()).then()
                .statusCode(400).body("field", equalTo("requestId"));
        // Gzipped, and right: accepted.
        edge.send(MessageProperties.backfillStatus("s", SEQ, w, "r-1").withContentEncoding("gzip"),
                BatchBody.gzip(BackfillStatus.of("r-1", "s", SEQ, w, BackfillStatus.Outcome.COMPLETED, null)
                        .toJson()))
                .then().statusCode(200).body("result", equalTo("recorded"));
        assertThat(Database.count("recorded_batch")).isEqualTo(2);
    }

    @Test
    void anOperatorCanAskAgainForALostWindow() {
        Edge edge = Edge.register("pc-2", fakeEdge.url());
        edge.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", SEQ, 20, 30, 2, 0).then().statusCode(200);
        edge.status("s", SEQ, 10, 20, "edge-1", BackfillStatus.Outcome.UNAVAILABLE, "horizon").then().statusCode(200);
        advance(Duration.ofMinutes(1));
        scan();
        assertThat(fakeEdge.calls()).isEmpty();

        Edge.operator().contentType("application/json")
                .body(Map.of("deviceId", "pc-2", "batchId", "s", "startWindow", "10", "endWindow", "20"))
                .post("/api/v1/backfills").then().statusCode(201);
        scan();
        assertThat(fakeEdge.calls()).hasSize(1);
        BackfillRequest call = fakeEdge.calls().get(0).request();
        assertThat(call.startWindow()).isEqualTo("10");
        edge.backfill("s", SEQ, 10, 20, call.requestId()).then().statusCode(200);
        edge.status("s", SEQ, 10, 20, call.requestId(), BackfillStatus.Outcome.COMPLETED, null).then()
                .statusCode(200);
        Edge.operator().get("/api/v1/backfills?state=COMPLETED").then().body("", hasSize(1));
        Edge.operator().get("/api/v1/streams/pc-2/s").then().body("coverage", hasSize(1))
                .body("coverage[0].endWindow", equalTo("30"));
    }

    @Test
    void timeStreamsAreRequestedInTheirWireFormSplitAtAnHour() {
        Edge edge = Edge.register("pc-3", fakeEdge.url());
        long t0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
        long hour = Duration.ofHours(1).toMillis();
        edge.live("s", IndexKind.TIME, t0, t0 + 1000, 1, t0).then().statusCode(200);
        edge.live("s", IndexKind.TIME, t0 + 2 * hour + 1000, t0 + 2 * hour + 2000, 2, t0).then().statusCode(200);
        advance(Duration.ofSeconds(30));
        scan();
        assertThat(fakeEdge.calls().stream().map(c -> c.request().startWindow() + "/" + c.request().endWindow()))
                .containsExactlyInAnyOrder("2026-11-26T10:00:01.000Z/2026-11-26T11:00:01.000Z",
                        "2026-11-26T11:00:01.000Z/2026-11-26T12:00:01.000Z");
    }

    @Test
    void anOlderLiveBatchArrivingLateDoesNotMoveTheLiveEndOrTheBacklog() {
        Edge edge = Edge.register("pc-4", fakeEdge.url());
        edge.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.liveWithBacklog("s", SEQ, 30, 40, 4, 0, 10).then().statusCode(200);
        // The backlog drains out of order: the batch of [10, 20) says nothing is waiting any more, but it is
        // older than the newest live batch, which still names backlogFrom=10.
        edge.live("s", SEQ, 10, 20, 2, 0).then().statusCode(200);
        Edge.operator().get("/api/v1/streams/pc-4/s").then().body("gaps", hasSize(0))
                .body("stream.lastLiveEnd", equalTo("40"));
        edge.liveWithBacklog("s", SEQ, 40, 50, 5, 0, 20).then().statusCode(200);
        Edge.operator().get("/api/v1/streams/pc-4/s").then().body("gaps", hasSize(0));
        edge.live("s", SEQ, 50, 60, 6, 0).then().statusCode(200);
        Edge.operator().get("/api/v1/streams/pc-4/s").then().body("gaps", hasSize(1))
                .body("gaps[0].startWindow", equalTo("20")).body("gaps[0].endWindow", equalTo("30"));
    }

    @Test
    void anEarlierStreamOriginWidensTheGapsDownwards() {
        Edge edge = Edge.register("pc-5", fakeEdge.url());
        edge.live("s", SEQ, 100, 110, 1, 100).then().statusCode(200);
        Edge.operator().get("/api/v1/streams/pc-5/s").then().body("gaps", hasSize(0));
        // After a restart the edge reports the first window it ever sealed for the stream.
        edge.live("s", SEQ, 110, 120, 2, 50).then().statusCode(200);
        Edge.operator().get("/api/v1/streams/pc-5/s").then().body("gaps", hasSize(1))
                .body("gaps[0].startWindow", equalTo("50")).body("gaps[0].endWindow", equalTo("100"))
                .body("stream.origin", equalTo("50"));
    }
}
