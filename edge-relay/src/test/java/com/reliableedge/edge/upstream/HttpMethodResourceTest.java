package com.reliableedge.edge.upstream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.reliableedge.edge.buffer.BatchBuffer;
import com.reliableedge.edge.config.DeviceIdentity;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** The method endpoint answers bad input with the documented status and records nothing for it. */
@QuarkusTest
class HttpMethodResourceTest {

    @Inject
    DeviceIdentity device;

    @Inject
    BatchBuffer buffer;

    private String auth() {
        return SasToken.sign(device.connection(), Instant.now(), Duration.ofMinutes(5));
    }

    private ValidatableResponse call(String authorization, byte[] body) {
        return call(authorization, "application/json", body);
    }

    private ValidatableResponse call(String authorization, String contentType, byte[] body) {
        var request = given()
                .config(io.restassured.RestAssured.config().encoderConfig(io.restassured.config.EncoderConfig
                        .encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .contentType(contentType)
                .body(body);
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
        return BackfillRequest.of(requestId, device.deviceId(), "line-1", IndexKind.TIME, new Window(now - 60_000, now
                - 30_000), 1).toJson();
    }

    private int jobs() {
        return buffer.unfinishedJobs().size();
    }

    @Test
    void aValidRequestIsAcceptedOnceAndRecorded() {
        String id = "req-" + UUID.randomUUID();
        call(auth(), validRequest(id)).statusCode(202).body("requestId", equalTo(id)).body("result", equalTo(
                "accepted"));
        assertThat(buffer.job(id)).isPresent();
        call(auth(), validRequest(id)).statusCode(202).body("result", equalTo("accepted"));
        assertThat(buffer.job(id).orElseThrow().window().end() - buffer.job(id).orElseThrow().window()
                .start()).isEqualTo(30_000);
    }

    @Test
    void badInputGetsItsStatusAndChangesNothing() {
        int before = jobs();
        String id = "bad-" + UUID.randomUUID();
        call(auth(), "{not json".getBytes(StandardCharsets.UTF_8)).statusCode(400).body("result", equalTo("rejected"));
        call(auth(), "[]".getBytes(StandardCharsets.UTF_8)).statusCode(400);
        call(auth(), request(id, device.deviceId(), "line-1", "2026-11-26T10:05:00.000Z", "2026-11-26T10:00:00.000Z"))
                .statusCode(400).body("requestId", equalTo(id));
        call(auth(), request(id, device.deviceId(), "line-1", "2026-11-26T10:00:00.000Z", "2026-11-26T10:00:00.000Z"))
                .statusCode(400);
        call(auth(), request(id, device.deviceId(), "line-1", "10:00", "11:00")).statusCode(400);
        call(auth(), request(id, device.deviceId(), "no-such-line", "2026-11-26T10:00:00.000Z",
                "2026-11-26T10:05:00.000Z")).statusCode(404).body("result", equalTo("unknownStream"));
        call(auth(), request(id, "another-device", "line-1", "2026-11-26T10:00:00.000Z", "2026-11-26T10:05:00.000Z"))
                .statusCode(400);
        byte[] oversized = ("{\"requestId\":\"" + id + "\",\"pad\":\"" + "x".repeat(BackfillRequest.MAX_PAYLOAD_BYTES)
                + "\"}").getBytes(StandardCharsets.UTF_8);
        call(auth(), oversized).statusCode(400);
        assertThat(buffer.job(id)).isEmpty();
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
        ConnectionString wrongKey = ConnectionString.forDevice(device.connection().hostName(), device.deviceId(),
                otherKey);
        call(SasToken.sign(wrongKey, Instant.now(), Duration.ofMinutes(5)), validRequest(id)).statusCode(401);
        ConnectionString otherDevice = ConnectionString.forDevice(device.connection().hostName(), "edge-2", device
                .connection().sharedAccessKey());
        call(SasToken.sign(otherDevice, Instant.now(), Duration.ofMinutes(5)), validRequest(id)).statusCode(401);
        call(SasToken.sign(device.connection(), Instant.now().minusSeconds(3600), Duration.ofMinutes(5)), validRequest(
                id)).statusCode(401);
        assertThat(buffer.job(id)).isEmpty();
        assertThat(jobs()).isEqualTo(before);
    }

    private static byte[] withPrefix(byte[] prefix, byte[] body) {
        byte[] out = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
    }

    @Test
    void onlyUtf8IsReadAndAnotherCharsetIs415() {
        int before = jobs();
        String id = "enc-" + UUID.randomUUID();
        String json = new String(validRequest(id), StandardCharsets.UTF_8);
        call(auth(), "application/json; charset=latin1", validRequest(id)).statusCode(415).body("result", equalTo(
                "rejected")).body("message", containsString("charset 'latin1'"));
        call(auth(), "application/json;charset=\"UTF-16\"", validRequest(id)).statusCode(415);
        call(auth(), withPrefix(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, validRequest(id))).statusCode(400)
                .body("message", containsString("byte-order mark"));
        call(auth(), json.getBytes(StandardCharsets.UTF_16)).statusCode(400);
        call(auth(), json.getBytes(StandardCharsets.UTF_16LE)).statusCode(400);
        call(auth(), json.replace("line-1", "l\u00efne-1").getBytes(StandardCharsets.ISO_8859_1)).statusCode(400)
                .body("message", containsString("not well-formed UTF-8"));
        assertThat(buffer.job(id)).isEmpty();
        assertThat(jobs()).isEqualTo(before);
        // A charset of UTF-8, spelled either way and quoted or not, is fine.
        call(auth(), "application/json; charset=\"utf-8\"", validRequest(id)).statusCode(202);
        call(auth(), "application/json; Charset=UTF8", validRequest(id)).statusCode(202);
    }

    @Test
    void aDuplicateKeyIs400AndErrorsNeverEchoThePayload() {
        int before = jobs();
        String id = "dup-" + UUID.randomUUID();
        String json = new String(validRequest(id), StandardCharsets.UTF_8);
        String dup = json.substring(0, json.length() - 1) + ",\"batchId\":\"seq-1\"}";
        call(auth(), dup.getBytes(StandardCharsets.UTF_8)).statusCode(400).body("message", equalTo(
                "payload names the key 'batchId' twice (line 1)"));
        String secret = "fragment-" + UUID.randomUUID();
        for (String bad : new String[]{"{\"requestId\":\"" + secret + "\" x", "[\"" + secret + "\"]",
                json.replace("\"attempt\":1", "\"attempt\":{\"" + secret + "\":1}")}) {
            String body = call(auth(), bad.getBytes(StandardCharsets.UTF_8)).statusCode(400).extract().asString();
            assertThat(body).doesNotContain(secret).doesNotContain("Unexpected").doesNotContain("jackson");
        }
        assertThat(buffer.job(id)).isEmpty();
        assertThat(jobs()).isEqualTo(before);
    }

    @Test
    void aWindowWiderThanTheLimitIs400() {
        int before = jobs();
        String id = "wide-" + UUID.randomUUID();
        call(auth(), request(id, device.deviceId(), "line-1", "0000-01-01T00:00:00.000Z", "9999-12-31T00:00:00.000Z"))
                .statusCode(400).body("result", equalTo("rejected")).body("message", containsString(
                        "relay.backfill.max-window"));
        call(auth(), request(id, device.deviceId(), "line-1", "1970-01-01T00:00:00.000Z", java.time.Instant.now()
                .toString().substring(0, 19) + ".000Z")).statusCode(400);
        assertThat(buffer.job(id)).isEmpty();
        assertThat(jobs()).isEqualTo(before);
    }
}
