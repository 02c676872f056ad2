package com.reliableedge.cloud.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.equalToIgnoringCase;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.cloud.testing.TestClock;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class IngestResourceTest extends ServiceTestBase {

    private static final IndexKind SEQ = IndexKind.SEQUENCE;

    @Test
    void liveBatchIsRecordedWithItsEventsAndCoverage() {
        Edge edge = Edge.register("site-1", fakeEdge.url());
        edge.live("line-1", SEQ, 0, 10, 1, 0).then().statusCode(200).body("result", equalTo("recorded"));
        edge.live("line-1", SEQ, 10, 20, 2, 0).then().statusCode(200);

        Edge.operator().get("/api/v1/streams/site-1/line-1").then().statusCode(200)
                .body("coverage", hasSize(1))
                .body("coverage[0].startWindow", equalTo("0"))
                .body("coverage[0].endWindow", equalTo("20"))
                .body("gaps", hasSize(0))
                .body("stream.state", equalTo("HEALTHY"))
                .body("stream.coveredFraction", equalTo(1.0f));
        assertThat(Database.count("stream_event")).isEqualTo(20);
    }

    @Test
    void timeIndexedBatchesAndGzipAreAccepted() {
        Edge edge = Edge.register("site-t", fakeEdge.url());
        long t0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
        List<byte[]> events = Edge.events("line-t", IndexKind.TIME, t0, t0 + 5_000);
        MessageProperties p = MessageProperties.live("line-t", IndexKind.TIME, new Window(t0, t0 + 5_000),
                events.size(), 1, t0).withContentEncoding("gzip");
        edge.send(p, BatchBody.gzip(BatchBody.join(events))).then().statusCode(200);
        Edge.operator().get("/api/v1/streams/site-t/line-t").then().statusCode(200)
                .body("coverage[0].startWindow", equalTo("2026-11-26T10:00:00.000Z"))
                .body("coverage[0].endWindow", equalTo("2026-11-26T10:00:05.000Z"));
        assertThat(Database.count("stream_event")).isEqualTo(50);
    }

    @Test
    void aResentMessageIsAcknowledgedAsDuplicateAndChangesNothing() {
        Edge edge = Edge.register("site-2", fakeEdge.url());
        edge.live("line-1", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.live("line-1", SEQ, 0, 10, 1, 0).then().statusCode(200).body("result", equalTo("duplicate"));
        assertThat(Database.count("recorded_batch")).isEqualTo(1);
        assertThat(Database.count("stream_event")).isEqualTo(10);
    }

    @Test
    void aHoleBetweenLiveBatchesIsAnOpenGap() {
        Edge edge = Edge.register("site-3", fakeEdge.url());
        edge.live("line-1", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.live("line-1", SEQ, 30, 40, 2, 0).then().statusCode(200);
        Edge.operator().get("/api/v1/streams/site-3/line-1").then().statusCode(200)
                .body("gaps", hasSize(1))
                .body("gaps[0].startWindow", equalTo("10"))
                .body("gaps[0].endWindow", equalTo("30"))
                .body("stream.state", equalTo("GAPPED"))
                .body("stream.openGaps", equalTo(1));
        Edge.operator().get("/api/v1/gaps").then().statusCode(200).body("", hasSize(1))
                .body("[0].deviceId", equalTo("site-3"));
    }

    @Test
    void holesFromBacklogFromOnAreInFlightNotGaps() {
        Edge edge = Edge.register("site-b", fakeEdge.url());
        edge.live("line-1", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.liveWithBacklog("line-1", SEQ, 30, 40, 3, 0, 10).then().statusCode(200);
        Edge.operator().get("/api/v1/streams/site-b/line-1").then().body("gaps", hasSize(0));
        // The backlog drained: the newest live batch says nothing is waiting any more.
        edge.live("line-1", SEQ, 40, 50, 4, 0).then().statusCode(200);
        Edge.operator().get("/api/v1/streams/site-b/line-1").then().body("gaps", hasSize(1));
    }

    @Test
    void lateEventsAreStoredOnceWithoutChangingCoverage() {
        Edge edge = Edge.register("site-l", fakeEdge.url());
        edge.live("line-1", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.late("line-1", SEQ, List.of(3L, 4L), 1).then().statusCode(200);
        edge.late("line-1", SEQ, List.of(3L, 4L), 1).then().statusCode(200).body("result", equalTo("duplicate"));
        assertThat(Database.count("stream_event")).isEqualTo(12);
        assertThat(Database.count("coverage_interval")).isEqualTo(1);
    }

    @Test
    void tokensOfNobodyAreRefused() {
        Edge edge = Edge.register("site-4", fakeEdge.url());
        Edge other = Edge.register("site-5", fakeEdge.url());
        List<byte[]> events = Edge.events("line-1", SEQ, 0, 5);
        MessageProperties p = MessageProperties.live("line-1", SEQ, new Window(0, 5), events.size(), 1, 0);
        byte[] body = BatchBody.join(events);
        Instant now = TestClock.CLOCK.instant();

        edge.send(p, body, null).then().statusCode(401).body("field", equalTo("Authorization"));
        edge.send(p, body, "Bearer nonsense").then().statusCode(401);
        String expired = SasToken.sign(edge.connection(), now.minusSeconds(7200), Duration.ofHours(1));
        edge.send(p, body, expired).then().statusCode(401).body("error", equalTo("the SAS token has expired"));
        String forged = SasToken.sign(edge.connection().deviceResource(), other.connection().sharedAccessKey(),
                now.plusSeconds(600));
        edge.send(p, body, forged).then().statusCode(401);
        // A valid token of another device does not open this device's streams.
        edge.send(p, body, other.token()).then().statusCode(401);
        assertThat(Database.count("recorded_batch")).isZero();
        assertThat(Database.count("stream")).isZero();
    }

    @Test
    void aDeviceRegisteredAgainIsCheckedAgainstItsNewKey() {
        Edge before = Edge.register("site-7", fakeEdge.url());
        before.live("line-1", SEQ, 0, 10, 1, 0).then().statusCode(200); // its key is now cached
        // Deleted and registered again with a new key, as another instance would, without this one knowing.
        QuarkusTransaction.requiringNew().run(() -> Database.em().createNativeQuery(
                "DELETE FROM device WHERE device_id = 'site-7'").executeUpdate());
        Edge after = Edge.register("site-7", fakeEdge.url());

        after.live("line-1", SEQ, 10, 20, 2, 0).then().statusCode(200).body("result", equalTo("recorded"));
        before.live("line-1", SEQ, 20, 30, 3, 0).then().statusCode(401);
        assertThat(Database.count("recorded_batch")).isEqualTo(2);
    }

    @Test
    void anUnknownDeviceIsRefused() {
        Edge edge = Edge.register("site-6", fakeEdge.url());
        Edge.operator().delete("/api/v1/devices/site-6").then().statusCode(204);
        edge.live("line-1", SEQ, 0, 10, 1, 0).then().statusCode(404).body("field", equalTo("deviceId"))
                .body("value", equalTo("site-6"));
        assertThat(Database.count("recorded_batch")).isZero();
    }

    @Test
    void malformedPropertiesAreRefusedNamingTheProperty() {
        Edge edge = Edge.register("site-7", fakeEdge.url());
        assertRefused(edge, Map.of(), "iothub-app-protocolVersion", null, "protocolVersion");
        assertRefused(edge, Map.of("iothub-app-endWindow", "0"), null, null, "startWindow");
        assertRefused(edge, Map.of("iothub-app-endWindow", "abc"), null, null, "endWindow");
        assertRefused(edge, Map.of("iothub-app-indexKind", "weird"), null, null, "indexKind");
        assertRefused(edge, Map.of("iothub-app-eventCount", "3"), null, null, "eventCount");
        assertRefused(edge, Map.of("iothub-app-batchId", "bad id!"), null, null, "batchId");
        assertRefused(edge, Map.of("iothub-messageid", "00000000000000000000000000000000"), null, null,
                "iothub-messageid");
        assertRefused(edge, Map.of(), null, "[{\"index\":\"1\"", "body");
        assertRefused(edge, Map.of(), null, "{\"index\":\"1\"}", "body");
        assertRefused(edge, Map.of(), null, "[{\"index\":\"0\"},{\"index\":\"1\"}] trailing", "body");
        assertRefused(edge, Map.of(), null, "[{\"index\":\"99\"},{\"index\":\"1\"}]", "body[0].index");
        assertThat(Database.count("recorded_batch")).isZero();
        assertThat(Database.count("stream")).isZero();
    }

    @Test
    void anOversizedMessageIs413() {
        Edge edge = Edge.register("site-8", fakeEdge.url());
        byte[] big = new byte[300_000];
        Arrays.fill(big, (byte) ' ');
        big[0] = '[';
        big[big.length - 1] = ']';
        MessageProperties p = MessageProperties.live("line-1", SEQ, new Window(0, 5), 0, 1, 0);
        edge.send(p, big).then().statusCode(413).body("field", equalTo("body")).body("error", notNullValue());
        assertThat(Database.count("recorded_batch")).isZero();
    }

    @Test
    void aStreamCannotChangeItsIndexKind() {
        Edge edge = Edge.register("site-9", fakeEdge.url());
        edge.live("line-1", SEQ, 0, 10, 1, 0).then().statusCode(200);
        long t0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
        edge.live("line-1", IndexKind.TIME, t0, t0 + 1000, 2, t0).then().statusCode(409)
                .body("field", equalTo("indexKind")).body("value", equalTo("time"));
        assertThat(Database.count("recorded_batch")).isEqualTo(1);
    }

    @Test
    void headerNamesMayComeInAnyCase() {
        Edge edge = Edge.register("site-c", fakeEdge.url());
        List<byte[]> events = Edge.events("line-1", SEQ, 0, 3);
        MessageProperties p = MessageProperties.live("line-1", SEQ, new Window(0, 3), events.size(), 1, 0);
        RequestSpecification spec = given().header("Authorization", edge.token());
        HttpHeaderCodec.encode(Envelope.of("site-c", p)).forEach((name, value) -> {
            if (!name.equals(HttpHeaderCodec.CONTENT_TYPE)) {
                spec.header(name.toLowerCase(), value);
            }
        });
        spec.contentType("application/json").body(BatchBody.join(events))
                .post("/api/v1/devices/site-c/messages").then().statusCode(200);
    }

    @Test
    void errorsHaveTheJsonShape() {
        Edge edge = Edge.register("site-e", fakeEdge.url());
        edge.send(MessageProperties.live("line-1", SEQ, new Window(0, 5), 2, 1, 0), "[]".getBytes()).then()
                .statusCode(400)
                .body("error", notNullValue())
                .body("field", equalTo("eventCount"))
                .body("value", equalTo("2"));
        given().contentType("application/json").body("[]").post("/api/v1/devices/bad%20id/messages").then()
                .statusCode(400).body("field", equalTo("deviceId"));
        Edge.operator().get("/api/v1/streams/nobody/nothing").then().statusCode(404).body("value",
                equalTo("nobody/nothing")).body("error", notNullValue()).body("field", equalTo("batchId"));
        Edge.operator().get("/api/v1/devices/nobody").then().statusCode(404).body("field", equalTo("deviceId"))
                .body("value", equalTo("nobody"));
        Edge.operator().get("/api/v1/gaps?state=weird").then().statusCode(400).body("field", equalTo("state"));
        Edge.operator().get("/api/v1/streams").then().statusCode(200).body("streams", hasSize(0))
                .body("count", equalTo(0)).body("nextCursor", nullValue());
    }

    @Test
    void aTimeWindowEndingFarAheadOfTheClockIsRefusedNamingEndWindow() {
        Edge edge = Edge.register("site-f", fakeEdge.url());
        long now = TestClock.CLOCK.millis();
        long start = now - now % Edge.PERIOD_MS;
        // Within the default max-future of a day: an edge whose clock runs ahead is not punished.
        long end = start + Duration.ofHours(23).toMillis();
        edge.send(MessageProperties.live("line-1", IndexKind.TIME, new Window(start, end), 0, 1, start), "[]"
                .getBytes()).then().statusCode(200);
        long far = now + Duration.ofDays(1).toMillis() + 1_000;
        edge.live("line-2", IndexKind.TIME, far - 1_000, far, 1, far - 1_000).then().statusCode(400)
                .body("field", equalTo("endWindow")).body("value", equalTo(IndexKind.TIME.format(far)))
                .body("error", containsString("backfill.ingest.max-future"));
        long year9999 = Instant.parse("9999-12-31T00:00:00Z").toEpochMilli();
        edge.status("line-1", IndexKind.TIME, year9999, year9999 + 1_000, "r-1", BackfillStatus.Outcome.COMPLETED,
                null).then().statusCode(400).body("field", equalTo("endWindow"));
        assertThat(Database.count("recorded_batch")).isEqualTo(1);
        assertThat(Database.count("stream")).isEqualTo(1);
    }

    @Test
    void duplicateProtocolHeadersAreRefusedNamingTheHeader() {
        Edge edge = Edge.register("site-d", fakeEdge.url());
        List<byte[]> events = Edge.events("line-1", SEQ, 0, 2);
        MessageProperties p = MessageProperties.live("line-1", SEQ, new Window(0, 2), events.size(), 1, 0);
        for (String second : List.of("line-2", "line-1")) {
            RequestSpecification spec = given().header("Authorization", edge.token());
            HttpHeaderCodec.encode(Envelope.of(edge.deviceId(), p)).forEach((name, value) -> {
                if (!name.equals(HttpHeaderCodec.CONTENT_TYPE)) {
                    spec.header(name, value);
                }
            });
            // Conflicting or identical: a property is sent once.
            spec.header("iothub-app-batchId", second).contentType("application/json").body(BatchBody.join(events))
                    .post("/api/v1/devices/site-d/messages").then().statusCode(400)
                    .body("field", equalToIgnoringCase("iothub-app-batchId"))
                    .body("error", containsString("more than once"));
        }
        assertThat(Database.count("recorded_batch")).isZero();
    }

    @Test
    void aBodyThatIsNotPlainUtf8IsRefused() {
        Edge edge = Edge.register("site-u", fakeEdge.url());
        String json = new String(BatchBody.join(Edge.events("line-1", SEQ, 0, 2)), StandardCharsets.UTF_8);
        MessageProperties p = MessageProperties.live("line-1", SEQ, new Window(0, 2), 2, 1, 0);
        byte[] utf8Bom = concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, json.getBytes(
                StandardCharsets.UTF_8));
        byte[] utf16Bom = json.getBytes(StandardCharsets.UTF_16); // big-endian with a byte-order mark
        byte[] utf16 = json.getBytes(StandardCharsets.UTF_16LE); // no mark: Jackson would detect it by itself
        byte[] latin1 = "[{\"index\":\"0\",\"v\":\"\u00e9\"},{\"index\":\"1\"}]".getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] body : List.of(utf8Bom, utf16Bom, utf16, latin1)) {
            edge.send(p, body).then().statusCode(400).body("field", equalTo("body"))
                    .body("value", equalTo(body.length + " bytes"));
        }
        edge.send(p, BatchBody.gzip(utf16Bom.clone())).then().statusCode(400).body("field", equalTo("body"));
        assertThat(Database.count("recorded_batch")).isZero();
        edge.send(p, json.getBytes(StandardCharsets.UTF_8)).then().statusCode(200);
    }

    @Test
    void aCharsetOtherThanUtf8Is415() {
        Edge edge = Edge.register("site-cs", fakeEdge.url());
        List<byte[]> events = Edge.events("line-1", SEQ, 0, 2);
        MessageProperties p = MessageProperties.live("line-1", SEQ, new Window(0, 2), events.size(), 1, 0);
        for (String type : List.of("application/json; charset=latin1", "application/json;charset=\"UTF-16\"")) {
            RequestSpecification spec = given().header("Authorization", edge.token());
            HttpHeaderCodec.encode(Envelope.of(edge.deviceId(), p)).forEach((name, value) -> {
                if (!name.equals(HttpHeaderCodec.CONTENT_TYPE)) {
                    spec.header(name, value);
                }
            });
            spec.config(RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                    .appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                    .header("Content-Type", type).body(BatchBody.join(events))
                    .post("/api/v1/devices/site-cs/messages").then().statusCode(415)
                    .body("field", equalTo("Content-Type")).body("value", equalTo(type));
        }
        assertThat(Database.count("recorded_batch")).isZero();
        RequestSpecification spec = given().header("Authorization", edge.token());
        HttpHeaderCodec.encode(Envelope.of(edge.deviceId(), p)).forEach((name, value) -> {
            if (!name.equals(HttpHeaderCodec.CONTENT_TYPE)) {
                spec.header(name, value);
            }
        });
        spec.contentType("application/json; charset=UTF-8").body(BatchBody.join(events))
                .post("/api/v1/devices/site-cs/messages").then().statusCode(200);
    }

    @Test
    void errorBodiesNeverEchoParserInternalsOrPayload() {
        Edge edge = Edge.register("site-p", fakeEdge.url());
        MessageProperties p = MessageProperties.live("line-1", SEQ, new Window(0, 2), 2, 1, 0);
        List<String> bodies = List.of("[{\"index\":\"0\",\"secret\":\"SECRET-PAYLOAD\" nonsense",
                "[\"SECRET-PAYLOAD\", {\"index\":\"1\"}]", "{\"SECRET-PAYLOAD\": 1}",
                "[{\"index\":{\"SECRET-PAYLOAD\":\"" + "x".repeat(5_000) + "\"}},{\"index\":\"1\"}]");
        for (String body : bodies) {
            String answer = edge.send(p, body.getBytes(StandardCharsets.UTF_8)).then().statusCode(400).extract()
                    .asString();
            assertThat(answer).doesNotContain("SECRET-PAYLOAD", "com.fasterxml", "Exception", "Unexpected character",
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
            assertThat(answer.length()).isLessThan(1_500);
        }
        // A property value is named, cut short and without control characters.
        String answer = given().headers(headersWith(edge, p, "iothub-app-endWindow", "9".repeat(3_000)))
                .header("Authorization", edge.token()).contentType("application/json").body("[]")
                .post("/api/v1/devices/site-p/messages").then().statusCode(400).body("field", equalTo("endWindow"))
                .extract().asString();
        assertThat(answer.length()).isLessThan(1_500);
        assertThat(Database.count("recorded_batch")).isZero();
    }

    private static Map<String, String> headersWith(Edge edge, MessageProperties p, String name, String value) {
        Map<String, String> headers = new HashMap<>(HttpHeaderCodec.encode(Envelope.of(edge.deviceId(), p)));
        headers.remove(HttpHeaderCodec.CONTENT_TYPE);
        headers.put(name, value);
        return headers;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Sends a valid batch with some headers replaced or removed (null value) and checks the 400 names it. */
    private static void assertRefused(Edge edge, Map<String, String> replace, String remove, String body,
            String field) {
        List<byte[]> events = Edge.events("line-1", SEQ, 0, 2);
        MessageProperties p = MessageProperties.live("line-1", SEQ, new Window(0, 2), events.size(), 1, 0);
        Map<String, String> headers = new HashMap<>(HttpHeaderCodec.encode(Envelope.of(edge.deviceId(), p)));
        headers.remove(HttpHeaderCodec.CONTENT_TYPE);
        headers.putAll(replace);
        if (remove != null) {
            headers.remove(remove);
        }
        given().headers(headers).header("Authorization", edge.token()).contentType("application/json")
                .body(body == null ? BatchBody.join(events) : body.getBytes())
                .post("/api/v1/devices/{id}/messages", edge.deviceId())
                .then().statusCode(400).body("field", equalTo(field)).body("error", notNullValue());
    }
}
