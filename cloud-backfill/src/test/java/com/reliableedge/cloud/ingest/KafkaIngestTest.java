package com.reliableedge.cloud.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.cloud.health.DatabaseWritableCheck;
import com.reliableedge.cloud.security.DeviceAuthenticator;
import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.KafkaBrokerResource;
import com.reliableedge.cloud.testing.KafkaProfile;
import com.reliableedge.cloud.testing.KafkaPublisher;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.fixtures.KafkaBroker;
import com.reliableedge.fixtures.TestPki;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * Kafka ingest against a real broker (in process, a topic of 4 partitions): records are recorded once through the
 * same ingest path as HTTP and their offsets committed; an offset is committed only after the record's transaction
 * committed (a database fault leaves it, and the record comes again); a record that can never be ingested is counted
 * and skipped and the next record of its partition lands; two members of one group split the partitions and a
 * rebalance loses nothing.
 */
@QuarkusTest
@TestProfile(KafkaProfile.class)
class KafkaIngestTest extends ServiceTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KafkaIngest ingest;

    @Inject
    MessageIntake intake;

    @Inject
    DeviceAuthenticator devices;

    @Inject
    @Readiness
    DatabaseWritableCheck writable;

    @Inject
    MeterRegistry registry;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void serviceHoldsEveryPartition() {
        await().atMost(WAIT).until(() -> ingest.state().ready() && ingest.state()
                .assignedPartitions() == KafkaBrokerResource.PARTITIONS);
    }

    private static KafkaPublisher publisher() {
        return new KafkaPublisher(KafkaBrokerResource.broker().bootstrapServers(), KafkaBrokerResource.TOPIC);
    }

    /** The group's committed offset of {@code partition}, or -1. */
    private static long committedOffset(int partition) throws Exception {
        try (Admin admin = KafkaBrokerResource.broker().adminClient()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(KafkaBrokerResource.GROUP)
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = offsets.get(new TopicPartition(KafkaBrokerResource.TOPIC, partition));
            return o == null ? -1 : o.offset();
        }
    }

    @Test
    void recordsAreRecordedOnceTheirOffsetsCommittedAndReadinessShowsTheGroup() throws Exception {
        Edge.register("ka-1");
        KafkaPublisher.Sent first;
        KafkaPublisher.Sent last;
        try (KafkaPublisher kafka = publisher()) {
            first = kafka.live(null, "ka-1", "line-1", 0, 10, 1);
            kafka.live(null, "ka-1", "line-1", 10, 20, 2);
            // Sent again, as a router does after a lost acknowledgement.
            last = kafka.live(null, "ka-1", "line-1", 0, 10, 1);
        }
        int partition = last.partition();
        long end = last.offset() + 1;
        await().atMost(WAIT).until(() -> committedOffset(partition) == end);
        assertThat(Database.count("recorded_batch", "message_id = '" + first.messageId() + "'")).isEqualTo(1);
        assertThat(Database.count("recorded_batch")).isEqualTo(2);
        assertThat(Database.count("stream_event")).isEqualTo(20);
        Edge.operator().get("/api/v1/streams/ka-1/line-1").then().statusCode(200)
                .body("coverage[0].startWindow", org.hamcrest.Matchers.equalTo("0"))
                .body("coverage[0].endWindow", org.hamcrest.Matchers.equalTo("20"));

        JsonPath health = given().get("/q/health/ready").then().extract().jsonPath();
        assertThat(health.getString("checks.find { it.name == 'kafka-ingest' }.status")).isEqualTo("UP");
        assertThat(health.getInt("checks.find { it.name == 'kafka-ingest' }.data.assignedPartitions")).isEqualTo(4);
        assertThat(health.getString("checks.find { it.name == 'kafka-ingest' }.data.groupId")).isEqualTo(
                KafkaBrokerResource.GROUP);
        given().get("/q/metrics").then().statusCode(200).body(containsString(
                "backfill_kafka_ingest_assigned_partitions 4.0"));
    }

    @Test
    void aRecordWhoseTransactionFailedIsNotCommittedPastAndIsRecordedOnceAfterRecovery() throws Exception {
        Edge.register("ka-3");
        double retriedBefore = registry.counter("backfill.kafka.ingest.retried").count();
        KafkaPublisher.Sent sent;
        try (KafkaPublisher kafka = publisher();
                Connection holder = dataSource.getConnection();
                Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            // Another transaction holds the device's row, which creating a stream locks: every try times out.
            st.executeQuery("SELECT device_id FROM device WHERE device_id = 'ka-3' FOR UPDATE").close();
            sent = kafka.live(null, "ka-3", "line-1", 0, 10, 1);
            // Tried, failed, not committed, read again, failed again.
            await().atMost(WAIT).until(() -> registry.counter("backfill.kafka.ingest.retried")
                    .count() >= retriedBefore + 2);
            assertThat(Database.count("stream")).isZero();
            assertThat(committedOffset(sent.partition())).isLessThanOrEqualTo(sent.offset());
            holder.rollback();
        }
        await().atMost(WAIT).until(() -> committedOffset(sent.partition()) == sent.offset() + 1);
        assertThat(Database.count("recorded_batch", "message_id = '" + sent.messageId() + "'")).isEqualTo(1);
        assertThat(Database.count("recorded_batch")).isEqualTo(1);
        assertThat(Database.count("stream_event")).isEqualTo(10);
    }

    @Test
    void recordsThatCanNeverBeIngestedAreCountedAndSkippedAndTheNextOfThePartitionLands() throws Exception {
        Edge.register("ka-2");
        double noKey = skipped("no-key");
        double malformed = skipped("malformed");
        double unknown = skipped("unknown-device");
        double refused = skipped("refused");
        KafkaPublisher.Sent good;
        try (KafkaPublisher kafka = publisher()) {
            var events = Edge.events("line-1", IndexKind.SEQUENCE, 0, 10);
            Envelope envelope = Envelope.of("ka-2", MessageProperties.live("line-1", IndexKind.SEQUENCE,
                    new Window(0, 10), events.size(), 1, 0));
            byte[] body = BatchBody.join(events);
            // All on one partition, before the good one.
            kafka.send(1, null, KafkaPublisher.headers(envelope), body, null);
            kafka.send(1, "ka-2".getBytes(StandardCharsets.UTF_8), Map.of(), body, null);
            kafka.send(1, "nobody", Envelope.of("nobody", envelope.properties()), body);
            // A messageId that does not match its properties: a refusal, as HTTP answers 400.
            kafka.send(1, "ka-2", new Envelope("0".repeat(32), envelope.properties()), body);
            good = kafka.send(1, "ka-2", envelope, body);
        }
        await().atMost(WAIT).until(() -> committedOffset(1) == good.offset() + 1);
        assertThat(Database.count("recorded_batch", "message_id = '" + good.messageId() + "'")).isEqualTo(1);
        assertThat(Database.count("recorded_batch")).isEqualTo(1);
        assertThat(skipped("no-key") - noKey).isEqualTo(1);
        assertThat(skipped("malformed") - malformed).isEqualTo(1);
        assertThat(skipped("unknown-device") - unknown).isEqualTo(1);
        assertThat(skipped("refused") - refused).isEqualTo(1);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("backfill_kafka_ingest_skipped_total{reason=\"no-key\"}"));
    }

    @Test
    void twoMembersOfOneGroupSplitThePartitionsAndARebalanceLosesNothing() {
        for (int d = 0; d < 4; d++) {
            Edge.register("ka-4-" + d);
        }
        KafkaIngest second = new KafkaIngest(config(), intake, devices, writable, registry);
        List<String> ids = new ArrayList<>();
        try (KafkaPublisher kafka = publisher()) {
            int stream = 0;
            for (int i = 0; i < 20; i++, stream++) {
                ids.add(send(kafka, stream));
            }
            second.start();
            try {
                // Two members: the partitions are split between them.
                await().atMost(WAIT).until(() -> second.state().assignedPartitions() > 0 && ingest.state()
                        .assignedPartitions() + second.state().assignedPartitions() == 4);
                for (int i = 0; i < 20; i++, stream++) {
                    ids.add(send(kafka, stream));
                }
                await().atMost(WAIT).until(() -> second.state().committed() > 0);
            } finally {
                second.stop();
            }
            // The second member left: the service takes its partitions back and reads on from their offsets.
            for (int i = 0; i < 20; i++, stream++) {
                ids.add(send(kafka, stream));
            }
        }
        await().atMost(WAIT).until(() -> Database.count("recorded_batch") == 60);
        await().atMost(WAIT).until(() -> ingest.state().assignedPartitions() == 4);
        assertThat(ingest.state().committed()).isPositive();
        for (String id : ids) {
            assertThat(Database.count("recorded_batch", "message_id = '" + id + "'")).isEqualTo(1);
        }
        assertThat(Database.count("stream_event")).isEqualTo(600);
    }

    @Test
    void overSaslSslAsEventHubsSpeaksItTheConnectionStringIsThePasswordAndReadinessFollowsTheBroker(@TempDir Path dir) {
        Edge.register("ka-5");
        TestPki pki = TestPki.create(dir.resolve("pki"));
        String connectionString = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;"
                + "SharedAccessKey=s3cr\"et=";
        KafkaBroker secured = KafkaBroker.builder(dir.resolve("broker")).tls(pki).saslPlain("$ConnectionString",
                connectionString).start();
        try {
            secured.createTopic("hub", 2);
            KafkaIngest consumer = new KafkaIngest(new KafkaOptionsTest.TestKafka(Optional.of(secured
                    .bootstrapServers()), "hub", "$Default", Optional.empty(), "SASL_SSL", "PLAIN", Optional.of(
                            "$ConnectionString"),
                    Optional.of(connectionString), Optional.of(pki.caCertificate()
                            .toString()),
                    200, Duration.ofMillis(200), Duration.ofSeconds(10)), intake,
                    devices, writable, registry);
            consumer.start();
            try {
                // The test's producer goes through the broker's plain listener; the service through SASL_SSL.
                try (KafkaPublisher kafka = new KafkaPublisher(internal(secured), "hub")) {
                    kafka.live(null, "ka-5", "line-1", 0, 10, 1);
                }
                await().atMost(WAIT).until(() -> Database.count("recorded_batch") == 1);
                await().atMost(WAIT).until(() -> consumer.state().ready());
                secured.close();
                await().atMost(WAIT).until(() -> !consumer.state().ready());
            } finally {
                consumer.stop();
            }
        } finally {
            secured.close();
        }
    }

    /** The plain listener of a secured fixture broker, as its admin client reaches it. */
    private static String internal(KafkaBroker broker) {
        try (Admin admin = broker.adminClient()) {
            var node = admin.describeCluster().nodes().get().iterator().next();
            return node.host() + ":" + node.port();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One live batch of a stream of its own, on partition {@code stream % 4} (the device of that partition). */
    private static String send(KafkaPublisher kafka, int stream) {
        int partition = stream % 4;
        return kafka.live(partition, "ka-4-" + partition, "line-" + stream, 0, 10, 1).messageId();
    }

    private double skipped(String reason) {
        Counter c = registry.find("backfill.kafka.ingest.skipped").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private static KafkaOptionsTest.TestKafka config() {
        return new KafkaOptionsTest.TestKafka(Optional.of(KafkaBrokerResource.broker().bootstrapServers()),
                KafkaBrokerResource.TOPIC, KafkaBrokerResource.GROUP, Optional.of("second-member"), "PLAINTEXT",
                "PLAIN", Optional.empty(), Optional.empty(), Optional.empty(), 200, Duration.ofMillis(200), Duration
                        .ofSeconds(10));
    }
}
