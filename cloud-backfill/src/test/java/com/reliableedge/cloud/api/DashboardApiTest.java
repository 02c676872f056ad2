package com.reliableedge.cloud.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The reads the dashboard adds to the operator API: a stream's timeline and a request's history. */
@QuarkusTest
class DashboardApiTest extends ServiceTestBase {

    private static final IndexKind SEQ = IndexKind.SEQUENCE;

    /** [0,10) [20,30) [40,50) [60,70): gaps [10,20) closed by backfill, [30,40) lost, [50,60) requested again. */
    private Edge seeded() {
        Edge edge = Edge.register("tl-1", fakeEdge.url());
        for (int i = 0; i < 4; i++) {
            edge.live("s", SEQ, i * 20, i * 20 + 10, i + 1, 0).then().statusCode(200);
        }
        advance(Duration.ofSeconds(31));
        scan();
        assertThat(fakeEdge.calls()).hasSize(3);
        String closed = sent("10").requestId();
        String lost = sent("30").requestId();
        String partial = sent("50").requestId();
        edge.backfill("s", SEQ, 10, 20, closed).then().statusCode(200);
        edge.status("s", SEQ, 10, 20, closed, BackfillStatus.Outcome.COMPLETED, null).then().statusCode(200);
        edge.status("s", SEQ, 30, 40, lost, BackfillStatus.Outcome.UNAVAILABLE, "horizon").then().statusCode(200);
        edge.backfill("s", SEQ, 50, 55, partial).then().statusCode(200);
        edge.status("s", SEQ, 50, 55, partial, BackfillStatus.Outcome.COMPLETED, null).then().statusCode(200);
        edge.status("s", SEQ, 55, 60, partial, BackfillStatus.Outcome.FAILED, "pastLiveCursor").then()
                .statusCode(200);
        scan();
        return edge;
    }

    private BackfillRequest sent(String start) {
        return fakeEdge.calls().stream().map(c -> c.request()).filter(r -> r.startWindow().equals(start)).findFirst()
                .orElseThrow();
    }

    @Test
    void theTimelineHoldsCoverageGapsInEveryStateLostWindowsRequestsAndOperatorBackfills() {
        seeded();
        Edge.operator().contentType("application/json").body(Map.of("deviceId", "tl-1", "batchId", "s",
                "startWindow", "0", "endWindow", "5")).post("/api/v1/backfills").then().statusCode(201);
        JsonPath t = Edge.operator().get("/api/v1/streams/tl-1/s/timeline").then().statusCode(200).extract()
                .jsonPath();
        assertThat(t.getString("stream.state")).isEqualTo("GAPPED");
        assertThat(t.getInt("stream.openGaps")).isEqualTo(1);
        assertThat(t.getDouble("stream.coveredFraction")).isCloseTo(55.0 / 70.0, within(1e-6));
        assertThat(t.getList("coverage.collect { it.startWindow + '-' + it.endWindow }"))
                .containsExactly("0-30", "40-55", "60-70");
        assertThat(t.getList("gaps.collect { it.startWindow + '-' + it.endWindow + ' ' + it.state }"))
                .containsExactly("10-20 CLOSED", "30-40 LOST", "55-60 OPEN");
        assertThat(t.getString("gaps[0].closedAt")).isNotNull();
        assertThat(t.getList("lost.collect { it.startWindow + '-' + it.endWindow }")).containsExactly("30-40");
        assertThat(t.getList("requests.collect { it.startWindow + '-' + it.endWindow + ' ' + it.state + ' '"
                + " + it.attempt }")).containsExactly("0-5 PENDING 1", "10-20 COMPLETED 1", "30-40 UNRECOVERABLE 1",
                        "50-60 COMPLETED 1", "55-60 REQUESTED 2");
        assertThat(t.getList("operatorBackfills")).isEmpty();
        assertThat(t.getBoolean("truncated")).isFalse();

        // Clipped to [from, to): coverage is cut, everything else overlapping is listed whole.
        JsonPath part = Edge.operator().get("/api/v1/streams/tl-1/s/timeline?from=15&to=35").then().statusCode(200)
                .extract().jsonPath();
        assertThat(part.getList("coverage.collect { it.startWindow + '-' + it.endWindow }")).containsExactly("15-30");
        assertThat(part.getList("gaps.startWindow")).containsExactly("10", "30");
        assertThat(part.getList("requests.startWindow")).containsExactly("10", "30");
        // The summary is the whole stream's, whatever the range.
        assertThat(part.getInt("stream.openGaps")).isEqualTo(1);

        JsonPath cut = Edge.operator().get("/api/v1/streams/tl-1/s/timeline?limit=2").then().statusCode(200)
                .extract().jsonPath();
        assertThat(cut.getBoolean("truncated")).isTrue();
        assertThat(cut.getList("requests")).hasSize(2);
        assertThat(cut.getList("coverage")).hasSize(2);
    }

    @Test
    void aWideOperatorBackfillShowsWhatIsLeftToPlan() {
        Edge edge = Edge.register("tl-2", fakeEdge.url());
        edge.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        // 100000 per request by default and at most 1000 created at once: [0, 2e8) leaves most of it to plan.
        JsonPath created = Edge.operator().contentType("application/json").body(Map.of("deviceId", "tl-2",
                "batchId", "s", "startWindow", "0", "endWindow", "200000000")).post("/api/v1/backfills").then()
                .statusCode(201).extract().jsonPath();
        int now = created.getList("$").size();
        assertThat(now).isPositive();
        JsonPath t = Edge.operator().get("/api/v1/streams/tl-2/s/timeline?to=100").then().statusCode(200).extract()
                .jsonPath();
        assertThat(t.getList("operatorBackfills")).isEmpty();
        JsonPath all = Edge.operator().get("/api/v1/streams/tl-2/s/timeline?limit=10000").then().statusCode(200)
                .extract().jsonPath();
        assertThat(all.getString("operatorBackfills[0].nextWindow")).isEqualTo(String.valueOf(now * 100_000L));
        assertThat(all.getString("operatorBackfills[0].endWindow")).isEqualTo("200000000");
    }

    @Test
    void aRequestsHistoryListsEveryAttemptOfItsLineOldestFirst() {
        seeded();
        String first = sent("50").requestId();
        String second = Edge.operator().get("/api/v1/backfills?state=REQUESTED").then().statusCode(200).extract()
                .path("find { it.parentRequestId == '" + first + "' }.requestId");
        for (String id : List.of(first, second)) {
            JsonPath h = Edge.operator().get("/api/v1/backfills/" + id).then().statusCode(200).extract().jsonPath();
            assertThat(h.getString("request.requestId")).isEqualTo(id);
            assertThat(h.getList("history.requestId")).containsExactly(first, second);
            assertThat(h.getList("history.attempt", Integer.class)).containsExactly(1, 2);
            assertThat(h.getList("history.state")).containsExactly("COMPLETED", "REQUESTED");
            assertThat(h.getString("history[0].reason")).startsWith("remainder re-requested as");
            assertThat(h.getString("history[0].requestedAt")).isNotNull();
            assertThat(h.getInt("history[0].sendCount")).isEqualTo(1);
            assertThat(h.getList("history[0].reported.collect { it.startWindow + '-' + it.endWindow }"))
                    .containsExactly("50-60");
            assertThat(h.getBoolean("truncated")).isFalse();
        }
        // A request of its own line only.
        String lost = sent("30").requestId();
        Edge.operator().get("/api/v1/backfills/" + lost).then().statusCode(200).body("history", hasSize(1))
                .body("history[0].state", equalTo("UNRECOVERABLE"));
    }

    @Test
    void unknownThingsAre404BadParameters400AndEverythingNeedsTheKey() {
        seeded();
        Edge.operator().get("/api/v1/backfills/no-such-request").then().statusCode(404)
                .body("field", equalTo("requestId"));
        Edge.operator().get("/api/v1/backfills/" + "x".repeat(300)).then().statusCode(404);
        Edge.operator().get("/api/v1/streams/tl-1/nope/timeline").then().statusCode(404)
                .body("field", equalTo("batchId"));
        Edge.operator().get("/api/v1/streams/tl-1/s/timeline?from=x").then().statusCode(400)
                .body("field", equalTo("from"));
        Edge.operator().get("/api/v1/streams/tl-1/s/timeline?from=20&to=10").then().statusCode(400)
                .body("field", equalTo("from"));
        Edge.operator().get("/api/v1/streams/tl-1/s/timeline?limit=0").then().statusCode(400)
                .body("field", equalTo("limit"));
        String id = sent("10").requestId();
        for (String path : List.of("/api/v1/streams/tl-1/s/timeline", "/api/v1/backfills/" + id)) {
            given().get(path).then().statusCode(401).body("field", equalTo("Authorization"));
            given().header("Authorization", "Bearer wrong").get(path).then().statusCode(401);
        }
    }
}
