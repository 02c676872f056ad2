package com.reliableedge.cloud.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.index.IndexKind;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The device registry, the operator key, event paging, health, metrics and the OpenAPI document. */
@QuarkusTest
class OperatorApiTest extends ServiceTestBase {

    @Test
    void everyOperatorEndpointNeedsTheKey() {
        for (String path : List.of("/api/v1/devices", "/api/v1/devices/x", "/api/v1/streams", "/api/v1/streams/a/b",
                "/api/v1/streams/a/b/events", "/api/v1/gaps", "/api/v1/backfills")) {
            given().get(path).then().statusCode(401).body("field", equalTo("Authorization"))
                    .body("error", notNullValue());
            given().header("Authorization", "Bearer wrong").get(path).then().statusCode(401);
        }
        given().contentType("application/json").body(Map.of("deviceId", "d", "methodUrl", "http://127.0.0.1:1"))
                .post("/api/v1/devices").then().statusCode(401);
        given().contentType("application/json").body("{}").post("/api/v1/backfills").then().statusCode(401);
        given().delete("/api/v1/devices/x").then().statusCode(401);
    }

    @Test
    void aDeviceIsRegisteredWithAGeneratedKeyListedAndDeleted() {
        JsonPath created = Edge.operator().contentType("application/json")
                .body(Map.of("deviceId", "reg-1", "methodUrl", fakeEdge.url())).post("/api/v1/devices").then()
                .statusCode(201).extract().jsonPath();
        ConnectionString cs = ConnectionString.parse(created.getString("connectionString"));
        assertThat(cs.hostName()).isEqualTo("127.0.0.1");
        assertThat(cs.deviceId()).isEqualTo("reg-1");
        assertThat(java.util.Base64.getDecoder().decode(cs.sharedAccessKey())).hasSize(32);
        Edge.operator().contentType("application/json").body(Map.of("deviceId", "reg-2", "methodUrl", fakeEdge.url()))
                .post("/api/v1/devices").then().statusCode(201);
        String other = Edge.operator().contentType("application/json")
                .body(Map.of("deviceId", "reg-3", "methodUrl", fakeEdge.url())).post("/api/v1/devices").then()
                .extract().path("connectionString");
        assertThat(ConnectionString.parse(other).sharedAccessKey()).isNotEqualTo(cs.sharedAccessKey());

        Edge.operator().get("/api/v1/devices").then().statusCode(200)
                .body("deviceId", equalTo(List.of("reg-1", "reg-2", "reg-3")))
                .body("streams[0].connectionString", nullValue());
        Edge.operator().get("/api/v1/devices/reg-1").then().statusCode(200).body("methodUrl", equalTo(fakeEdge.url()))
                .body("connectionString", nullValue());
        Edge.operator().contentType("application/json").body(Map.of("deviceId", "reg-1", "methodUrl", fakeEdge.url()))
                .post("/api/v1/devices").then().statusCode(409).body("field", equalTo("deviceId"));
        Edge.operator().delete("/api/v1/devices/reg-1").then().statusCode(204);
        Edge.operator().delete("/api/v1/devices/reg-1").then().statusCode(404);
        Edge.operator().get("/api/v1/devices").then().body("", hasSize(2));
    }

    @Test
    void badRegistrationsAreRefusedNamingTheField() {
        Edge.operator().contentType("application/json").body("{\"deviceId\":").post("/api/v1/devices").then()
                .statusCode(400).body("field", equalTo("body"));
        Edge.operator().contentType("application/json").body("[]").post("/api/v1/devices").then().statusCode(400)
                .body("field", equalTo("body"));
        // Trailing content and oversized bodies are malformed too, as they are for the method payloads.
        Edge.operator().contentType("application/json").body("{\"deviceId\":\"t\",\"methodUrl\":\"" + fakeEdge.url()
                + "\"}garbage").post("/api/v1/devices").then().statusCode(400).body("field", equalTo("body"));
        Edge.operator().contentType("application/json").body("{\"deviceId\":\"" + "x".repeat(20_000) + "\"}")
                .post("/api/v1/devices").then().statusCode(400).body("field", equalTo("body"));
        Edge.operator().contentType("application/json").body(Map.of("methodUrl", fakeEdge.url()))
                .post("/api/v1/devices").then().statusCode(400).body("field", equalTo("deviceId"));
        Edge.operator().contentType("application/json").body(Map.of("deviceId", "bad id", "methodUrl", fakeEdge.url()))
                .post("/api/v1/devices").then().statusCode(400).body("field", equalTo("deviceId"))
                .body("value", equalTo("bad id"));
        Edge.operator().contentType("application/json").body(Map.of("deviceId", "ok", "methodUrl", "ftp://x/y"))
                .post("/api/v1/devices").then().statusCode(400).body("field", equalTo("methodUrl"));
        Edge.operator().contentType("application/json").body(Map.of("deviceId", "ok", "methodUrl", 5))
                .post("/api/v1/devices").then().statusCode(400).body("field", equalTo("methodUrl"));
        // Found by HttpFuzzIT: a URL longer than its column answered 500.
        Edge.operator().contentType("application/json").body(Map.of("deviceId", "ok", "methodUrl",
                "http://127.0.0.1:1/" + "a".repeat(3000))).post("/api/v1/devices").then().statusCode(400)
                .body("field", equalTo("methodUrl"));
        Edge.operator().get("/api/v1/devices").then().body("", hasSize(0));
    }

    @Test
    void aDeviceReachedOverMqttOrIotHubNeedsNoMethodUrl() {
        Edge.operator().contentType("application/json").body("{\"deviceId\":\"mqtt-1\"}").post("/api/v1/devices")
                .then().statusCode(201).body("connectionString", containsString("DeviceId=mqtt-1"))
                .body("methodUrl", nullValue());
        Edge.operator().contentType("application/json").body("{\"deviceId\":\"mqtt-2\",\"methodUrl\":null}")
                .post("/api/v1/devices").then().statusCode(201);
        Edge.operator().get("/api/v1/devices/mqtt-1").then().statusCode(200).body("methodUrl", nullValue());
        // When it is given, it is still checked.
        Edge.operator().contentType("application/json").body("{\"deviceId\":\"mqtt-3\",\"methodUrl\":\"\"}")
                .post("/api/v1/devices").then().statusCode(400).body("field", equalTo("methodUrl"));
    }

    @Test
    void eventsArePagedInIndexOrderEachOnceAcrossOverlappingWindows() {
        Edge edge = Edge.register("ev-1", fakeEdge.url());
        IndexKind seq = IndexKind.SEQUENCE;
        edge.live("s", seq, 0, 10, 1, 0).then().statusCode(200);
        edge.backfill("s", seq, 5, 15, "someone-else").then().statusCode(200);
        edge.live("s", seq, 15, 25, 2, 0).then().statusCode(200);
        edge.backfill("s", seq, 0, 25, "again").then().statusCode(200);
        edge.late("s", seq, List.of(7L), 1).then().statusCode(200);

        JsonPath all = Edge.operator().get("/api/v1/streams/ev-1/s/events?limit=100").then().statusCode(200)
                .extract().jsonPath();
        List<String> indexes = all.getList("events.index");
        assertThat(indexes).hasSize(26);
        assertThat(indexes.stream().filter("7"::equals)).hasSize(2);
        assertThat(indexes.stream().map(Long::parseLong).toList()).isSorted();
        assertThat(all.getString("nextCursor")).isNull();

        StringBuilder paged = new StringBuilder();
        String cursor = null;
        int pages = 0;
        do {
            JsonPath page = Edge.operator().queryParam("limit", 7).queryParam("cursor", cursor == null ? "" : cursor)
                    .get("/api/v1/streams/ev-1/s/events").then().statusCode(200).extract().jsonPath();
            page.getList("events.index").forEach(i -> paged.append(i).append(','));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(4);
        assertThat(paged.toString()).isEqualTo(String.join(",", indexes) + ",");

        Edge.operator().get("/api/v1/streams/ev-1/s/events?from=10&to=12").then().statusCode(200)
                .body("events.index", equalTo(List.of("10", "11")));
        Edge.operator().get("/api/v1/streams/ev-1/s?from=3&to=12").then().statusCode(200)
                .body("coverage[0].startWindow", equalTo("3")).body("coverage[0].endWindow", equalTo("12"));
        Edge.operator().get("/api/v1/streams/ev-1/s/events?from=x").then().statusCode(400)
                .body("field", equalTo("from"));
        Edge.operator().get("/api/v1/streams/ev-1/s/events?limit=0").then().statusCode(400)
                .body("field", equalTo("limit"));
        Edge.operator().get("/api/v1/streams/ev-1/s/events?cursor=zz").then().statusCode(400)
                .body("field", equalTo("cursor"));
    }

    @Test
    void streamsListTheirSummary() {
        Edge edge = Edge.register("sum-1", fakeEdge.url());
        edge.live("s", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", IndexKind.SEQUENCE, 20, 40, 2, 0).then().statusCode(200);
        Edge.operator().get("/api/v1/streams").then().statusCode(200)
                .body("streams[0].deviceId", equalTo("sum-1"))
                .body("streams[0].batchId", equalTo("s"))
                .body("streams[0].indexKind", equalTo("sequence"))
                .body("streams[0].firstStart", equalTo("0"))
                .body("streams[0].lastEnd", equalTo("40"))
                .body("streams[0].coveredFraction", equalTo(0.75f))
                .body("streams[0].openGaps", equalTo(1))
                .body("streams[0].state", equalTo("GAPPED"));
    }

    @Test
    void streamsArePagedByCursor() {
        for (String device : List.of("pg-b", "pg-a")) {
            Edge edge = Edge.register(device, fakeEdge.url());
            for (String stream : List.of("s2", "s1", "s3")) {
                edge.live(stream, IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
            }
        }
        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonPath page = Edge.operator().queryParam("limit", 4).queryParams(cursor == null
                    ? Map.of()
                    : Map.of(
                            "cursor", cursor))
                    .get("/api/v1/streams").then().statusCode(200).extract().jsonPath();
            List<String> keys = page.getList("streams.collect { it.deviceId + '/' + it.batchId }");
            assertThat(page.getInt("count")).isEqualTo(keys.size());
            seen.addAll(keys);
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(2);
        assertThat(seen).containsExactly("pg-a/s1", "pg-a/s2", "pg-a/s3", "pg-b/s1", "pg-b/s2", "pg-b/s3");
        // The default page holds them all and says there is nothing after it.
        Edge.operator().get("/api/v1/streams").then().statusCode(200).body("streams", hasSize(6))
                .body("nextCursor", nullValue()).body("streams[0].coveredFraction", equalTo(1.0f));
    }

    @Test
    void badQueryParametersAre400NamingTheParameter() {
        Edge edge = Edge.register("qp-1", fakeEdge.url());
        edge.live("s", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
        for (String path : List.of("/api/v1/streams", "/api/v1/streams/qp-1/s/events", "/api/v1/gaps",
                "/api/v1/backfills")) {
            for (String limit : List.of("abc", "-1", "0", "100001", "99999999999", "1.5")) {
                Edge.operator().queryParam("limit", limit).get(path).then().statusCode(400)
                        .body("field", equalTo("limit")).body("value", equalTo(limit));
            }
        }
        for (String cursor : List.of("zz", "a/b c", "/", "only-device", "1:-5", "x:1")) {
            String path = cursor.contains(":") ? "/api/v1/streams/qp-1/s/events" : "/api/v1/streams";
            Edge.operator().queryParam("cursor", cursor).get(path).then().statusCode(400)
                    .body("field", equalTo("cursor"));
        }
        Edge.operator().queryParam("from", "yesterday").get("/api/v1/streams/qp-1/s").then().statusCode(400)
                .body("field", equalTo("from"));
        Edge.operator().queryParam("to", "1e3").get("/api/v1/streams/qp-1/s/events").then().statusCode(400)
                .body("field", equalTo("to"));
        Edge.operator().queryParam("state", "nope").get("/api/v1/backfills").then().statusCode(400)
                .body("field", equalTo("state"));
        Edge.operator().queryParam("limit", "5").get("/api/v1/streams").then().statusCode(200)
                .body("streams", hasSize(1));
    }

    @Test
    void readinessIncludesTheDatabase() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")));
    }

    @Test
    void prometheusShowsIngestGapRequestAndRepairMetrics() {
        Edge edge = Edge.register("met-1", fakeEdge.url());
        edge.live("s", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", IndexKind.SEQUENCE, 20, 30, 2, 0).then().statusCode(200);
        edge.backfill("s", IndexKind.SEQUENCE, 10, 20, "x").then().statusCode(200);
        scan();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("backfill_batches_ingested_total", "backfill_batches_duplicated_total",
                "backfill_gaps_opened_total", "backfill_gaps_closed_total", "backfill_repair_latency_seconds_bucket",
                "backfill_requests{state=\"REQUESTED\"}");
        assertThat(value(metrics, "backfill_batches_duplicated_total")).isGreaterThanOrEqualTo(1.0);
        assertThat(value(metrics, "backfill_repair_latency_seconds_count")).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void theOpenApiDocumentAndSwaggerUiAreServed() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.keySet()", hasItem("/api/v1/devices/{deviceId}/messages"))
                .body("paths.keySet()", hasItem("/api/v1/streams/{deviceId}/{batchId}/events"))
                .body("paths.keySet()", hasItem("/api/v1/backfills"))
                .body("paths.keySet()", not(hasItem("/nothing")));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    private static double value(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
