package com.reliableedge.cloud.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.fixtures.KafkaBroker;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.simulator.SimulatorData;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The Kafka ingest benchmark of issue 12 (not a test), beside {@link IngestLoadDriver}: starts an embedded PostgreSQL
 * (same settings), a Kafka broker in this JVM with a topic of 4 partitions, and {@code instances} packaged services
 * built for PostgreSQL in one consumer group. Records are what IoT Hub routing writes (key the device id, the
 * HTTP-named headers, the body): live {@code sequence} batches of 10 events, the streams taken round-robin over
 * {@code devices} devices. Each measured run first tops up a backlog (so the producer does not compete with the
 * services for the two cores during the measurement), then counts the group's committed offsets, which move only
 * after the batches' transactions committed, over {@code seconds}. Usage: {@code KafkaIngestLoadDriver
 * <quarkus-run.jar> [instances] [streams] [seconds per run] [runs] [devices]}; see docs/BENCHMARKS.md.
 */
public final class KafkaIngestLoadDriver {

    private static final String KEY = "bench-operator-key";
    private static final String TOPIC = "device-messages";
    private static final String GROUP = "cloud-backfill";
    private static final int PARTITIONS = 4;

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int streams = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int devices = args.length > 5 ? Integer.parseInt(args[5]) : 64;

        Path work = Files.createTempDirectory("kafka-bench");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setServerConfig("synchronous_commit", System.getProperty("bench.synchronous-commit", "on"))
                .start();
                KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"))) {
            kafka.createTopic(TOPIC, PARTITIONS);
            String jdbc = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
            List<String> flags = new ArrayList<>(List.of("-Xmx1g"));
            String extra = System.getProperty("bench.service-jvm-args", "").trim();
            if (!extra.isEmpty()) {
                flags.addAll(List.of(extra.split("\\s+")));
            }
            List<AppProcess> apps = new ArrayList<>();
            try {
                for (int i = 0; i < instances; i++) {
                    AppProcess app = AppProcess.builder("cloud-backfill-" + i, jar).jvmFlags(flags).config(Map.of(
                            "quarkus.datasource.jdbc.url", jdbc, "quarkus.datasource.username", "postgres",
                            "quarkus.datasource.password", "postgres", "backfill.operator-key", KEY,
                            "backfill.scan-interval", "1s", "backfill.detection-delay", "1h", "quarkus.log.level",
                            "WARN"))
                            .config(Map.of("backfill.ingest.kafka.bootstrap-servers", kafka.bootstrapServers(),
                                    "backfill.ingest.kafka.topic", TOPIC, "backfill.ingest.kafka.group-id", GROUP,
                                    "backfill.ingest.kafka.client-id", "bench-" + i))
                            .log(Path.of("target/bench-kafka-app-" + i + ".log")).build();
                    apps.add(app);
                    // One after the other: the first migrates the schema.
                    app.startAndAwaitReady(Duration.ofSeconds(90));
                }
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String base = apps.get(0).baseUri().toString();
                for (int d = 0; d < devices; d++) {
                    register(http, base, "bench-" + d);
                }
                System.out.printf("%d instance(s) up; %d devices, %d streams, %d partitions%n", instances, devices,
                        streams, PARTITIONS);
                long[] cursors = new long[streams];
                long[] seqs = new long[streams];
                try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers());
                        Admin admin = kafka.adminClient()) {
                    awaitMembers(admin, instances);
                    // Streams exist before the measured runs: a stream's first batch creates it.
                    long begin = System.nanoTime();
                    produce(producer, streams, devices, streams, cursors, seqs);
                    awaitDrained(admin, Duration.ofMinutes(10));
                    double took = (System.nanoTime() - begin) / 1e9;
                    System.out.printf("created %d streams (their first batch each) in %.1f s: %.0f batches/s%n",
                            streams, took, streams / took);
                    int warmUp = Integer.getInteger("bench.warm-up-seconds", 30);
                    double rate = run(admin, producer, streams, devices, warmUp, cursors, seqs, 1_000);
                    System.out.printf("warm-up: %.0f batches/s over %d s%n", rate, warmUp);
                    List<Double> rates = new ArrayList<>();
                    for (int r = 0; r < runs; r++) {
                        rate = run(admin, producer, streams, devices, seconds, cursors, seqs, rate);
                        rates.add(rate);
                        System.out.printf("ingest run %d: %.0f batches/s%n", r + 1, rate);
                    }
                    System.out.printf("KAFKA INGEST median: %.0f batches/s over %d runs of %d s, %d instance(s)%n",
                            median(rates), runs, seconds, instances);
                }
            } finally {
                for (AppProcess app : apps) {
                    app.stop(Duration.ofSeconds(20));
                }
            }
        }
    }

    /**
     * Tops the backlog up to one and a half times what the last rate would take in {@code seconds}, then measures
     * the committed offsets' advance over {@code seconds}.
     */
    private static double run(Admin admin, KafkaProducer<String, byte[]> producer, int streams, int devices,
            int seconds, long[] cursors, long[] seqs, double lastRate) throws Exception {
        long lag = endOffsets(admin) - committed(admin);
        int more = (int) Math.max(2_000, lastRate * seconds * 1.5 - lag);
        produce(producer, more, devices, streams, cursors, seqs);
        long before = committed(admin);
        long begin = System.nanoTime();
        // A measurement window is a fixed stretch of wall time, not a condition to wait for.
        Thread.sleep(seconds * 1000L);
        long after = committed(admin);
        double elapsed = (System.nanoTime() - begin) / 1e9;
        if (endOffsets(admin) == after) {
            System.out.println("  (the backlog ran out: the rate is a lower bound)");
        }
        return (after - before) / elapsed;
    }

    private static void produce(KafkaProducer<String, byte[]> producer, int count, int devices, int streams,
            long[] cursors, long[] seqs) {
        for (int i = 0; i < count; i++) {
            int stream = Math.floorMod(i * 7919, streams);
            String deviceId = "bench-" + (stream % devices);
            long start = cursors[stream];
            cursors[stream] += 10;
            long seq = ++seqs[stream];
            String batchId = "line-" + stream;
            List<byte[]> events = new ArrayList<>(10);
            SimulatorData.forEachIndex(IndexKind.SEQUENCE, 1, new Window(start, start + 10),
                    x -> events.add(SimulatorData.eventJson(IndexKind.SEQUENCE, batchId, x).getBytes(
                            StandardCharsets.UTF_8)));
            MessageProperties p = MessageProperties.live(batchId, IndexKind.SEQUENCE, new Window(start, start + 10),
                    events.size(), seq, 0);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, deviceId, BatchBody.join(events));
            HttpHeaderCodec.encode(Envelope.of(deviceId, p)).forEach((name, value) -> record.headers().add(
                    new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
            producer.send(record);
        }
        producer.flush();
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static void awaitMembers(Admin admin, int instances) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            var group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
            int assigned = group.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
            if (group.members().size() == instances && assigned == PARTITIONS) {
                return;
            }
            // Polling the broker's view of the group: there is nothing to wait on.
            Thread.sleep(200);
        }
        throw new IllegalStateException("the group did not get " + instances + " members with the " + PARTITIONS
                + " partitions");
    }

    private static void awaitDrained(Admin admin, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        long target = endOffsets(admin);
        while (committed(admin) < target) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the group did not consume the backlog within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    private static long committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(TOPIC) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    private static long endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r = admin.listOffsets(latest).all().get();
        return r.values().stream().collect(Collectors.summingLong(ListOffsetsResult.ListOffsetsResultInfo::offset));
    }

    private static void register(HttpClient http, String base, String deviceId) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/devices"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"" + deviceId
                        + "\",\"methodUrl\":\"http://127.0.0.1:1\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("registration failed: " + r.statusCode() + " " + r.body());
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private KafkaIngestLoadDriver() {
    }
}
