package com.reliableedge.cloud.testing;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillStatus;
import com.reliableedge.protocol.simulator.SimulatorData;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Plays an edge relay against the service under test: registers itself, then sends messages over HTTP. */
public final class Edge {

    public static final String OPERATOR_KEY = "test-operator-key";
    public static final long PERIOD_MS = SimulatorData.DEFAULT_PERIOD_MS;

    private final String deviceId;
    private final ConnectionString connection;

    private Edge(String deviceId, ConnectionString connection) {
        this.deviceId = deviceId;
        this.connection = connection;
    }

    /** Registers {@code deviceId} with the operator API. */
    public static Edge register(String deviceId, String methodUrl) {
        String cs = operator().body(Map.of("deviceId", deviceId, "methodUrl", methodUrl)).contentType(ContentType.JSON)
                .post("/api/v1/devices").then().statusCode(201).extract().path("connectionString");
        return new Edge(deviceId, ConnectionString.parse(cs));
    }

    /** Registers {@code deviceId} without a method URL, as a device reached over MQTT or IoT Hub is. */
    public static Edge register(String deviceId) {
        String cs = operator().body(Map.of("deviceId", deviceId)).contentType(ContentType.JSON)
                .post("/api/v1/devices").then().statusCode(201).extract().path("connectionString");
        return new Edge(deviceId, ConnectionString.parse(cs));
    }

    /** A request with the operator's bearer key. */
    public static RequestSpecification operator() {
        return given().header("Authorization", "Bearer " + OPERATOR_KEY);
    }

    public String deviceId() {
        return deviceId;
    }

    public ConnectionString connection() {
        return connection;
    }

    /** A SAS token valid for an hour from the (test) clock's now. */
    public String token() {
        return SasToken.sign(connection, TestClock.CLOCK.instant(), Duration.ofHours(1));
    }

    /** Posts a message with a valid token. */
    public Response send(MessageProperties properties, byte[] body) {
        return send(properties, body, token());
    }

    public Response send(MessageProperties properties, byte[] body, String authorization) {
        RequestSpecification spec = given();
        HttpHeaderCodec.encode(Envelope.of(deviceId, properties)).forEach((name, value) -> {
            if (!name.equals(HttpHeaderCodec.CONTENT_TYPE)) {
                spec.header(name, value);
            }
        });
        if (authorization != null) {
            spec.header("Authorization", authorization);
        }
        return spec.contentType("application/json").body(body).post("/api/v1/devices/{id}/messages", deviceId);
    }

    /** A live batch of the simulator's events in {@code [start, end)}. */
    public Response live(String batchId, IndexKind kind, long start, long end, long seq, long origin) {
        List<byte[]> events = events(batchId, kind, start, end);
        return send(MessageProperties.live(batchId, kind, new Window(start, end), events.size(), seq, origin),
                BatchBody.join(events));
    }

    /** A live batch with {@code backlogFrom}. */
    public Response liveWithBacklog(String batchId, IndexKind kind, long start, long end, long seq, long origin,
            long backlogFrom) {
        List<byte[]> events = events(batchId, kind, start, end);
        return send(MessageProperties.live(batchId, kind, new Window(start, end), events.size(), seq, origin)
                .withBacklogFrom(backlogFrom), BatchBody.join(events));
    }

    /** A backfill batch answering {@code requestId}. */
    public Response backfill(String batchId, IndexKind kind, long start, long end, String requestId) {
        List<byte[]> events = events(batchId, kind, start, end);
        return send(MessageProperties.backfill(batchId, kind, new Window(start, end), events.size(), requestId),
                BatchBody.join(events));
    }

    /** A late batch carrying the events at {@code indexes}. */
    public Response late(String batchId, IndexKind kind, List<Long> indexes, long lateSeq) {
        List<byte[]> events = new ArrayList<>();
        for (long i : indexes) {
            events.add(SimulatorData.eventJson(kind, batchId, i).getBytes());
        }
        long min = indexes.stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = indexes.stream().mapToLong(Long::longValue).max().orElseThrow();
        return send(MessageProperties.late(batchId, kind, new Window(min, max + 1), events.size(), lateSeq),
                BatchBody.join(events));
    }

    /** A backfillStatus for {@code [start, end)} of {@code requestId}. */
    public Response status(String batchId, IndexKind kind, long start, long end, String requestId,
            BackfillStatus.Outcome outcome, String reason) {
        Window w = new Window(start, end);
        return send(MessageProperties.backfillStatus(batchId, kind, w, requestId),
                BackfillStatus.of(requestId, batchId, kind, w, outcome, reason).toJson());
    }

    /** The simulator's events in {@code [start, end)}. */
    public static List<byte[]> events(String batchId, IndexKind kind, long start, long end) {
        List<byte[]> events = new ArrayList<>();
        SimulatorData.forEachIndex(kind, PERIOD_MS, new Window(start, end),
                i -> events.add(SimulatorData.eventJson(kind, batchId, i).getBytes()));
        return events;
    }
}
