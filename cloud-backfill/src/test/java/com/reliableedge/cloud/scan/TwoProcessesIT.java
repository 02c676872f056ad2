package com.reliableedge.cloud.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.reliableedge.cloud.testing.FakeEdge;
import com.reliableedge.cloud.testing.ProcessApi;
import com.reliableedge.cloud.testing.SentRequests;
import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.method.BackfillStatus;
import com.reliableedge.protocol.simulator.SimulatorData;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two packaged service processes (the PostgreSQL build, {@code target/quarkus-app-postgresql}) against one embedded
 * PostgreSQL, each with its own scheduler, connection pool and database clock. Live traffic with holes and
 * duplicates goes to either process from several threads; the fake edge serves every request through either
 * process. Afterwards no request was sent twice, no two sent windows overlap, and every stream is covered whole with
 * each event served once.
 */
class TwoProcessesIT {

    private static final String OPERATOR_KEY = "two-processes-key";
    private static final IndexKind SEQ = IndexKind.SEQUENCE;
    private static final List<String> STREAMS = List.of("s1", "s2", "s3");
    private static final int WINDOWS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedPostgres postgres;
    private static final List<AppProcess> processes = new ArrayList<>();
    private static final List<String> bases = new ArrayList<>();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Path jar = Path.of("target/quarkus-app-postgresql/quarkus-run.jar");
        assertThat(jar).as("the PostgreSQL build of the service (mvn package)").exists();
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        String jdbc = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        // One after the other: the second finds the schema migrated (Liquibase's lock would also serialize them).
        for (String name : List.of("a", "b")) {
            AppProcess p = AppProcess.builder("cloud-backfill-" + name, jar).config(Map.of(
                    "quarkus.datasource.jdbc.url", jdbc, "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "postgres", "backfill.operator-key", OPERATOR_KEY,
                    "backfill.scan-interval", "1s", "backfill.detection-delay", "2s", "backfill.retry-backoff", "1s",
                    "backfill.invoker.response-timeout", "2s"))
                    .log(Path.of("target/two-processes-" + name + ".log")).build();
            processes.add(p);
            bases.add(p.baseUri().toString());
            p.startAndAwaitReady(Duration.ofSeconds(90));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AppProcess p : processes) {
            p.stop(Duration.ofSeconds(20));
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void twoProcessesNeverSendARequestTwiceAndKeepCoverageWhole() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String context = "seed " + seed;
        ConcurrentLinkedQueue<BackfillRequest> toServe = new ConcurrentLinkedQueue<>();
        List<BackfillRequest> calls = new CopyOnWriteArrayList<>();
        try (FakeEdge edge = new FakeEdge()) {
            edge.answer(r -> {
                calls.add(r);
                toServe.add(r);
                return FakeEdge.Answer.of(BackfillResponse.Result.ACCEPTED, r.requestId());
            });
            ConnectionString device = register("two-1", edge.url());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Callable<Object>> live = new ArrayList<>();
                for (String stream : STREAMS) {
                    for (int w = 0; w < WINDOWS; w++) {
                        long start = w * 5L;
                        long seq = w + 1;
                        if (w > 0 && w < WINDOWS - 2 && random.nextInt(100) < 15) {
                            continue; // lost on the way: a hole
                        }
                        int copies = random.nextInt(100) < 10 ? 2 : 1;
                        for (int c = 0; c < copies; c++) {
                            String base = bases.get(random.nextInt(2));
                            live.add(() -> send(base, device, liveBatch(stream, start, seq)));
                        }
                    }
                }
                for (Future<Object> f : pool.invokeAll(live)) {
                    f.get();
                }
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    List<Callable<Object>> serve = new ArrayList<>();
                    for (BackfillRequest r = toServe.poll(); r != null; r = toServe.poll()) {
                        BackfillRequest request = r;
                        String base = bases.get(random.nextInt(2));
                        String other = bases.get(random.nextInt(2));
                        serve.add(() -> serve(base, other, device, request));
                    }
                    for (Future<Object> f : pool.invokeAll(serve)) {
                        f.get();
                    }
                    return quiet();
                });
            } finally {
                pool.shutdownNow();
            }
        }

        SentRequests.assertSentOnceWithoutOverlap(calls, SEQ, context);
        for (String stream : STREAMS) {
            for (String base : bases) {
                JsonNode detail = json(get(base, "/api/v1/streams/two-1/" + stream));
                assertThat(detail.get("coverage")).as(context).hasSize(1);
                assertThat(detail.get("coverage").get(0).get("startWindow").asText()).isEqualTo("0");
                assertThat(detail.get("coverage").get(0).get("endWindow").asText()).isEqualTo(
                        Long.toString(WINDOWS * 5L));
                assertThat(detail.get("gaps")).isEmpty();
                JsonNode events = json(get(base, "/api/v1/streams/two-1/" + stream + "/events?limit=10000"));
                Set<String> indexes = new HashSet<>();
                events.get("events").forEach(e -> indexes.add(e.get("index").asText()));
                assertThat(events.get("count").asInt()).as(context + ": each event once").isEqualTo(WINDOWS * 5);
                assertThat(indexes).hasSize(WINDOWS * 5);
            }
        }
    }

    private static boolean quiet() throws Exception {
        String base = bases.get(0);
        return json(get(base, "/api/v1/gaps")).isEmpty()
                && json(get(base, "/api/v1/backfills?state=PENDING")).isEmpty()
                && json(get(base, "/api/v1/backfills?state=REQUESTED")).isEmpty();
    }

    private static Object serve(String base, String statusBase, ConnectionString device, BackfillRequest request)
            throws Exception {
        Window w = request.window(SEQ);
        long mid = w.start() + (w.end() - w.start()) / 2;
        List<Window> parts = mid > w.start()
                ? List.of(new Window(mid, w.end()), new Window(w.start(), mid))
                : List.of(w);
        for (Window part : parts) {
            List<byte[]> events = events(request.batchId(), part);
            send(base, device, new Message(MessageProperties.backfill(request.batchId(), SEQ, part, events.size(),
                    request.requestId()), BatchBody.join(events)));
        }
        send(statusBase, device, new Message(MessageProperties.backfillStatus(request.batchId(), SEQ, w,
                request.requestId()),
                BackfillStatus.of(request.requestId(), request.batchId(), SEQ, w,
                        BackfillStatus.Outcome.COMPLETED, null).toJson()));
        return null;
    }

    record Message(MessageProperties properties, byte[] body) {
    }

    private static Message liveBatch(String stream, long start, long seq) {
        Window w = new Window(start, start + 5);
        List<byte[]> events = events(stream, w);
        return new Message(MessageProperties.live(stream, SEQ, w, events.size(), seq, 0), BatchBody.join(events));
    }

    private static List<byte[]> events(String stream, Window w) {
        List<byte[]> events = new ArrayList<>();
        SimulatorData.forEachIndex(SEQ, 1, w, i -> events.add(SimulatorData.eventJson(SEQ, stream, i).getBytes()));
        return events;
    }

    private static Object send(String base, ConnectionString device, Message m) throws Exception {
        ProcessApi.send(base, device, m.properties(), m.body());
        return null;
    }

    private static ConnectionString register(String deviceId, String methodUrl) throws Exception {
        return ProcessApi.register(bases.get(0), OPERATOR_KEY, deviceId, methodUrl);
    }

    private static HttpResponse<String> get(String base, String path) throws IOException, InterruptedException {
        return ProcessApi.get(base, OPERATOR_KEY, path);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
