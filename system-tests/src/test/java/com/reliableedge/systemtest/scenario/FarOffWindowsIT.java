package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.simulator.SimulatorData;
import com.reliableedge.systemtest.cloud.CloudClient;
import com.reliableedge.systemtest.cloud.PrometheusText;
import com.sun.net.httpserver.HttpServer;

/**
 * The packaged cloud (H2 build, default JVM flags plus {@code -XX:+ExitOnOutOfMemoryError}) under one device that
 * sends far-off windows (a sequence window near 2^62 after [0, 10), a time window in year 9999 after one in 2026) and
 * thousands of new streams with such holes, while another device has an ordinary hole. The ordinary hole must still
 * be requested after the detection delay, ingest and the operator API keep answering, the far-off sequence gap waits
 * for an operator, and the process stays alive with bounded resident memory and no OutOfMemoryError.
 *
 * <p>
 * Holds whether or not ingest limits refuse some of this: the year-9999 batch and the streams past a per-device limit
 * may be refused with a 4xx, or accepted and then harmless; never a 5xx. {@code -Dfaroff.streams} (default 3000)
 * sets how many new streams device A creates, {@code -Dfaroff.max-rss-mb} (default 2048) the bound on VmRSS.
 */
class FarOffWindowsIT {

    private static final Path ROOT = Path.of(System.getProperty("relay.root", "..")).toAbsolutePath().normalize();
    private static final String OPERATOR_KEY = "far-off-operator-key";
    private static final long FAR = 1L << 62;
    private static final int STREAMS = Integer.getInteger("faroff.streams", 3000);
    private static final long MAX_RSS_MB = Long.getLong("faroff.max-rss-mb", 2048);
    private static final int MAX_STREAMS_PER_DEVICE = 1000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ConcurrentLinkedQueue<BackfillRequest> methodCalls = new ConcurrentLinkedQueue<>();
    private AppProcess cloud;
    private HttpServer methods;

    /** A device played by the test: signs each message with its key and posts it over the HTTP binding. */
    private final class Device {
        final String deviceId;
        final ConnectionString connection;

        Device(String deviceId, String connectionString) {
            this.deviceId = deviceId;
            this.connection = ConnectionString.parse(connectionString);
        }

        /** Posts a live batch of the simulator's events in {@code [start, end)}; answers the status code. */
        int live(String batchId, IndexKind kind, long start, long end, long seq, long origin)
                throws IOException, InterruptedException {
            Window window = new Window(start, end);
            List<byte[]> events = new ArrayList<>();
            SimulatorData.forEachIndex(kind, SimulatorData.DEFAULT_PERIOD_MS, window, i -> events.add(SimulatorData
                    .eventJson(kind, batchId, i).getBytes()));
            MessageProperties p = MessageProperties.live(batchId, kind, window, events.size(), seq, origin);
            HttpRequest.Builder request = HttpRequest.newBuilder(cloud.baseUri().resolve("/api/v1/devices/"
                    + deviceId + "/messages")).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(BatchBody.join(events)))
                    .header(HttpHeaderCodec.AUTHORIZATION, SasToken.sign(connection, Instant.now(), Duration
                            .ofHours(1)));
            HttpHeaderCodec.encode(Envelope.of(deviceId, p)).forEach(request::header);
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    @AfterEach
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        if (methods != null) {
            methods.stop(0);
        }
    }

    @Test
    void farOffWindowsAndThousandsOfStreamsDoNotStopAnotherDevicesRepair() throws Exception {
        Path work = ROOT.resolve("system-tests/target/system-tests/FarOffWindowsIT-" + Instant.now().toString()
                .replace(':', '-'));
        startMethodStandIn();
        Path log = work.resolve("cloud-backfill.log");
        // The JVM's default heap, so the resident memory asserted below is what the process needs, not a cap.
        cloud = AppProcess.builder("cloud-backfill", ROOT.resolve("cloud-backfill/target/quarkus-app/quarkus-run.jar"))
                .config(Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + work.resolve("cloud-db/cloud-backfill")
                        + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0",
                        "backfill.operator-key", OPERATOR_KEY,
                        "backfill.detection-delay", "3s",
                        "backfill.scan-interval", "1s",
                        "backfill.stall-after", "10m",
                        "backfill.max-streams-per-device", Integer.toString(MAX_STREAMS_PER_DEVICE)))
                .jvmFlags(List.of()).log(log).build();
        cloud.startAndAwaitReady(Duration.ofSeconds(90));
        CloudClient api = new CloudClient(cloud.baseUri(), OPERATOR_KEY);
        URI methodUrl = URI.create("http://127.0.0.1:" + methods.getAddress().getPort());
        Device a = new Device("far-a", api.registerDevice("far-a", methodUrl));
        Device b = new Device("far-b", api.registerDevice("far-b", methodUrl));

        // Device A: a far-off sequence window, which no plausibility limit catches: it must be accepted.
        assertThat(a.live("far-seq", IndexKind.SEQUENCE, 0, 10, 1, 0)).isEqualTo(200);
        assertThat(a.live("far-seq", IndexKind.SEQUENCE, FAR, FAR + 10, 2, 0)).isEqualTo(200);
        // A time batch in 2026, then one in year 9999: refused by backfill.ingest.max-future.
        long t = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
        assertThat(a.live("far-time", IndexKind.TIME, t, t + 1000, 1, t)).isEqualTo(200);
        long y9999 = Instant.parse("9999-12-31T23:59:58Z").toEpochMilli();
        int farTime = a.live("far-time", IndexKind.TIME, y9999, y9999 + 1000, 2, t);
        assertThat(farTime).as("the year-9999 batch").isEqualTo(400);

        // Device B: an ordinary hole [10, 20).
        assertThat(b.live("hole", IndexKind.SEQUENCE, 0, 10, 1, 0)).isEqualTo(200);
        assertThat(b.live("hole", IndexKind.SEQUENCE, 20, 30, 2, 0)).isEqualTo(200);

        // Device A again: thousands of new streams, each with a far-off hole.
        long started = System.nanoTime();
        int[] answers = manyStreams(a);
        System.out.printf("FarOffWindowsIT: %d new streams in %.1f s: %d accepted, %d refused (4xx), %d other%n",
                STREAMS, (System.nanoTime() - started) / 1e9, answers[0], answers[1], answers[2]);
        assertThat(answers[2]).as("answers other than 200 or 4xx").isZero();
        // Device A has far-seq and far-time already; past the limit every message of a new stream is refused.
        int acceptedStreams = Math.min(STREAMS, MAX_STREAMS_PER_DEVICE - 2);
        assertThat(answers[0]).as("messages accepted").isEqualTo(2 * acceptedStreams);
        assertThat(answers[1]).as("messages refused past the stream limit").isEqualTo(2 * (STREAMS - acceptedStreams));

        // B's hole is requested after the detection delay, through the method stand-in.
        await("B's hole requested").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> methodCalls.stream().anyMatch(c -> c.deviceId().equals("far-b")
                        && c.batchId().equals("hole") && c.startWindow().equals("10") && c.endWindow().equals("20")));

        // Some scans later: nothing of device A was requested, and its far-off sequence gap waits for an operator.
        long scansBefore = scans(api);
        await("three more scans").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> scans(api) >= scansBefore + 3);
        assertThat(methodCalls).noneMatch(c -> c.deviceId().equals("far-a"));
        JsonNode backfills = get(api, "/api/v1/backfills?limit=10000");
        for (JsonNode r : backfills) {
            assertThat(r.path("deviceId").asText()).as("requests of device A").isNotEqualTo("far-a");
        }
        JsonNode farGap = null;
        for (JsonNode g : api.stream("far-a", "far-seq").path("gaps")) {
            farGap = g;
        }
        assertThat(farGap).as("the far-off sequence gap").isNotNull();
        assertThat(farGap.path("startWindow").asText()).isEqualTo("10");
        assertThat(farGap.path("endWindow").asText()).isEqualTo(Long.toString(FAR));
        assertThat(farGap.path("needsOperator").asBoolean()).isTrue();
        assertThat(farGap.path("reason").asText()).contains("auto-request-max-span");

        // Ingest and the operator API keep answering; the process is alive and healthy.
        assertThat(b.live("hole", IndexKind.SEQUENCE, 30, 40, 3, 0)).isEqualTo(200);
        assertThat(get(api, "/api/v1/gaps?limit=10").isArray()).isTrue();
        assertThat(status("/q/health/ready")).isEqualTo(200);
        assertThat(status("/q/health/live")).isEqualTo(200);
        assertThat(cloud.isAlive()).isTrue();
        String logText = Files.readString(log);
        assertThat(logText).doesNotContain("OutOfMemoryError");
        long rssKb = vmRssKb(cloud.pid());
        double streamFailures = PrometheusText.sum(api.metrics(), "backfill_scan_stream_failures_total", "");
        System.out.printf("FarOffWindowsIT: cloud VmRSS %d MB (bound %d MB), scans %d, stream failures %.0f,"
                + " method calls %d%n", rssKb / 1024, MAX_RSS_MB, scans(api), streamFailures, methodCalls.size());
        assertThat(rssKb / 1024).as("resident memory of the cloud, MB").isLessThan(MAX_RSS_MB);
    }

    /** Creates {@link #STREAMS} streams of device A, each [0, 1) then a far-off [2^62, 2^62 + 1): {accepted, 4xx, other}. */
    private int[] manyStreams(Device a) throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                String batchId = "many-" + i;
                sends.add(pool.submit(() -> {
                    for (int status : new int[]{a.live(batchId, IndexKind.SEQUENCE, 0, 1, 1, 0),
                            a.live(batchId, IndexKind.SEQUENCE, FAR, FAR + 1, 2, 0)}) {
                        (status == 200 ? accepted : status >= 400 && status < 500 ? refused : other)
                                .incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> send : sends) {
                send.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new int[]{accepted.get(), refused.get(), other.get()};
    }

    /** A stand-in for the devices' method endpoint: records each request and accepts it (202). */
    private void startMethodStandIn() throws IOException {
        methods = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        methods.createContext("/api/v1/methods/backfill", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            BackfillRequest request = BackfillRequest.fromJson(body);
            methodCalls.add(request);
            byte[] answer = new BackfillResponse(request.requestId(), BackfillResponse.Result.ACCEPTED, null)
                    .toJson();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(202, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        methods.start();
    }

    private long scans(CloudClient api) throws IOException, InterruptedException {
        return (long) PrometheusText.sum(api.metrics(), "backfill_scan_duration_seconds_count", "");
    }

    private JsonNode get(CloudClient api, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(cloud.baseUri().resolve(path))
                .header("Authorization", "Bearer " + OPERATOR_KEY).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    }

    private int status(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(cloud.baseUri().resolve(path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** VmRSS of a process in kB, from /proc/<pid>/status. */
    private static long vmRssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }
}
