package com.reliableedge.cloud.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Consistency;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Sends a few thousand random messages, valid and not, from four threads at once, interleaved with scans, then checks
 * that the database is consistent: coverage is the merged union of the recorded windows, every covered index has its
 * event exactly once, gaps are what the rules say, and no request got a 5xx.
 */
@QuarkusTest
class IngestFuzzTest extends ServiceTestBase {

    private static final int MESSAGES = 2400;
    private static final int DOMAIN = 400;
    private static final List<String> STREAMS = List.of("a", "b", "c");

    @Test
    void randomTrafficLeavesTheDatabaseConsistent() throws Exception {
        long seed = new Random().nextLong();
        List<Edge> edges = List.of(Edge.register("fz-1", fakeEdge.url()), Edge.register("fz-2", fakeEdge.url()),
                Edge.register("fz-3", fakeEdge.url()));
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<Sent> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Random random = new Random(seed + t);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < MESSAGES / 4; i++) {
                        Response r = randomMessage(random, edges, sent);
                        int code = r.statusCode();
                        statuses.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
                        assertThat(code).as("seed %d: %s", seed, r.asString()).isLessThan(500);
                        if (code >= 400) {
                            assertThat(r.jsonPath().getString("error")).as("seed %d", seed).isNotBlank();
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 10; i++) {
                advance(java.time.Duration.ofSeconds(10));
                scan();
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses.keySet()).as("seed %d: %s", seed, statuses).contains(200, 400, 401);
        Consistency.check("seed " + seed);
    }

    private static final Map<String, AtomicLong> CURSORS = new ConcurrentHashMap<>();

    record Sent(Edge edge, MessageProperties properties, byte[] body) {
    }

    private static Response randomMessage(Random random, List<Edge> edges, List<Sent> sent) {
        Edge edge = edges.get(random.nextInt(edges.size()));
        String stream = STREAMS.get(random.nextInt(STREAMS.size()));
        int start = random.nextInt(DOMAIN);
        int end = Math.min(DOMAIN + 20, start + 1 + random.nextInt(25));
        int dice = random.nextInt(100);
        if (dice < 10 && !sent.isEmpty()) {
            Sent again = sent.get(random.nextInt(sent.size()));
            return again.edge().send(again.properties(), again.body());
        }
        if (dice < 25) {
            // The common case: the next contiguous live window of the stream (the ingest's fast path).
            AtomicLong cursor = CURSORS.computeIfAbsent(edge.deviceId() + "/" + stream, k -> new AtomicLong(DOMAIN));
            long from = cursor.getAndAdd(5);
            List<byte[]> events = Edge.events(stream, IndexKind.SEQUENCE, from, from + 5);
            return remember(sent, edge, MessageProperties.live(stream, IndexKind.SEQUENCE, new Window(from, from + 5),
                    events.size(), 1 + random.nextInt(1000), 0), BatchBody.join(events));
        }
        if (dice < 45) {
            List<byte[]> events = Edge.events(stream, IndexKind.SEQUENCE, start, end);
            MessageProperties p = MessageProperties.live(stream, IndexKind.SEQUENCE, new Window(start, end),
                    events.size(), 1 + random.nextInt(1000), random.nextInt(start + 1));
            if (random.nextBoolean()) {
                p = p.withBacklogFrom((long) random.nextInt(DOMAIN));
            }
            return remember(sent, edge, p, BatchBody.join(events));
        }
        if (dice < 65) {
            List<byte[]> events = Edge.events(stream, IndexKind.SEQUENCE, start, end);
            MessageProperties p = MessageProperties.backfill(stream, IndexKind.SEQUENCE, new Window(start, end),
                    events.size(), "fuzz-" + random.nextInt(20));
            return remember(sent, edge, p, BatchBody.join(events));
        }
        if (dice < 70) {
            return edge.late(stream, IndexKind.SEQUENCE, List.of((long) start, (long) start), 1 + random.nextInt(3));
        }
        if (dice < 75) {
            BackfillStatus.Outcome outcome = BackfillStatus.Outcome.values()[random.nextInt(3)];
            return edge.status(stream, IndexKind.SEQUENCE, start, end, "fuzz-" + random.nextInt(20), outcome,
                    "fuzz");
        }
        if (dice < 80) {
            long t0 = 1_700_000_000_000L + start;
            List<byte[]> events = Edge.events(stream, IndexKind.TIME, t0, t0 + 1000);
            return edge.send(MessageProperties.live(stream, IndexKind.TIME, new Window(t0, t0 + 1000), events.size(),
                    1, t0), BatchBody.join(events));
        }
        if (dice < 85) {
            return edge.send(MessageProperties.live(stream, IndexKind.SEQUENCE, new Window(start, end), 1, 1, 0),
                    "[{\"index\":\"1\"}".getBytes(), random.nextBoolean() ? edge.token() : "SharedAccessSignature x");
        }
        // Corrupt one header of a valid batch.
        List<byte[]> events = Edge.events(stream, IndexKind.SEQUENCE, start, end);
        MessageProperties p = MessageProperties.live(stream, IndexKind.SEQUENCE, new Window(start, end),
                events.size(), 1, 0);
        Map<String, String> headers = new HashMap<>(HttpHeaderCodec.encode(Envelope.of(edge.deviceId(), p)));
        headers.remove(HttpHeaderCodec.CONTENT_TYPE);
        List<String> names = new ArrayList<>(headers.keySet());
        String victim = names.get(random.nextInt(names.size()));
        switch (random.nextInt(3)) {
            case 0 -> headers.remove(victim);
            case 1 -> headers.put(victim, "");
            default -> headers.put(victim, Integer.toString(random.nextInt(60) - 10));
        }
        RequestSpecification spec = given().headers(headers).header("Authorization", edge.token());
        return spec.contentType("application/json").body(BatchBody.join(events))
                .post("/api/v1/devices/{id}/messages", edge.deviceId());
    }

    private static Response remember(List<Sent> sent, Edge edge, MessageProperties p, byte[] body) {
        Response r = edge.send(p, body);
        if (r.statusCode() == 200) {
            sent.add(new Sent(edge, p, body));
        }
        return r;
    }
}
