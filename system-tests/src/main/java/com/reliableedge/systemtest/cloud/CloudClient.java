package com.reliableedge.systemtest.cloud;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.reliableedge.protocol.index.IndexKind;

/** The cloud-backfill operator API, as a system test or the demo reads it. */
public final class CloudClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String operatorKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public CloudClient(URI base, String operatorKey) {
        this.base = base;
        this.operatorKey = operatorKey;
    }

    /** A stream as {@code GET /api/v1/streams} lists it. */
    public record Stream(String deviceId, String batchId, IndexKind indexKind, String origin, String lastLiveEnd,
            double coveredFraction, int openGaps, String state) {
    }

    /** A gap with its life span; {@code closedAt} is null while open. */
    public record Gap(String batchId, String startWindow, String endWindow, String state, Instant observedAt,
            Instant closedAt) {
    }

    /** One event as the events API serves it. */
    public record Event(long index, JsonNode json) {
    }

    /**
     * Registers a device and answers its connection string; {@code methodUrl} null for a device reached through a
     * broker.
     */
    public String registerDevice(String deviceId, URI methodUrl) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("deviceId", deviceId);
        if (methodUrl != null) {
            body.put("methodUrl", methodUrl.toString());
        }
        JsonNode answer = send("POST", "/api/v1/devices", body.toString(), 201);
        return answer.get("connectionString").asText();
    }

    /** Every stream, following the list's cursor page by page. */
    public List<Stream> streams() throws IOException, InterruptedException {
        List<Stream> out = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = send("GET", "/api/v1/streams?limit=1000" + (cursor == null ? "" : "&cursor=" + enc(cursor)),
                    null, 200);
            for (JsonNode s : page.path("streams")) {
                out.add(new Stream(s.path("deviceId").asText(), s.path("batchId").asText(), IndexKind.fromWire(
                        "indexKind", s.path("indexKind").asText()), text(s, "origin"), text(s, "lastLiveEnd"),
                        s.path("coveredFraction").asDouble(), s.path("openGaps").asInt(), s.path("state").asText()));
            }
            cursor = text(page, "nextCursor");
        } while (cursor != null);
        return out;
    }

    /** The stream's detail: coverage, gaps and lost windows, as JSON. */
    public JsonNode stream(String deviceId, String batchId) throws IOException, InterruptedException {
        return send("GET", "/api/v1/streams/" + enc(deviceId) + "/" + enc(batchId), null, 200);
    }

    /** Every gap the cloud has seen of a device, open or closed. */
    public List<Gap> gaps(String deviceId) throws IOException, InterruptedException {
        List<Gap> out = new ArrayList<>();
        for (String state : List.of("OPEN", "CLOSED", "LOST")) {
            for (JsonNode g : send("GET", "/api/v1/gaps?limit=10000&state=" + state, null, 200)) {
                if (deviceId.equals(g.path("deviceId").asText())) {
                    out.add(new Gap(g.path("batchId").asText(), text(g, "startWindow"), text(g, "endWindow"), text(g,
                            "state"), instant(g, "observedAt"), instant(g, "closedAt")));
                }
            }
        }
        return out;
    }

    /** Backfill requests in {@code state} (all when null), as JSON. */
    public JsonNode backfills(String state) throws IOException, InterruptedException {
        return send("GET", "/api/v1/backfills" + (state == null ? "" : "?state=" + enc(state)), null, 200);
    }

    /** Every event of a stream in {@code [from, to)} (wire forms), following the cursor. */
    public List<Event> events(String deviceId, String batchId, IndexKind kind, String from, String to)
            throws IOException, InterruptedException {
        List<Event> out = new ArrayList<>();
        String cursor = null;
        do {
            String path = "/api/v1/streams/" + enc(deviceId) + "/" + enc(batchId) + "/events?limit=5000&from=" + enc(
                    from) + "&to=" + enc(to) + (cursor == null ? "" : "&cursor=" + enc(cursor));
            JsonNode page = send("GET", path, null, 200);
            for (JsonNode e : page.path("events")) {
                JsonNode index = e.get("index");
                long i = index.isNumber() ? index.asLong() : kind.parseLenient("index", index.asText());
                out.add(new Event(i, e));
            }
            cursor = text(page, "nextCursor");
        } while (cursor != null);
        return out;
    }

    /** The Prometheus text of {@code /q/metrics}. */
    public String metrics() throws IOException, InterruptedException {
        return PrometheusText.scrape(http, base);
    }

    private JsonNode send(String method, String path, String body, int expected) throws IOException,
            InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + operatorKey)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(
                    body));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response
                    .body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String v = text(node, field);
        return v == null ? null : Instant.parse(v);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
