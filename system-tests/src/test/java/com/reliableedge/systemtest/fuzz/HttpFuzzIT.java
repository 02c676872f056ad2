package com.reliableedge.systemtest.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.systemtest.harness.RelaySystem;
import com.reliableedge.systemtest.verify.StreamReport;

/**
 * A black-box fuzzer over HTTP against the packaged apps (cloud on H2, edge with the simulator). A fuzz device's
 * streams are seeded with valid batches, then a bounded, time-boxed run sends mutated requests from one seeded PRNG
 * ({@code -Dfuzz.seed}; printed): signed messages with mutated headers, properties, windows, counts, bodies and
 * encodings, unsigned and badly signed ones, operator API calls with bad parameters and bodies, and mutated backfill
 * method calls to the edge, signed with its key.
 * <p>
 * Oracles: no answer in the 5xx range (but 503 with {@code Retry-After}, and the edge's protocol-defined 503 busy),
 * every request answered, both processes alive and ready, no {@code OutOfMemoryError} in their logs. Then "nothing rejected changed any stream": every request
 * the cloud accepted (2xx) is replayed, in order, for a second, fresh device, and each stream of the two devices
 * must be the same: coverage, gaps, lost windows, summary and every event. Which 4xx a refusal gets is not checked.
 * Finally the edge's own streams are still complete in the cloud.
 */
class HttpFuzzIT {

    private static final Path ROOT = Path.of(System.getProperty("relay.root", "..")).toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FUZZ_DEVICE = "fuzz-1";
    private static final String REPLAY_DEVICE = "fuzz-replay";
    private static final int TIMEOUT_MS = 20_000;

    private RelaySystem system;

    /** A stream of the fuzz device and the valid batches sent for it so far. */
    private static final class FuzzStream {
        final String name;
        final IndexKind kind;
        final long origin;
        long cursor;
        long seq;

        FuzzStream(String name, IndexKind kind, long origin) {
            this.name = name;
            this.kind = kind;
            this.origin = origin;
            this.cursor = origin;
        }
    }

    /** What the run saw. */
    private static final class Tally {
        int sent;
        int accepted;
        int rejected;
        int ingest;
        int method;
        int methodAccepted;
        int operator;
        /** 503 answers: the cloud's with Retry-After, the edge's "busy" (PROTOCOL.md section 5). */
        int cloud503;
        int edge503;
        final Map<Integer, Integer> byStatus = new TreeMap<>();
        /** Distinct failures (by kind of request, path and status) with one example each. */
        final Map<String, String> failures = new TreeMap<>();
        int failureCount;

        void fail(String signature, String example) {
            failureCount++;
            failures.putIfAbsent(signature, example);
        }
    }

    @Test
    void nothingRejectedChangesAnyStream() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int maxRequests = Integer.getInteger("fuzz.requests", 3000);
        Duration budget = Duration.ofSeconds(Long.getLong("fuzz.seconds", 60));
        System.out.println("HttpFuzzIT seed " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        Path work = ROOT.resolve("system-tests/target/system-tests/HttpFuzzIT-" + Instant.now().toString()
                .replace(':', '-'));
        // A source keeps limited history, as real ones do: a method call for [0000, 9999) is answered "unavailable"
        // for the part before the horizon instead of replaying two thousand years of simulator events.
        system = RelaySystem.start(RelaySystem.Setup.defaults(ROOT, work).withEdgeConfig(Map.of(
                "relay.source.simulator.history-horizon", "30m")));
        int cloudPort = system.cloud().httpPort();
        ConnectionString fuzz = ConnectionString.parse(system.api().registerDevice(FUZZ_DEVICE, URI.create(
                "http://127.0.0.1:1")));
        ConnectionString edge = ConnectionString.parse(system.connectionString());
        Mutator m = new Mutator(seed);
        long now = System.currentTimeMillis();
        List<FuzzStream> streams = List.of(new FuzzStream("f-seq-1", IndexKind.SEQUENCE, 0),
                new FuzzStream("f-seq-2", IndexKind.SEQUENCE, -1000), new FuzzStream("f-time-1", IndexKind.TIME,
                        now - 3_600_000),
                new FuzzStream("f-time-2", IndexKind.TIME, now - 7_200_000));
        List<RawHttp.Request> acceptedIngest = new ArrayList<>();
        List<RawHttp.Request> validSent = new ArrayList<>();
        Tally t = new Tally();

        // Seed each stream with a few valid batches.
        for (FuzzStream s : streams) {
            for (int i = 0; i < 5; i++) {
                RawHttp.Request r = validLive(m, fuzz, s);
                RawHttp.Response answer = RawHttp.send(cloudPort, r, TIMEOUT_MS);
                assertThat(answer.status()).as("a valid seed batch: %s", answer.bodyText()).isBetween(200, 299);
                s.cursor = endOf(r);
                acceptedIngest.add(r);
                validSent.add(r);
            }
        }

        long deadline = System.nanoTime() + budget.toNanos();
        while (t.sent < maxRequests && System.nanoTime() < deadline) {
            int what = m.nextInt(100);
            if (what < 70) {
                FuzzStream s = m.pick(streams);
                int choice = m.nextInt(10);
                RawHttp.Request valid = switch (choice) {
                    case 0, 1 -> validBackfill(m, fuzz, s);
                    case 2 -> validSent.get(m.nextInt(validSent.size()));
                    default -> validLive(m, fuzz, s);
                };
                boolean mutate = m.chance(0.85);
                RawHttp.Request r = mutate
                        ? m.mutateIngest(valid, fuzz.hostName(), FUZZ_DEVICE, fuzz
                                .sharedAccessKey())
                        : valid;
                RawHttp.Response answer = exchange(cloudPort, r, "ingest", t, true);
                t.ingest++;
                if (answer != null && answer.status() / 100 == 2) {
                    acceptedIngest.add(r);
                    if (!mutate && choice >= 3) { // a new live batch of s went in: the next one follows it
                        s.cursor = Math.max(s.cursor, endOf(r));
                        validSent.add(r);
                    }
                }
            } else if (what < 85) {
                RawHttp.Request r = m.methodCall(edge.hostName(), edge.deviceId(), edge.sharedAccessKey(), system
                        .setup().timeStreams(), system.setup().sequenceStreams());
                RawHttp.Response answer = exchange(system.edge().httpPort(), r, "method", t, false);
                t.method++;
                if (answer != null && answer.status() == 202) {
                    t.methodAccepted++;
                }
            } else {
                RawHttp.Request r = m.operatorCall(system.operatorKey(), FUZZ_DEVICE, streams.stream().map(
                        s -> s.name).toList());
                exchange(cloudPort, r, "operator", t, true);
                t.operator++;
            }
            if (t.sent % 100 == 0 && (!system.cloud().isAlive() || !system.edge().isAlive())) {
                t.fail("process died",
                        "a process died after " + t.sent + " requests (cloud alive: " + system.cloud().isAlive()
                                + ", edge alive: " + system.edge().isAlive() + ")");
                break;
            }
        }
        // Health checks may not see everything (a scanner that runs out of heap answers no request): the logs do.
        for (String app : List.of("cloud-backfill", "edge-relay")) {
            long ooms = Files.readAllLines(work.resolve(app + ".log"), StandardCharsets.ISO_8859_1).stream()
                    .filter(line -> line.contains("OutOfMemoryError")).count();
            if (ooms > 0) {
                t.fail(app + " OutOfMemoryError", app + " logged " + ooms + " lines with OutOfMemoryError");
            }
        }
        assertThat(t.failures).as("oracle failures, %d in all (seed %d; logs in %s)", t.failureCount, seed, work)
                .isEmpty();
        assertThat(system.cloud().isAlive()).as("cloud alive").isTrue();
        assertThat(system.edge().isAlive()).as("edge alive").isTrue();
        system.cloud().awaitReady(Duration.ofSeconds(30));
        system.edge().awaitReady(Duration.ofSeconds(30));

        // Replay what the cloud accepted for a fresh device: the two must end up the same.
        ConnectionString replay = ConnectionString.parse(system.api().registerDevice(REPLAY_DEVICE, URI.create(
                "http://127.0.0.1:1")));
        // -Dfuzz.selfCheck=true leaves the first accepted batch out of the replay: the comparison must then see it.
        boolean selfCheck = Boolean.getBoolean("fuzz.selfCheck");
        for (RawHttp.Request r : selfCheck ? acceptedIngest.subList(1, acceptedIngest.size()) : acceptedIngest) {
            RawHttp.Response answer = RawHttp.send(cloudPort, forDevice(r, replay, true), TIMEOUT_MS);
            if (answer.status() / 100 != 2) {
                // The id we derived read duplicated headers differently from the cloud: derive it the other way.
                answer = RawHttp.send(cloudPort, forDevice(r, replay, false), TIMEOUT_MS);
            }
            assertThat(answer.status()).as("the replay of an accepted request (seed %d): %s", seed, answer
                    .bodyText()).isBetween(200, 299);
        }
        // Let the replayed gaps age past the detection delay and be scanned, as the fuzzed ones were.
        await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> true);
        TreeSet<String> names = new TreeSet<>(streamNames(FUZZ_DEVICE));
        assertThat(streamNames(REPLAY_DEVICE)).as("the streams the accepted requests made (seed %d)", seed)
                .containsExactlyInAnyOrderElementsOf(names);
        int corrupted = 0;
        List<String> differences = new ArrayList<>();
        for (String name : names) {
            JsonNode a = state(FUZZ_DEVICE, name);
            JsonNode b = state(REPLAY_DEVICE, name);
            if (!a.equals(b)) {
                corrupted++;
                differences.add(name + ": fuzzed " + abbreviate(a) + " but accepted-only " + abbreviate(b));
            }
        }

        String summary = String.format("| %d | %d | %d | %d | %d (%d accepted) | %d | %d | %d | %d streams, %d"
                + " corrupted | %s (503: %d cloud with Retry-After, %d edge busy) |%n", seed, t.sent, t.accepted,
                t.rejected, t.method, t.methodAccepted, t.operator,
                t.ingest, acceptedIngest.size(), names.size(), corrupted, t.byStatus, t.cloud503, t.edge503);
        System.out.println("HttpFuzzIT | seed | requests | accepted | rejected | method calls | operator calls | "
                + "ingest | ingest accepted (replayed) | streams compared | by status |");
        System.out.print("HttpFuzzIT " + summary);
        record(summary);
        if (selfCheck) {
            assertThat(differences).as("the oracle sees a batch left out of the replay").isNotEmpty();
            System.out.println("HttpFuzzIT self-check: " + differences.get(0));
            return;
        }
        assertThat(differences).as("streams changed by rejected requests (seed %d)", seed).isEmpty();

        // The edge's own streams, fed through all this, are still complete once its gaps are repaired (the fuzz
        // devices' requests stay pending: their method URL answers nothing).
        await("the edge's streams repaired").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(this::edgeQuiet);
        List<StreamReport> reports = system.completeness();
        System.out.println(StreamReport.table(reports));
        for (StreamReport r : reports) {
            assertThat(r.missing()).as("events missing in %s", r.batchId()).isZero();
            assertThat(r.duplicates()).as("duplicate events served in %s", r.batchId()).isZero();
            assertThat(r.wrong()).as("wrong events in %s", r.batchId()).isZero();
        }
    }

    /** No open gap in the edge's streams and no request in flight for them. */
    private boolean edgeQuiet() throws IOException {
        String device = system.setup().deviceId();
        for (String name : streamNames(device)) {
            if (operatorGet("/api/v1/streams/" + device + "/" + name).path("gaps").size() > 0) {
                return false;
            }
        }
        for (String state : List.of("PENDING", "REQUESTED")) {
            for (JsonNode r : operatorGet("/api/v1/backfills?limit=10000&state=" + state)) {
                if (device.equals(r.path("deviceId").asText())) {
                    return false;
                }
            }
        }
        return streamNames(device).size() == system.setup().timeStreams().size() + system.setup()
                .sequenceStreams().size();
    }

    /** Sends one request and applies the per-request oracles; {@code null} when it got no answer. */
    private RawHttp.Response exchange(int port, RawHttp.Request r, String what, Tally t, boolean cloud) {
        t.sent++;
        RawHttp.Response answer;
        try {
            answer = RawHttp.send(port, r, TIMEOUT_MS);
        } catch (IOException e) {
            t.fail(what + " no answer " + pathOf(r), what + " " + r.method() + " " + abbreviate(r.path())
                    + " got no answer: " + e.getMessage());
            return null;
        }
        t.byStatus.merge(answer.status(), 1, Integer::sum);
        if (answer.status() / 100 == 2) {
            t.accepted++;
        } else {
            t.rejected++;
        }
        if (answer.status() >= 500) {
            boolean allowed = answer.status() == 503 && (!cloud || answer.header("Retry-After") != null);
            if (allowed) {
                if (cloud) {
                    t.cloud503++;
                } else {
                    t.edge503++;
                }
            } else {
                t.fail(what + " " + answer.status() + " " + pathOf(r), what + " " + r.method() + " " + abbreviate(r
                        .path()) + " answered " + answer.status() + ": " + abbreviate(answer.bodyText()));
            }
        }
        return answer;
    }

    private static String pathOf(RawHttp.Request r) {
        int q = r.path().indexOf('?');
        String p = q < 0 ? r.path() : r.path().substring(0, q);
        return r.method() + " " + (p.length() > 60 ? p.substring(0, 60) : p);
    }

    private static RawHttp.Request validLive(Mutator m, ConnectionString device, FuzzStream s) {
        long start = s.cursor + (m.chance(0.1) ? 1 + m.nextInt(s.kind == IndexKind.TIME ? 5_000 : 50) : 0);
        long span = s.kind == IndexKind.TIME ? 200 + m.nextInt(2_000) : 1 + m.nextInt(20);
        Window w = new Window(start, start + span);
        byte[] body = events(m, s.kind, w);
        int count = countOf(body);
        MessageProperties p = MessageProperties.live(s.name, s.kind, w, count, ++s.seq, s.origin);
        return request(m, device, p, body);
    }

    private static RawHttp.Request validBackfill(Mutator m, ConnectionString device, FuzzStream s) {
        long range = Math.max(1, s.cursor - s.origin);
        long start = s.origin + Math.floorMod(m.nextLong(), range);
        long end = Math.min(s.cursor, start + 1 + m.nextInt(s.kind == IndexKind.TIME ? 3_000 : 30));
        if (end <= start) {
            end = start + 1;
        }
        Window w = new Window(start, end);
        byte[] body = events(m, s.kind, w);
        MessageProperties p = MessageProperties.backfill(s.name, s.kind, w, countOf(body), "bf-" + Long
                .toHexString(m.nextLong()));
        return request(m, device, p, body);
    }

    private static RawHttp.Request request(Mutator m, ConnectionString device, MessageProperties p, byte[] body) {
        byte[] sent = body;
        if (m.chance(0.3)) {
            p = p.withContentEncoding(MessageProperties.GZIP);
            sent = BatchBody.gzip(body);
        }
        return Mutator.request(device.hostName(), FUZZ_DEVICE, device.sharedAccessKey(), Envelope.of(FUZZ_DEVICE, p),
                sent);
    }

    /** A few events in index order inside {@code w}, in the simulator's shape. */
    private static byte[] events(Mutator m, IndexKind kind, Window w) {
        int n = m.nextInt(6);
        long span = w.end() - w.start();
        List<Long> indexes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            indexes.add(w.start() + Math.floorMod(m.nextLong(), span));
        }
        indexes.sort(null);
        List<byte[]> out = new ArrayList<>();
        for (long i : indexes) {
            out.add(("{\"index\":\"" + kind.format(i) + "\",\"value\":" + m.nextInt(1000) + ",\"note\":\"é\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return BatchBody.join(out);
    }

    private static int countOf(byte[] body) {
        return JSON.valueToTree(parse(body)).size();
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long endOf(RawHttp.Request r) {
        IndexKind kind = IndexKind.fromWire("indexKind", r.header("iothub-app-indexKind"));
        return kind.parse("endWindow", r.header("iothub-app-endWindow"));
    }

    /** The same request as sent by {@code device}: its path, its signature and its messageIds. */
    private static RawHttp.Request forDevice(RawHttp.Request r, ConnectionString device, boolean firstWins) {
        List<RawHttp.Header> headers = new ArrayList<>();
        for (RawHttp.Header h : r.headers()) {
            if (h.name().equalsIgnoreCase(HttpHeaderCodec.AUTHORIZATION)) {
                headers.add(RawHttp.Header.of(h.name(), Mutator.sign(device.hostName(), device.deviceId(), device
                        .sharedAccessKey())));
            } else {
                headers.add(h);
            }
        }
        RawHttp.Request moved = new RawHttp.Request(r.method(), r.path().replace("/devices/" + FUZZ_DEVICE + "/",
                "/devices/" + device.deviceId() + "/"), headers, r.body());
        return Mutator.withRecomputedId(moved, device.deviceId(), firstWins);
    }

    /** The names of a device's streams, following pages if the list is paged. */
    private List<String> streamNames(String deviceId) throws IOException {
        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = operatorGet("/api/v1/streams?limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
            JsonNode items = page.isArray() ? page : firstArray(page);
            for (JsonNode s : items) {
                if (deviceId.equals(s.path("deviceId").asText())) {
                    names.add(s.path("batchId").asText());
                }
            }
            JsonNode next = page.isObject() ? page.get("nextCursor") : null;
            cursor = next == null || next.isNull()
                    ? null
                    : java.net.URLEncoder.encode(next.asText(),
                            StandardCharsets.UTF_8);
        } while (cursor != null);
        return names;
    }

    private static JsonNode firstArray(JsonNode page) {
        for (JsonNode field : page) {
            if (field.isArray()) {
                return field;
            }
        }
        return JSON.createArrayNode();
    }

    /** A stream's state without what depends on when or for which device: coverage, gaps, lost, events. */
    private JsonNode state(String deviceId, String batchId) throws IOException {
        ObjectNode detail = (ObjectNode) operatorGet("/api/v1/streams/" + deviceId + "/" + batchId);
        JsonNode summary = detail.get("stream");
        if (summary instanceof ObjectNode o) {
            o.remove(List.of("deviceId", "state", "lastLiveAt"));
        }
        for (String list : List.of("gaps", "lost")) {
            for (JsonNode g : detail.path(list)) {
                ((ObjectNode) g).remove(List.of("deviceId", "observedAt", "closedAt", "recordedAt", "requestId"));
            }
        }
        List<JsonNode> events = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = operatorGet("/api/v1/streams/" + deviceId + "/" + batchId + "/events?limit=5000"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.path("events").forEach(events::add);
            JsonNode next = page.get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asText();
        } while (cursor != null);
        detail.set("events", JSON.valueToTree(events));
        return detail;
    }

    private JsonNode operatorGet(String path) throws IOException {
        RawHttp.Response answer = RawHttp.send(system.cloud().httpPort(), new RawHttp.Request("GET", path, List.of(
                RawHttp.Header.of("Authorization", "Bearer " + system.operatorKey()), RawHttp.Header.of("Accept",
                        "application/json")),
                new byte[0]), TIMEOUT_MS);
        if (answer.status() != 200) {
            throw new IOException("GET " + path + " answered " + answer.status() + ": " + answer.bodyText());
        }
        return JSON.readTree(answer.body());
    }

    private static void record(String row) throws IOException {
        Path figures = ROOT.resolve("system-tests/target/reliability/fuzz.md");
        Files.createDirectories(figures.getParent());
        if (!Files.exists(figures)) {
            Files.writeString(figures, "| seed | requests | accepted | rejected | method calls | operator calls | "
                    + "ingest | ingest accepted (replayed) | streams compared | by status |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|\n");
        }
        Files.writeString(figures, row, StandardOpenOption.APPEND);
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }
}
