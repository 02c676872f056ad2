package com.reliableedge.systemtest.fuzz;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;

/**
 * The black-box fuzzer's mutations, driven by one seeded PRNG: every choice comes from it, so a seed replays a run.
 * It starts from a valid, signed message and changes a few things about it: headers, properties, windows, counts,
 * bodies, encodings, signatures. Half the time it recomputes the {@code messageId} after changing properties, so that
 * a mutated message gets past the id check and reaches the deeper ones.
 */
final class Mutator {

    /** Values that parsers tend to get wrong. */
    static final List<String> NASTY = List.of("", " ", "0", "-0", "01", "+1", "-1", "1.0", "1e3", "NaN", "null",
            "true", "TRUE", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "4611686018427387904", "2147483647", "2147483648", "99999999999999999999999",
            "2026-11-26T10:00:00Z", "2026-11-26T10:00:00.000+01:00", "2026-13-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z", "0000-01-01T00:00:00.000Z", "1970-01-01T00:00:00.000Z", "é", "\u0000",
            "line-1", "../../etc", "a".repeat(129), "x".repeat(8000), "%00", "%zz", "sequence", "time", "batch",
            "backfillStatus", "gzip", "GZIP", "deflate", "br", "application/json; charset=latin1",
            "application/json; charset=utf-16", "text/plain", "application/json;charset=UTF-8");

    private final SplittableRandom random;

    Mutator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    long nextLong() {
        return random.nextLong();
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** An authorization value for {@code deviceId} signed with {@code key}, valid for an hour. */
    static String sign(String host, String deviceId, String key) {
        return SasToken.sign(SasToken.deviceResource(host, deviceId), key, Instant.now().plusSeconds(3600));
    }

    /** The request of a message: properties as headers, body, a valid signature. */
    static RawHttp.Request request(String host, String deviceId, String key, Envelope envelope, byte[] body) {
        List<RawHttp.Header> headers = new ArrayList<>();
        HttpHeaderCodec.encode(envelope).forEach((name, value) -> headers.add(RawHttp.Header.of(name, value)));
        headers.add(RawHttp.Header.of(HttpHeaderCodec.AUTHORIZATION, sign(host, deviceId, key)));
        return new RawHttp.Request("POST", "/api/v1/devices/" + deviceId + "/messages", headers, body);
    }

    /**
     * One to three mutations of a valid ingest request. {@code recomputeId} re-derives the messageId from the mutated
     * properties (when they still parse), so that the message reaches the checks after the id.
     */
    RawHttp.Request mutateIngest(RawHttp.Request valid, String host, String deviceId, String key) {
        RawHttp.Request r = valid;
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            r = mutateOnce(r, host, deviceId, key);
        }
        if (chance(0.5)) {
            r = withRecomputedId(r, deviceId);
        }
        return r;
    }

    private RawHttp.Request mutateOnce(RawHttp.Request r, String host, String deviceId, String key) {
        List<RawHttp.Header> h = new ArrayList<>(r.headers());
        byte[] body = r.body();
        String path = r.path();
        String method = r.method();
        switch (random.nextInt(20)) {
            case 0 -> h.remove(random.nextInt(h.size()));
            case 1 -> { // a property's value replaced by a nasty one
                int i = random.nextInt(h.size());
                h.set(i, RawHttp.Header.of(h.get(i).name(), pick(NASTY)));
            }
            case 2 -> { // a conflicting duplicate of a header
                RawHttp.Header d = h.get(random.nextInt(h.size()));
                h.add(random.nextInt(h.size() + 1), RawHttp.Header.of(d.name(), chance(0.5)
                        ? pick(NASTY)
                        : d
                                .text()));
            }
            case 3 -> { // a header name in another case
                int i = random.nextInt(h.size());
                h.set(i, new RawHttp.Header(chance(0.5)
                        ? h.get(i).name().toUpperCase()
                        : h.get(i).name()
                                .toLowerCase(),
                        h.get(i).value()));
            }
            case 4 -> setWindow(h, true); // a far-off or reversed window
            case 5 -> setWindow(h, false);
            case 6 -> set(h, "iothub-app-eventCount", pick(List.of("0", "-1", "2147483647", "1000000", Integer
                    .toString(random.nextInt(20)))));
            case 7 -> body = flipBytes(body);
            case 8 -> body = java.util.Arrays.copyOf(body, random.nextInt(body.length + 1));
            case 9 -> body = pick(List.of("[{\"index\":\"1\",\"x\":\"\u00ff\"}]".getBytes(
                    StandardCharsets.ISO_8859_1),
                    new String(body, StandardCharsets.UTF_8).getBytes(
                            StandardCharsets.UTF_16),
                    "{}".getBytes(StandardCharsets.UTF_8), new byte[0],
                    "[".repeat(5000).getBytes(StandardCharsets.UTF_8), "[1,2,3]".getBytes(StandardCharsets.UTF_8),
                    "null".getBytes(StandardCharsets.UTF_8)));
            case 10 -> { // gzip: real, bogus, or a bomb
                switch (random.nextInt(3)) {
                    case 0 -> body = BatchBody.gzip(body);
                    case 1 -> body = BatchBody.gzip(new byte[(1 + random.nextInt(16)) << 20]);
                    default -> {
                    }
                }
                set(h, HttpHeaderCodec.CONTENT_ENCODING, pick(List.of("gzip", "gzip", "deflate", "GZIP", "br")));
            }
            case 11 -> set(h, HttpHeaderCodec.CONTENT_TYPE, pick(List.of("application/json; charset=latin1",
                    "application/json; charset=utf-16", "text/plain", "application/json;charset=UTF-8",
                    "application/xml", "application/json; charset=\"utf-8\"", "application/json;;")));
            case 12 -> set(h, HttpHeaderCodec.AUTHORIZATION, pick(List.of("", "Bearer x",
                    "SharedAccessSignature sr=x&sig=y&se=1", sign(host, "other-device", key),
                    SasToken.sign(SasToken.deviceResource(host, deviceId), key, Instant.now().minusSeconds(60)),
                    SasToken.sign(SasToken.deviceResource(host, deviceId), "b3RoZXIta2V5LW90aGVyLWtleQ==",
                            Instant.now().plusSeconds(600)))));
            case 13 -> set(h, HttpHeaderCodec.MESSAGE_ID, pick(List.of("", "0".repeat(32), "ABCDEF".repeat(6),
                    "x")));
            case 14 -> path = "/api/v1/devices/" + pick(List.of("other-device", "bad%20id", "a".repeat(200),
                    "fuzz-1/../site-1", "%ff")) + "/messages";
            case 15 -> body = new byte[Envelope.MAX_MESSAGE_BYTES + 1 + random.nextInt(1000)];
            case 16 -> h.add(new RawHttp.Header("iothub-app-" + pick(List.of("batchId", "seq", "note")),
                    new byte[]{(byte) 0xff, (byte) 0xfe, 'x'}));
            case 17 -> set(h, "iothub-app-batchId", pick(List.of("f-seq-" + random.nextInt(50), "f-new-"
                    + random.nextInt(1000), "bad id", "")));
            case 18 -> set(h, "iothub-app-" + pick(List.of("isBackfill", "isLate", "messageType", "indexKind",
                    "protocolVersion", "seq", "streamOrigin", "backlogFrom", "lateSeq", "backfillRequestId")),
                    pick(NASTY));
            default -> method = pick(List.of("GET", "PUT", "DELETE", "PATCH"));
        }
        return new RawHttp.Request(method, path, h, body);
    }

    private void setWindow(List<RawHttp.Header> h, boolean farOff) {
        String kind = valueOf(h, "iothub-app-indexKind");
        boolean time = "time".equals(kind);
        String start = valueOf(h, "iothub-app-startWindow");
        if (start == null) { // removed by an earlier mutation
            start = time ? "2026-01-01T00:00:00.000Z" : "0";
        }
        String end;
        if (farOff) {
            end = time ? "9999-12-31T23:59:59.999Z" : "4611686018427387904";
            start = time
                    ? pick(List.of("9999-01-01T00:00:00.000Z", "2030-01-01T00:00:00.000Z"))
                    : pick(List.of(
                            "4611686018427387000", "1000000000"));
        } else {
            end = start; // empty window
            if (chance(0.5)) {
                end = time ? "2000-01-01T00:00:00.000Z" : "-5";
            }
        }
        set(h, "iothub-app-startWindow", start);
        set(h, "iothub-app-endWindow", end);
    }

    private byte[] flipBytes(byte[] body) {
        if (body.length == 0) {
            return new byte[]{(byte) random.nextInt(256)};
        }
        byte[] b = body.clone();
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
    }

    private static void set(List<RawHttp.Header> h, String name, String value) {
        h.removeIf(x -> x.name().equalsIgnoreCase(name));
        h.add(RawHttp.Header.of(name, value));
    }

    private static String valueOf(List<RawHttp.Header> h, String name) {
        for (RawHttp.Header x : h) {
            if (x.name().equalsIgnoreCase(name)) {
                return x.text();
            }
        }
        return null;
    }

    /**
     * The request with every {@code iothub-messageid} header replaced by the id its properties give for
     * {@code deviceId}; unchanged when the properties do not parse (the cloud will refuse it anyway).
     */
    static RawHttp.Request withRecomputedId(RawHttp.Request r, String deviceId) {
        return withRecomputedId(r, deviceId, true);
    }

    /** As above, reading a duplicated header's first value or, with {@code firstWins} false, its last. */
    static RawHttp.Request withRecomputedId(RawHttp.Request r, String deviceId, boolean firstWins) {
        Map<String, String> first = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (RawHttp.Header h : r.headers()) {
            if (firstWins) {
                first.putIfAbsent(h.name(), h.text());
            } else {
                first.put(h.name(), h.text());
            }
        }
        String id;
        try {
            Map<String, String> canonical = new LinkedHashMap<>();
            first.forEach(canonical::put);
            canonical.put(HttpHeaderCodec.MESSAGE_ID, "0".repeat(32));
            id = HttpHeaderCodec.decode(canonical).properties().messageId(deviceId);
        } catch (RuntimeException e) {
            return r;
        }
        List<RawHttp.Header> h = new ArrayList<>();
        boolean had = false;
        for (RawHttp.Header x : r.headers()) {
            if (x.name().equalsIgnoreCase(HttpHeaderCodec.MESSAGE_ID)) {
                h.add(RawHttp.Header.of(x.name(), id));
                had = true;
            } else {
                h.add(x);
            }
        }
        if (!had) {
            h.add(RawHttp.Header.of(HttpHeaderCodec.MESSAGE_ID, id));
        }
        return r.withHeaders(h);
    }

    /**
     * A backfill method call to the edge: a valid request for one of its streams over a recent window, then mutated
     * (windows wide, reversed or malformed, other devices and streams, wrong types, garbage JSON), and signed with
     * the device key, or not.
     */
    RawHttp.Request methodCall(String host, String deviceId, String key, List<String> timeStreams,
            List<String> sequenceStreams) {
        boolean time = chance(0.6);
        String stream = time ? pick(timeStreams) : pick(sequenceStreams);
        long now = System.currentTimeMillis();
        String start;
        String end;
        if (time) {
            long s = now - 60_000 - random.nextInt(60_000);
            start = IndexKind.TIME.format(s);
            end = IndexKind.TIME.format(s + 1 + random.nextInt(30_000));
        } else {
            long s = random.nextInt(200);
            start = Long.toString(s);
            end = Long.toString(s + 1 + random.nextInt(100));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("requestId", "fz-" + Long.toHexString(random.nextLong()));
        fields.put("deviceId", deviceId);
        fields.put("batchId", stream);
        fields.put("startWindow", start);
        fields.put("endWindow", end);
        fields.put("attempt", 1);
        int mutations = random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            String field = pick(List.copyOf(fields.keySet()));
            switch (random.nextInt(6)) {
                case 0 -> fields.remove(field);
                case 1 -> fields.put(field, pick(NASTY));
                case 2 -> fields.put(field, pick(List.of(0, -1, 2147483647, 1.5, true, List.of(), Map.of())));
                case 3 -> {
                    fields.put("startWindow", time
                            ? pick(List.of("0000-01-01T00:00:00.000Z",
                                    "1970-01-01T00:00:00.000Z"))
                            : pick(List.of("0", "-9223372036854775808")));
                    fields.put("endWindow", time ? "9999-12-31T23:59:59.999Z" : "9223372036854775807");
                }
                case 4 -> fields.put("deviceId", pick(List.of("other-device", "fuzz-1", "")));
                default -> fields.put("batchId", pick(List.of("no-such-stream", "line-9", "bad id")));
            }
        }
        byte[] body = Json.write(fields);
        switch (random.nextInt(12)) {
            case 0 -> body = flipBytes(body);
            case 1 -> body = java.util.Arrays.copyOf(body, random.nextInt(body.length + 1));
            case 2 -> body = ("{\"requestId\":\"" + "a".repeat(200_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 3 -> body = pick(List.of("[]", "null", "{}", "{\"a\":1} x", "\ufeff{}")).getBytes(
                    StandardCharsets.UTF_8);
            default -> {
            }
        }
        List<RawHttp.Header> headers = new ArrayList<>();
        headers.add(RawHttp.Header.of(HttpHeaderCodec.CONTENT_TYPE, "application/json"));
        switch (random.nextInt(10)) {
            case 0 -> {
            }
            case 1 -> headers.add(RawHttp.Header.of(HttpHeaderCodec.AUTHORIZATION, "SharedAccessSignature x"));
            case 2 -> headers.add(RawHttp.Header.of(HttpHeaderCodec.AUTHORIZATION, sign(host, "other-device",
                    key)));
            default -> headers.add(RawHttp.Header.of(HttpHeaderCodec.AUTHORIZATION, sign(host, deviceId, key)));
        }
        return new RawHttp.Request("POST", "/api/v1/methods/backfill", headers, body);
    }

    /** An operator API call with bad query parameters or bodies (never one that deletes or re-keys a device). */
    RawHttp.Request operatorCall(String operatorKey, String deviceId, List<String> streams) {
        String stream = pick(streams);
        String q = pick(NASTY).replace(" ", "%20").replace("\u0000", "%00");
        String path = switch (random.nextInt(9)) {
            case 0 -> "/api/v1/streams?limit=" + q + "&cursor=" + pick(List.of("abc", "1:2", ":", "%ff", q));
            case 1 -> "/api/v1/streams/" + deviceId + "/" + stream + "?from=" + q + "&to=" + pick(NASTY).replace(" ",
                    "%20");
            case 2 -> "/api/v1/streams/" + deviceId + "/" + stream + "/events?limit=" + q + "&cursor=" + pick(List
                    .of("x", "1:", ":1", "9:9", "-1:-1", q));
            case 3 -> "/api/v1/gaps?state=" + q + "&limit=" + pick(List.of("abc", "-1", "0", "10001", "5"));
            case 4 -> "/api/v1/backfills?state=" + q + "&limit=" + pick(List.of("abc", "-1", "0", "10001", "5"));
            case 5 -> "/api/v1/devices/" + pick(List.of("no-such", "%ff", "a".repeat(300), q));
            case 6 -> "/api/v1/streams/" + pick(List.of("%ff", "a".repeat(300), "x")) + "/" + q;
            case 7, 8 -> null;
            default -> throw new IllegalStateException();
        };
        List<RawHttp.Header> headers = new ArrayList<>();
        if (chance(0.9)) {
            headers.add(RawHttp.Header.of("Authorization", chance(0.9) ? "Bearer " + operatorKey : "Bearer x"));
        }
        headers.add(RawHttp.Header.of("Accept", "application/json"));
        if (path != null) {
            return new RawHttp.Request("GET", path, headers, new byte[0]);
        }
        // A body for POST /api/v1/devices (never an existing device: that would re-key it) or /api/v1/backfills.
        headers.add(RawHttp.Header.of(HttpHeaderCodec.CONTENT_TYPE, "application/json"));
        boolean devices = chance(0.5);
        Map<String, Object> fields = new LinkedHashMap<>();
        if (devices) {
            fields.put("deviceId", "zz-" + random.nextInt(1_000_000));
            fields.put("methodUrl", pick(List.of("http://127.0.0.1:1", "ftp://x", "", "not a url",
                    "http://127.0.0.1:1/" + "a".repeat(3000))));
        } else {
            fields.put("deviceId", deviceId);
            fields.put("batchId", stream);
            fields.put("startWindow", pick(NASTY));
            fields.put("endWindow", pick(NASTY));
            if (chance(0.1)) { // the widest window an operator can ask for (issue 9's far-off gap, by hand)
                boolean time = stream.contains("time");
                fields.put("startWindow", time ? "0000-01-01T00:00:00.000Z" : "-9223372036854775808");
                fields.put("endWindow", time ? "9999-12-31T23:59:59.999Z" : "9223372036854775807");
            }
        }
        if (chance(0.3)) {
            fields.put(pick(List.copyOf(fields.keySet())), pick(List.of(1, true, List.of(), "")));
        }
        byte[] body = chance(0.2) ? flipBytes(Json.write(fields)) : Json.write(fields);
        return new RawHttp.Request("POST", devices ? "/api/v1/devices" : "/api/v1/backfills", headers, body);
    }
}
