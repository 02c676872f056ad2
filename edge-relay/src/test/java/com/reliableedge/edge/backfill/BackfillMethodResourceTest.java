package com.reliableedge.edge.backfill;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.reliableedge.edge.EdgeRelay;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** The method endpoint answers bad input with the documented status and records nothing for it. */
@QuarkusTest
class BackfillMethodResourceTest {

    @Inject
    EdgeRelay relay;

    private String auth() {
        return SasToken.sign(relay.connection(), Instant.now(), Duration.ofMinutes(5));
    }

    private ValidatableResponse call(String authorization, byte[] body) {
        var request = given().contentType("application/json").body(body);
        if (authorization != null) {
            request = request.header("Authorization", authorization);
        }
        return request.when().post("/api/v1/methods/backfill").then();
    }

    private static byte[] request(String requestId, String device, String stream, String start, String end) {
        return new BackfillRequest(requestId, device, stream, start, end, 1).toJson();
    }

    private byte[] validRequest(String requestId) {
        long now = System.currentTimeMillis();
        return BackfillRequest.of(requestId, relay.deviceId(), "line-1", IndexKind.TIME, new Window(now - 60_000, now
                - 30_000), 1).toJson();
    }

    private int jobs() {
        return relay.buffer().unfinishedJobs().size();
    }

    @Test
    void aValidRequestIsAcceptedOnceAndRecorded() {
        String id = "req-" + UUID.randomUUID();
        call(auth(), validRequest(id)).statusCode(202).body("requestId", equalTo(id)).body("result", equalTo(
                "accepted"));
        assertThat(relay.buffer().job(id)).isPresent();
        call(auth(), validRequest(id)).statusCode(202).body("result", equalTo("accepted"));
        assertThat(relay.buffer().job(id).orElseThrow().window().end() - relay.buffer().job(id).orElseThrow().window()
                .start()).isEqualTo(30_000);
    }

    @Test
    void badInputGetsItsStatusAndChangesNothing() {
        int before = jobs();
        String id = "bad-" + UUID.randomUUID();
        call(auth(), "{not json".getBytes(StandardCharsets.UTF_8)).statusCode(400).body("result", equalTo("rejected"));
        call(auth(), "[]".getBytes(StandardCharsets.UTF_8)).statusCode(400);
        call(auth(), request(id, relay.deviceId(), "line-1", "2026-11-26T10:05:00.000Z", "2026-11-26T10:00:00.000Z"))
                .statusCode(400).body("requestId", equalTo(id));
        call(auth(), request(id, relay.deviceId(), "line-1", "2026-11-26T10:00:00.000Z", "2026-11-26T10:00:00.000Z"))
                .statusCode(400);
        call(auth(), request(id, relay.deviceId(), "line-1", "10:00", "11:00")).statusCode(400);
        call(auth(), request(id, relay.deviceId(), "no-such-line", "2026-11-26T10:00:00.000Z",
                "2026-11-26T10:05:00.000Z")).statusCode(404).body("result", equalTo("unknownStream"));
        call(auth(), request(id, "another-device", "line-1", "2026-11-26T10:00:00.000Z", "2026-11-26T10:05:00.000Z"))
                .statusCode(400);
        byte[] oversized = ("{\"requestId\":\"" + id + "\",\"pad\":\"" + "x".repeat(BackfillRequest.MAX_PAYLOAD_BYTES)
                + "\"}").getBytes(StandardCharsets.UTF_8);
        call(auth(), oversized).statusCode(400);
        assertThat(relay.buffer().job(id)).isEmpty();
        assertThat(jobs()).isEqualTo(before);
    }

    @Test
    void aCallNotSignedForThisDeviceIs401AndChangesNothing() {
        int before = jobs();
        String id = "unsigned-" + UUID.randomUUID();
        call(null, validRequest(id)).statusCode(401);
        call("SharedAccessSignature garbage", validRequest(id)).statusCode(401);
        String otherKey = Base64.getEncoder().encodeToString("some other key, not this device's".getBytes(
                StandardCharsets.UTF_8));
        ConnectionString wrongKey = ConnectionString.forDevice(relay.connection().hostName(), relay.deviceId(),
                otherKey);
        call(SasToken.sign(wrongKey, Instant.now(), Duration.ofMinutes(5)), validRequest(id)).statusCode(401);
        ConnectionString otherDevice = ConnectionString.forDevice(relay.connection().hostName(), "edge-2", relay
                .connection().sharedAccessKey());
        call(SasToken.sign(otherDevice, Instant.now(), Duration.ofMinutes(5)), validRequest(id)).statusCode(401);
        call(SasToken.sign(relay.connection(), Instant.now().minusSeconds(3600), Duration.ofMinutes(5)), validRequest(
                id)).statusCode(401);
        assertThat(relay.buffer().job(id)).isEmpty();
        assertThat(jobs()).isEqualTo(before);
    }
}
