package com.reliableedge.cloud.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.FakeEdge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.cloud.testing.TestClock;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Every transition of PROTOCOL.md section 6's request state machine, with the tests playing the edge. */
@QuarkusTest
class BackfillFlowTest extends ServiceTestBase {

    private static final IndexKind SEQ = IndexKind.SEQUENCE;
    private static final Duration DETECTION = Duration.ofSeconds(30);

    /** A stream with live batches [0,10) and [30,40): gap [10,30), observed now. */
    private Edge gapped(String deviceId) {
        Edge edge = Edge.register(deviceId, fakeEdge.url());
        EDGES.put(deviceId, edge);
        edge.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", SEQ, 30, 40, 2, 0).then().statusCode(200);
        return edge;
    }

    private static JsonPath requests(String state) {
        return Edge.operator().get("/api/v1/backfills" + (state == null ? "" : "?state=" + state)).then()
                .statusCode(200).extract().jsonPath();
    }

    private static BackfillRequest onlyCall(FakeEdge edge) {
        assertThat(edge.calls()).hasSize(1);
        return edge.calls().get(0).request();
    }

    @Test
    void aGapIsRequestedAfterTheDetectionDelayAndClosedByBackfill() {
        Edge edge = gapped("flow-1");
        scan();
        assertThat(fakeEdge.calls()).isEmpty();
        advance(DETECTION);
        scan();
        BackfillRequest call = onlyCall(fakeEdge);
        assertThat(call.deviceId()).isEqualTo("flow-1");
        assertThat(call.batchId()).isEqualTo("s");
        assertThat(call.startWindow()).isEqualTo("10");
        assertThat(call.endWindow()).isEqualTo("30");
        assertThat(call.attempt()).isEqualTo(1);
        // Signed with the device's key over the device's resource.
        assertThat(SasToken.verify(fakeEdge.calls().get(0).authorization(), edge.connection().deviceResource(),
                edge.connection().sharedAccessKey(), TestClock.CLOCK.instant())).isEqualTo(SasToken.Verdict.VALID);
        assertThat(requests("REQUESTED").getList("requestId")).containsExactly(call.requestId());

        // A second scan sends nothing more: the gap is covered by an active request.
        scan();
        assertThat(fakeEdge.calls()).hasSize(1);

        edge.backfill("s", SEQ, 10, 20, call.requestId()).then().statusCode(200);
        edge.backfill("s", SEQ, 20, 30, call.requestId()).then().statusCode(200);
        edge.status("s", SEQ, 10, 30, call.requestId(), BackfillStatus.Outcome.COMPLETED, null).then()
                .statusCode(200);

        JsonPath completed = requests("COMPLETED");
        assertThat(completed.getList("requestId")).containsExactly(call.requestId());
        // The first backfill batch shrank the gap to [20, 30); the second closed it.
        Edge.operator().get("/api/v1/gaps?state=CLOSED").then().statusCode(200).body("", hasSize(1))
                .body("[0].startWindow", equalTo("20"));
        Edge.operator().get("/api/v1/gaps").then().body("", hasSize(0));
        Edge.operator().get("/api/v1/streams/flow-1/s/events?limit=100").then().statusCode(200)
                .body("count", equalTo(40))
                .body("events[0].index", equalTo("0"))
                .body("events[39].index", equalTo("39"));
        assertThat(Database.count("retry_message")).isEqualTo(1);
        scan();
        assertThat(fakeEdge.calls()).hasSize(1);
    }

    @Test
    void aPartialFillReRequestsOnlyWhatIsMissingWithTheNextAttempt() {
        Edge edge = gapped("flow-2");
        advance(DETECTION);
        scan();
        BackfillRequest first = onlyCall(fakeEdge);
        edge.backfill("s", SEQ, 10, 20, first.requestId()).then().statusCode(200);
        edge.status("s", SEQ, 10, 20, first.requestId(), BackfillStatus.Outcome.COMPLETED, null).then()
                .statusCode(200);
        // Not everything reported yet: the request waits for the rest of its statuses.
        assertThat(requests("REQUESTED").getList("requestId")).containsExactly(first.requestId());
        edge.status("s", SEQ, 20, 30, first.requestId(), BackfillStatus.Outcome.FAILED, "pastLiveCursor").then()
                .statusCode(200);

        JsonPath pending = requests("PENDING");
        assertThat(pending.getList("startWindow")).containsExactly("20");
        assertThat(pending.getList("endWindow")).containsExactly("30");
        assertThat(pending.getList("attempt", Integer.class)).containsExactly(2);
        assertThat(pending.getList("parentRequestId")).containsExactly(first.requestId());
        assertThat(requests("COMPLETED").getString("[0].reason")).startsWith("remainder re-requested as");

        scan();
        assertThat(fakeEdge.calls()).hasSize(2);
        BackfillRequest second = fakeEdge.calls().get(1).request();
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.startWindow()).isEqualTo("20");
        assertThat(second.requestId()).isNotEqualTo(first.requestId());
    }

    @Test
    void anUnavailableRangeIsRecordedLostAndItsRequestIsUnrecoverable() {
        Edge edge = gapped("flow-3");
        advance(DETECTION);
        scan();
        BackfillRequest call = onlyCall(fakeEdge);
        edge.status("s", SEQ, 10, 30, call.requestId(), BackfillStatus.Outcome.UNAVAILABLE, "horizon").then()
                .statusCode(200);
        assertThat(requests("UNRECOVERABLE").getList("requestId")).containsExactly(call.requestId());
        Edge.operator().get("/api/v1/streams/flow-3/s").then().statusCode(200)
                .body("lost", hasSize(1))
                .body("lost[0].reason", equalTo("unavailable: horizon"))
                .body("gaps", hasSize(0));
        Edge.operator().get("/api/v1/gaps?state=LOST").then().body("", hasSize(1));
        advance(DETECTION);
        scan();
        assertThat(fakeEdge.calls()).hasSize(1);
    }

    @Test
    void aBusyEdgeIsRetriedWithDoublingBackoffWithoutUsingAttempts() {
        gapped("flow-4");
        fakeEdge.answerAll(BackfillResponse.Result.BUSY);
        advance(DETECTION);
        scan();
        assertThat(fakeEdge.calls()).hasSize(1);
        JsonPath pending = requests("PENDING");
        assertThat(pending.getString("[0].reason")).startsWith("edge busy");
        assertThat(Instant.parse(pending.getString("[0].nextAttemptAt")))
                .isEqualTo(TestClock.CLOCK.instant().plus(Duration.ofMinutes(1)));
        scan();
        assertThat(fakeEdge.calls()).hasSize(1);
        advance(Duration.ofMinutes(1));
        live("flow-4", 40, 41, 3);
        scan();
        assertThat(fakeEdge.calls()).hasSize(2);
        advance(Duration.ofMinutes(1));
        live("flow-4", 41, 42, 4);
        scan();
        assertThat(fakeEdge.calls()).hasSize(2);
        advance(Duration.ofMinutes(1));
        live("flow-4", 42, 43, 5);
        scan();
        assertThat(fakeEdge.calls()).hasSize(3);
        assertThat(fakeEdge.calls()).allSatisfy(c -> assertThat(c.request().attempt()).isEqualTo(1));
        // All three sends were one request: the edge serves a requestId once.
        assertThat(fakeEdge.calls().stream().map(c -> c.request().requestId()).distinct()).hasSize(1);

        fakeEdge.answerAll(BackfillResponse.Result.ACCEPTED);
        advance(Duration.ofMinutes(4));
        live("flow-4", 43, 44, 6);
        scan();
        assertThat(requests("REQUESTED").getList("attempt", Integer.class)).containsExactly(1);
    }

    @Test
    void anEdgeThatDoesNotAnswerIsRetriedWithBackoff() {
        Edge edge = Edge.register("flow-5", "http://127.0.0.1:1");
        edge.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", SEQ, 30, 40, 2, 0).then().statusCode(200);
        advance(DETECTION);
        scan();
        JsonPath pending = requests("PENDING");
        assertThat(pending.getString("[0].reason")).startsWith("no answer");
        assertThat(pending.getInt("[0].sendCount")).isEqualTo(1);
        assertThat(pending.getInt("[0].attempt")).isEqualTo(1);
    }

    @Test
    void aHangingEdgeTimesOutAndCountsAsNoAnswer() {
        gapped("flow-h");
        fakeEdge.answer(r -> FakeEdge.Answer.hang());
        advance(DETECTION);
        scan();
        assertThat(requests("PENDING").getString("[0].reason")).startsWith("no answer: timed out");
    }

    @Test
    void aRefusedRequestFailsAndIsNotRequestedAgainUnlessAnOperatorAsks() {
        gapped("flow-6");
        fakeEdge.answerAll(BackfillResponse.Result.UNKNOWN_STREAM);
        advance(DETECTION);
        scan();
        assertThat(requests("FAILED").getString("[0].reason")).startsWith("edge answered 404");
        advance(DETECTION);
        scan();
        assertThat(fakeEdge.calls()).hasSize(1);

        fakeEdge.answerAll(BackfillResponse.Result.ACCEPTED);
        Edge.operator().contentType("application/json")
                .body(Map.of("deviceId", "flow-6", "batchId", "s", "startWindow", "10", "endWindow", "30"))
                .post("/api/v1/backfills").then().statusCode(201).body("[0].state", equalTo("PENDING"))
                .body("[0].operatorRequest", equalTo(true));
        scan();
        assertThat(fakeEdge.calls()).hasSize(2);
        assertThat(requests("REQUESTED").getList("startWindow")).containsExactly("10");
    }

    @Test
    void aRejectedRequestFails() {
        gapped("flow-r");
        fakeEdge.answerAll(BackfillResponse.Result.REJECTED);
        advance(DETECTION);
        scan();
        assertThat(requests("FAILED").getString("[0].reason")).startsWith("edge answered 400");
    }

    @Test
    void anExpiredRequestIsRetriedUntilMaxAttemptsThenFails() {
        gapped("flow-7");
        advance(DETECTION);
        scan();
        long seq = 3;
        long end = 40;
        for (int attempt = 1; attempt <= 5; attempt++) {
            assertThat(requests("REQUESTED").getList("attempt", Integer.class)).containsExactly(attempt);
            advance(Duration.ofHours(3));
            live("flow-7", end, end + 1, seq++);
            end++;
            scan(); // the retry message is visible: a new request for the rest, or FAILED
            scan(); // sends the new request
        }
        assertThat(fakeEdge.calls()).hasSize(5);
        assertThat(fakeEdge.calls().stream().map(c -> c.request().attempt())).containsExactly(1, 2, 3, 4, 5);
        JsonPath failed = requests("FAILED");
        assertThat(failed.getList("attempt", Integer.class)).containsExactly(5);
        assertThat(failed.getString("[0].reason")).contains("after 5 accepted attempts");
        assertThat(requests("COMPLETED").getList("requestId")).hasSize(4);
        advance(DETECTION);
        scan();
        assertThat(fakeEdge.calls()).hasSize(5);
    }

    @Test
    void backfillBatchesPushTheExpiryForward() {
        Edge edge = gapped("flow-8");
        advance(DETECTION);
        scan();
        BackfillRequest call = onlyCall(fakeEdge);
        advance(Duration.ofHours(2));
        edge.backfill("s", SEQ, 10, 15, call.requestId()).then().statusCode(200);
        live("flow-8", 40, 41, 3);
        advance(Duration.ofMinutes(90));
        live("flow-8", 41, 42, 4);
        scan(); // the message became visible at the first expiry, but the request now expires later
        assertThat(requests("REQUESTED").getList("requestId")).containsExactly(call.requestId());
        advance(Duration.ofMinutes(90));
        live("flow-8", 42, 43, 5);
        scan();
        JsonPath pending = requests("PENDING");
        assertThat(pending.getList("startWindow")).containsExactly("15");
        assertThat(pending.getList("attempt", Integer.class)).containsExactly(2);
    }

    @Test
    void aLostRetryMessageStrandsNothing() {
        gapped("flow-9");
        advance(DETECTION);
        scan();
        QuarkusTransaction.requiringNew()
                .run(() -> Database.em().createNativeQuery("DELETE FROM retry_message").executeUpdate());
        advance(Duration.ofHours(3).plusMinutes(1));
        live("flow-9", 40, 41, 3);
        scan();
        assertThat(requests("PENDING").getList("attempt", Integer.class)).containsExactly(2);
    }

    @Test
    void aStalledStreamPausesItsRequestsAndResumesWhenItReturns() {
        Edge edge = gapped("flow-10");
        advance(Duration.ofMinutes(6));
        scan();
        assertThat(fakeEdge.calls()).isEmpty();
        Edge.operator().get("/api/v1/streams").then().body("streams[0].state", equalTo("STALLED"));
        edge.live("s", SEQ, 40, 50, 3, 0).then().statusCode(200);
        Edge.operator().get("/api/v1/streams").then().body("streams[0].state", equalTo("GAPPED"));
        scan();
        assertThat(onlyCall(fakeEdge).startWindow()).isEqualTo("10");
    }

    @Test
    void aStalledStreamsExpiredRequestWaitsWithoutUsingAnAttempt() {
        Edge edge = gapped("flow-11");
        advance(DETECTION);
        scan();
        advance(Duration.ofHours(4));
        scan();
        assertThat(requests("REQUESTED").getList("attempt", Integer.class)).containsExactly(1);
        edge.live("s", SEQ, 40, 50, 3, 0).then().statusCode(200);
        advance(Duration.ofMinutes(6));
        edge.live("s", SEQ, 50, 60, 4, 0).then().statusCode(200);
        scan();
        assertThat(requests("PENDING").getList("attempt", Integer.class)).containsExactly(2);
    }

    @Test
    void aRequestWhoseWindowGotCoveredBeforeItsSendCompletesWithoutASend() {
        Edge edge = gapped("flow-12");
        fakeEdge.answerAll(BackfillResponse.Result.BUSY);
        advance(DETECTION);
        scan();
        String id = requests("PENDING").getString("[0].requestId");
        edge.backfill("s", SEQ, 10, 30, "edge-self-heal-1").then().statusCode(200);
        advance(Duration.ofMinutes(1));
        edge.live("s", SEQ, 40, 50, 3, 0).then().statusCode(200);
        scan();
        assertThat(fakeEdge.calls()).hasSize(1);
        assertThat(requests("COMPLETED").getList("requestId")).containsExactly(id);
    }

    @Test
    void aPartlyCoveredRequestIsNarrowedBeforeItsSend() {
        Edge edge = gapped("flow-13");
        fakeEdge.answerAll(BackfillResponse.Result.BUSY);
        advance(DETECTION);
        scan();
        edge.backfill("s", SEQ, 10, 20, "edge-self-heal-2").then().statusCode(200);
        fakeEdge.answerAll(BackfillResponse.Result.ACCEPTED);
        advance(Duration.ofMinutes(1));
        edge.live("s", SEQ, 40, 50, 3, 0).then().statusCode(200);
        scan();
        assertThat(fakeEdge.calls().get(1).request().startWindow()).isEqualTo("20");
        assertThat(fakeEdge.calls().get(1).request().endWindow()).isEqualTo("30");
    }

    @Test
    void longGapsAreSplitAtTheMaximumSpan() {
        Edge edge = Edge.register("flow-14", fakeEdge.url());
        edge.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", SEQ, 250_010, 250_020, 2, 0).then().statusCode(200);
        advance(DETECTION);
        scan();
        assertThat(fakeEdge.calls().stream().map(c -> c.request().startWindow() + "-" + c.request().endWindow()))
                .containsExactlyInAnyOrder("10-100010", "100010-200010", "200010-250010");
        scan();
        assertThat(fakeEdge.calls()).hasSize(3);
    }

    @Test
    void deletingADeviceFailsItsOpenRequests() {
        gapped("flow-15");
        fakeEdge.answerAll(BackfillResponse.Result.BUSY);
        advance(DETECTION);
        scan();
        Edge.operator().delete("/api/v1/devices/flow-15").then().statusCode(204);
        JsonPath failed = requests("FAILED");
        assertThat(failed.getString("[0].reason")).isEqualTo("device flow-15 was deleted");
        Edge.operator().get("/api/v1/devices/flow-15").then().statusCode(404);
    }

    @Test
    void aStaleRetryMessageIsDiscarded() {
        Edge edge = gapped("flow-16");
        advance(DETECTION);
        scan();
        BackfillRequest call = onlyCall(fakeEdge);
        edge.backfill("s", SEQ, 10, 30, call.requestId()).then().statusCode(200);
        edge.status("s", SEQ, 10, 30, call.requestId(), BackfillStatus.Outcome.COMPLETED, null).then()
                .statusCode(200);
        advance(Duration.ofHours(3));
        live("flow-16", 40, 41, 3);
        scan();
        assertThat(Database.count("retry_message")).isZero();
        assertThat(requests("COMPLETED").getList("requestId")).containsExactly(call.requestId());
    }

    @Test
    void statusForAnUnknownRequestIsRecordedAndDataForItIngested() {
        Edge edge = gapped("flow-17");
        edge.backfill("s", SEQ, 10, 20, "edge-1").then().statusCode(200).body("result", equalTo("recorded"));
        edge.status("s", SEQ, 20, 30, "edge-1", BackfillStatus.Outcome.UNAVAILABLE, "oversize").then()
                .statusCode(200);
        Edge.operator().get("/api/v1/streams/flow-17/s").then().body("gaps", hasSize(0)).body("lost", hasSize(1))
                .body("coverage[0].endWindow", equalTo("20"));
        assertThat(requests(null).getList("requestId")).isEmpty();
    }

    @Test
    void operatorRequestsAreValidated() {
        gapped("flow-18");
        Edge.operator().contentType("application/json").body("{\"deviceId\":\"flow-18\"")
                .post("/api/v1/backfills").then().statusCode(400).body("field", equalTo("body"));
        Edge.operator().contentType("application/json")
                .body(Map.of("deviceId", "flow-18", "batchId", "s", "startWindow", "30", "endWindow", "10"))
                .post("/api/v1/backfills").then().statusCode(400).body("field", equalTo("startWindow"));
        Edge.operator().contentType("application/json")
                .body(Map.of("deviceId", "flow-18", "batchId", "nope", "startWindow", "10", "endWindow", "30"))
                .post("/api/v1/backfills").then().statusCode(404);
        Edge.operator().contentType("application/json").body(Map.of("deviceId", "flow-18", "batchId", "s"))
                .post("/api/v1/backfills").then().statusCode(400).body("field", equalTo("startWindow"))
                .body("error", startsWith("startWindow"));
        Edge.operator().get("/api/v1/backfills?state=NOPE").then().statusCode(400).body("field", equalTo("state"));
        assertThat(Database.count("backfill_request")).isZero();
    }

    private static void live(String deviceId, long start, long end, long seq) {
        // A heartbeat-sized live batch from the device, keeping the stream from stalling while time passes.
        Edge edge = EDGES.get(deviceId);
        edge.live("s", SEQ, start, end, seq, 0).then().statusCode(200);
    }

    private static final Map<String, Edge> EDGES = new ConcurrentHashMap<>();
}
