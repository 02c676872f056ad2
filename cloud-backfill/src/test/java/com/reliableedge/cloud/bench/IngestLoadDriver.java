package com.reliableedge.cloud.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.simulator.SimulatorData;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The cloud-backfill benchmark of issue 4 (not a test): starts an embedded PostgreSQL and the packaged service built
 * for PostgreSQL, then (1) ingests live batches for many streams over HTTP from many threads and reports batches per
 * second, and (2) with a given number of recorded batches and open gaps in the database, reports how long scans
 * take (the service's {@code backfill_scan_duration_seconds}). Usage: {@code IngestLoadDriver <quarkus-run.jar>
 * [streams] [seconds per run] [runs] [threads] [recorded batches] [open gaps]}; see docs/BENCHMARKS.md.
 */
public final class IngestLoadDriver {

    private static final String KEY = "bench-operator-key";

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int streams = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        int recorded = args.length > 5 ? Integer.parseInt(args[5]) : 1_000_000;
        int gaps = args.length > 6 ? Integer.parseInt(args[6]) : 1_000;
        int devices = Math.max(1, streams / 1000);

        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                // PostgreSQL's default, which the embedded builder turns off: an acknowledged batch is on disk.
                .setServerConfig("synchronous_commit", System.getProperty("bench.synchronous-commit", "on"))
                .start()) {
            String jdbc = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
            // The full JIT and a 1 GB heap, not the tests' small footprint: this measures throughput.
            List<String> flags = new ArrayList<>(List.of("-Xmx1g"));
            // Extra JVM options for the service, e.g. a flight recording: -Dbench.service-jvm-args="-XX:..."
            String extra = System.getProperty("bench.service-jvm-args", "").trim();
            if (!extra.isEmpty()) {
                flags.addAll(List.of(extra.split("\\s+")));
            }
            AppProcess app = AppProcess.builder("cloud-backfill", jar).jvmFlags(flags).config(Map.of(
                    "quarkus.datasource.jdbc.url", jdbc, "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "postgres", "backfill.operator-key", KEY,
                    "backfill.scan-interval", "1s", "backfill.detection-delay", "1h", "quarkus.log.level", "WARN"))
                    .log(Path.of("target/bench-app.log")).build();
            try {
                app.startAndAwaitReady(Duration.ofSeconds(60));
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String base = app.baseUri().toString();
                List<ConnectionString> connections = new ArrayList<>();
                for (int d = 0; d < devices; d++) {
                    connections.add(register(http, base, "bench-" + d));
                }
                System.out.printf("service up; %d devices, %d streams, %d threads%n", devices, streams, threads);
                List<Double> rates = new ArrayList<>();
                AtomicLongArray cursors = new AtomicLongArray(streams);
                AtomicLongArray seqs = new AtomicLongArray(streams);
                // Streams exist before the measured runs: a stream's first batch creates it, a rarer, slower path.
                createStreams(base, connections, streams, threads, cursors, seqs);
                // Warm-up: the JIT compiles the common path during the first tens of seconds under load.
                int warmUp = Integer.getInteger("bench.warm-up-seconds", 30);
                System.out.printf("warm-up: %.0f batches/s over %d s%n", ingest(base, connections, streams, threads,
                        warmUp, cursors, seqs), warmUp);
                for (int r = 0; r < runs; r++) {
                    double rate = ingest(base, connections, streams, threads, seconds, cursors, seqs);
                    rates.add(rate);
                    double groups = metric(http, base, "backfill_ingest_group_size_count");
                    double grouped = metric(http, base, "backfill_ingest_group_size_sum");
                    System.out.printf("ingest run %d: %.0f batches/s (so far %.1f messages per group commit)%n",
                            r + 1, rate, groups == 0 ? 0 : grouped / groups);
                }
                System.out.printf("INGEST median: %.0f batches/s over %d runs of %d s%n", median(rates), runs,
                        seconds);

                seed(jdbc, recorded, gaps);
                List<Double> scans = new ArrayList<>();
                // Measurement windows are fixed stretches of wall time, not conditions to wait for.
                Thread.sleep(5_000); // the first scans plan and send the requests for the new gaps
                for (int r = 0; r < runs; r++) {
                    double before = metric(http, base, "backfill_scan_duration_seconds_sum");
                    double countBefore = metric(http, base, "backfill_scan_duration_seconds_count");
                    Thread.sleep(seconds * 1000L);
                    double took = metric(http, base, "backfill_scan_duration_seconds_sum") - before;
                    double count = metric(http, base, "backfill_scan_duration_seconds_count") - countBefore;
                    double mean = count == 0 ? Double.NaN : took / count * 1000;
                    scans.add(mean);
                    System.out.printf("scan run %d: %.0f scans, mean %.1f ms%n", r + 1, count, mean);
                }
                System.out.printf("SCAN median of run means: %.1f ms with %d recorded batches and %d open gaps%n",
                        median(scans), recorded, gaps);
            } finally {
                app.stop(Duration.ofSeconds(20));
            }
        }
    }

    private static double ingest(String base, List<ConnectionString> connections, int streams, int threads,
            int seconds, AtomicLongArray cursors, AtomicLongArray seqs) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Instant tokenNow = Instant.now();
        List<String> tokens = connections.stream().map(c -> SasToken.sign(c, tokenNow, Duration.ofHours(2))).toList();
        URI uri = URI.create(base);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int offset = t;
            pool.submit(() -> {
                int i = offset;
                // A bare HTTP/1.1 keep-alive connection per thread: the client must cost little next to the service,
                // as all of them share the machine's two cores.
                try (LeanHttpClient client = new LeanHttpClient(uri.getHost(), uri.getPort())) {
                    while (!stop.get()) {
                        int stream = Math.floorMod(i * 7919, streams);
                        i += threads;
                        int status = sendNext(client, connections, tokens, stream, cursors, seqs);
                        (status == 200 ? done : failed).incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    System.out.println("  client thread stopped: " + e);
                }
                return null;
            });
        }
        long begin = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long count = done.get();
        double elapsed = (System.nanoTime() - begin) / 1e9;
        stop.set(true);
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        if (failed.get() > 0) {
            System.out.printf("  (%d requests failed)%n", failed.get());
        }
        return count / elapsed;
    }

    /** Sends the next live batch of 10 events of one stream; returns the HTTP status. */
    private static int sendNext(LeanHttpClient client, List<ConnectionString> connections, List<String> tokens,
            int stream, AtomicLongArray cursors, AtomicLongArray seqs) throws Exception {
        int device = stream % connections.size();
        String deviceId = connections.get(device).deviceId();
        long start = cursors.getAndAdd(stream, 10);
        long seq = seqs.incrementAndGet(stream);
        String batchId = "line-" + stream;
        List<byte[]> events = new ArrayList<>(10);
        SimulatorData.forEachIndex(IndexKind.SEQUENCE, 1, new Window(start, start + 10),
                x -> events.add(SimulatorData.eventJson(IndexKind.SEQUENCE, batchId, x).getBytes()));
        MessageProperties p = MessageProperties.live(batchId, IndexKind.SEQUENCE, new Window(start, start + 10),
                events.size(), seq, 0);
        Map<String, String> headers = new LinkedHashMap<>(HttpHeaderCodec.encode(Envelope.of(deviceId, p)));
        headers.put("Authorization", tokens.get(device));
        return client.post("/api/v1/devices/" + deviceId + "/messages", headers, BatchBody.join(events));
    }

    /** Sends the first batch of every stream (which creates it), from {@code threads} threads. */
    private static void createStreams(String base, List<ConnectionString> connections, int streams, int threads,
            AtomicLongArray cursors, AtomicLongArray seqs) throws Exception {
        Instant tokenNow = Instant.now();
        List<String> tokens = connections.stream().map(c -> SasToken.sign(c, tokenNow, Duration.ofHours(2))).toList();
        URI uri = URI.create(base);
        AtomicLong failed = new AtomicLong();
        long begin = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int offset = t;
            pool.submit(() -> {
                try (LeanHttpClient client = new LeanHttpClient(uri.getHost(), uri.getPort())) {
                    for (int stream = offset; stream < streams; stream += threads) {
                        if (sendNext(client, connections, tokens, stream, cursors, seqs) != 200) {
                            failed.incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        double took = (System.nanoTime() - begin) / 1e9;
        System.out.printf("created %d streams (their first batch each) in %.1f s: %.0f batches/s, %d failed%n",
                streams, took, streams / took, failed.get());
    }

    /** Adds recorded batches and open, old (eligible) gaps straight into the database. */
    private static void seed(String jdbc, int recorded, int gaps) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
            c.setAutoCommit(false);
            long streamId;
            try (Statement s = c.createStatement()) {
                var rs = s.executeQuery("SELECT MIN(id) FROM stream");
                rs.next();
                streamId = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO recorded_batch (id, stream_id, message_id,"
                    + " batch_kind, start_index, end_index, event_count, stored_events, recorded_at)"
                    + " VALUES (?, ?, ?, 'LIVE', ?, ?, 0, 0, 0)")) {
                for (int i = 0; i < recorded; i++) {
                    ps.setLong(1, 1_000_000_000L + i);
                    ps.setLong(2, streamId);
                    ps.setString(3, String.format("%032x", 1_000_000_000L + i));
                    ps.setLong(4, -1_000_000_000L + i * 10L);
                    ps.setLong(5, -1_000_000_000L + i * 10L + 10);
                    ps.addBatch();
                    if (i % 10_000 == 9_999) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO gap (id, stream_id, start_index, end_index,"
                    + " state, observed_at) SELECT ?, id, ?, ?, 'OPEN', 0 FROM stream ORDER BY id LIMIT 1 OFFSET ?")) {
                for (int g = 0; g < gaps; g++) {
                    ps.setLong(1, 2_000_000_000L + g);
                    ps.setLong(2, -5_000_000_000L - g * 100L);
                    ps.setLong(3, -5_000_000_000L - g * 100L + 50);
                    ps.setInt(4, g);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
        }
        System.out.printf("seeded %d recorded batches and %d open gaps in %.0f s%n", recorded, gaps,
                (System.nanoTime() - t0) / 1e9);
    }

    private static ConnectionString register(HttpClient http, String base, String deviceId) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/devices"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"" + deviceId
                        + "\",\"methodUrl\":\"http://127.0.0.1:1\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"connectionString\":\"([^\"]+)\"").matcher(r.body());
        if (r.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("registration failed: " + r.statusCode() + " " + r.body());
        }
        return ConnectionString.parse(m.group(1));
    }

    private static double metric(HttpClient http, String base, String name) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private IngestLoadDriver() {
    }
}
