package com.reliableedge.cloud.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.cloud.testing.TestClock;
import com.reliableedge.protocol.index.IndexKind;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The scanner's bounds: far-off windows make gaps that wait for an operator, an operator's wide request is planned a
 * few windows at a time, and a stream whose planning fails is parked while the others' holes are still requested.
 */
@QuarkusTest
@TestProfile(ScanLimitsTest.Limits.class)
class ScanLimitsTest extends ServiceTestBase {

    /** Few active requests per stream, so that lazy planning shows. */
    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backfill.max-active-requests-per-stream", "5", "backfill.max-new-requests-per-scan", "50");
        }
    }

    private static final IndexKind SEQ = IndexKind.SEQUENCE;
    private static final Duration DETECTION = Duration.ofSeconds(30);
    private static final long FAR = 1L << 62;

    private Edge device(String deviceId) {
        return Edge.register(deviceId, fakeEdge.url());
    }

    private static JsonPath get(String path) {
        return Edge.operator().get(path).then().statusCode(200).extract().jsonPath();
    }

    private List<String> calledDevices() {
        return fakeEdge.calls().stream().map(c -> c.request().deviceId()).toList();
    }

    private static long streamId(String deviceId, String batchId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) Database.em()
                .createNativeQuery("SELECT id FROM stream WHERE device_id = ?1 AND batch_id = ?2")
                .setParameter(1, deviceId).setParameter(2, batchId).getSingleResult()).longValue());
    }

    private static double metric(String name) {
        String text = Edge.operator().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void farOffWindowsMakeGapsThatWaitForAnOperatorWhileAnOrdinaryHoleIsRequested() {
        Edge a = device("far-a");
        a.live("seq", SEQ, 0, 10, 1, 0).then().statusCode(200);
        a.live("seq", SEQ, FAR, FAR + 10, 2, 0).then().statusCode(200);
        long t = TestClock.CLOCK.instant().minus(Duration.ofDays(20)).toEpochMilli() / 1000 * 1000;
        a.live("time", IndexKind.TIME, t, t + 1000, 1, t).then().statusCode(200);
        a.live("time", IndexKind.TIME, t + Duration.ofDays(10).toMillis(), t + Duration.ofDays(10).toMillis() + 1000,
                2, t).then().statusCode(200);
        Edge b = device("far-b");
        b.live("seq", SEQ, 0, 10, 1, 0).then().statusCode(200);
        b.live("seq", SEQ, 20, 30, 2, 0).then().statusCode(200);

        advance(DETECTION);
        scan();
        assertThat(calledDevices()).containsExactly("far-b");
        assertThat(fakeEdge.calls().get(0).request().startWindow()).isEqualTo("10");
        assertThat(get("/api/v1/backfills").getList("")).hasSize(1);

        JsonPath gaps = get("/api/v1/gaps");
        assertThat(gaps.getList("findAll { it.deviceId == 'far-a' }.needsOperator")).containsExactly(true, true);
        assertThat(gaps.getString("find { it.batchId == 'seq' && it.deviceId == 'far-a' }.reason"))
                .contains("backfill.auto-request-max-span.sequence (10000000)");
        assertThat(gaps.getString("find { it.batchId == 'time' }.reason"))
                .contains("backfill.auto-request-max-span.time (PT168H)");
        assertThat(gaps.getBoolean("find { it.deviceId == 'far-b' }.needsOperator")).isFalse();
        assertThat(get("/api/v1/streams/far-a/seq").getBoolean("gaps[0].needsOperator")).isTrue();

        // Scans go on without requesting the wide gaps.
        advance(DETECTION);
        scan();
        assertThat(calledDevices()).containsExactly("far-b");

        // The operator asks for all of the wide hole: five requests now (the per-stream bound), the rest later.
        Edge.operator().contentType("application/json")
                .body(Map.of("deviceId", "far-a", "batchId", "seq", "startWindow", "10", "endWindow",
                        Long.toString(FAR)))
                .post("/api/v1/backfills").then().statusCode(201).body("", hasSize(5))
                .body("[0].startWindow", equalTo("10")).body("[0].endWindow", equalTo("100010"))
                .body("[4].endWindow", equalTo("500010")).body("[0].operatorRequest", equalTo(true));
        assertThat(Database.count("operator_backfill")).isEqualTo(1);
        scan();
        assertThat(Database.count("backfill_request", "stream_id = " + streamId("far-a", "seq"))).isEqualTo(5);

        // As earlier requests end, each scan plans the next few.
        QuarkusTransaction.requiringNew().run(() -> Database.em()
                .createNativeQuery("UPDATE backfill_request SET state = 'COMPLETED' WHERE operator_request = TRUE")
                .executeUpdate());
        scan();
        JsonPath active = get("/api/v1/backfills?state=REQUESTED");
        List<String> starts = active.getList("findAll { it.deviceId == 'far-a' }.startWindow");
        assertThat(starts).hasSize(5).contains("500010", "900010");
        assertThat(Database.count("backfill_request", "stream_id = " + streamId("far-a", "seq"))).isEqualTo(10);
    }

    @Test
    void aStreamWhosePlanningFailsIsParkedAndTheOthersHoleIsStillRequested() {
        Edge x = device("iso-x");
        x.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        x.live("s", SEQ, 30, 40, 2, 0).then().statusCode(200);
        Edge y = device("iso-y");
        y.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        y.live("s", SEQ, 30, 40, 2, 0).then().statusCode(200);
        // The fault: a corrupt request row (start == end) that makes planning X throw.
        long xs = streamId("iso-x", "s");
        Instant now = TestClock.CLOCK.instant();
        QuarkusTransaction.requiringNew().run(() -> Database.em().createNativeQuery(
                "INSERT INTO backfill_request (request_id, stream_id, start_index, end_index, state, attempt,"
                        + " operator_request, send_count, created_at, updated_at)"
                        + " VALUES ('corrupt', ?1, 5, 5, 'FAILED', 1, FALSE, 0, ?2, ?2)")
                .setParameter(1, xs).setParameter(2, now.toEpochMilli()).executeUpdate());
        double before = metric("backfill_scan_stream_failures_total");

        advance(DETECTION);
        scan();
        assertThat(calledDevices()).containsExactly("iso-y");
        assertThat(metric("backfill_scan_stream_failures_total")).isEqualTo(before + 1);
        JsonPath streams = get("/api/v1/streams?limit=1000");
        assertThat(streams.getString("streams.find { it.deviceId == 'iso-x' }.scanParkReason"))
                .startsWith("planning failed: ProtocolException");
        assertThat(streams.getString("streams.find { it.deviceId == 'iso-y' }.scanParkReason")).isNull();

        // Parked: left out until the backoff (1 min) passed, then tried again, and parked for twice as long.
        scan();
        assertThat(metric("backfill_scan_stream_failures_total")).isEqualTo(before + 1);
        advance(Duration.ofMinutes(1));
        scan();
        assertThat(metric("backfill_scan_stream_failures_total")).isEqualTo(before + 2);
        assertThat(Instant.parse(
                get("/api/v1/streams?limit=1000").getString("streams.find { it.deviceId == 'iso-x' }.scanParkedUntil")))
                .isEqualTo(TestClock.CLOCK.instant().plus(Duration.ofMinutes(2)));

        // The operator repairs the row and un-parks the stream: the next scan requests its hole.
        QuarkusTransaction.requiringNew().run(() -> Database.em()
                .createNativeQuery("DELETE FROM backfill_request WHERE request_id = 'corrupt'").executeUpdate());
        Edge.operator().post("/api/v1/streams/iso-x/s/unpark").then().statusCode(200)
                .body("wasParked", equalTo(true)).body("reason", org.hamcrest.Matchers.startsWith("planning failed"));
        scan();
        assertThat(calledDevices()).containsExactly("iso-y", "iso-x");
        assertThat(
                get("/api/v1/streams?limit=1000").getString("streams.find { it.deviceId == 'iso-x' }.scanParkReason"))
                .isNull();
        Edge.operator().post("/api/v1/streams/iso-x/nope/unpark").then().statusCode(404);
    }
}
