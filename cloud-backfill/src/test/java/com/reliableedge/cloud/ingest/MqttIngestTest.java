package com.reliableedge.cloud.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.health.DatabaseWritableCheck;
import com.reliableedge.cloud.security.DeviceAuthenticator;
import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.MqttBrokerResource;
import com.reliableedge.cloud.testing.MqttProfile;
import com.reliableedge.cloud.testing.MqttPublisher;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.fixtures.Mosquitto;
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
 * MQTT ingest against a real mosquitto, with Paho publishers playing the edges: batches are recorded once through
 * the same ingest path as HTTP, messages that can never be ingested are counted and skipped, a message is
 * acknowledged only after its commit (a transient failure redelivers it), the persistent session keeps what was
 * published while the service was away, and a shared group splits the messages between instances.
 */
@QuarkusTest
@TestProfile(MqttProfile.class)
class MqttIngestTest extends ServiceTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    MqttIngest ingest;

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

    /** The service subscribes after startup, and a message published before its first subscription reaches nobody. */
    @BeforeEach
    void serviceIsSubscribed() {
        await().atMost(WAIT).until(() -> ingest.state().connected());
    }

    private static Mosquitto broker() {
        return MqttBrokerResource.broker();
    }

    @Test
    void batchesAreRecordedOnceAndADuplicateIsAcknowledgedAndIgnored() {
        Edge.register("mq-1");
        long acked = ingest.state().acknowledged();
        try (MqttPublisher edge = new MqttPublisher(broker().url())) {
            String first = edge.live("mq-1", "line-1", 0, 10, 1);
            edge.live("mq-1", "line-1", 10, 20, 2);
            // Sent again, as an edge does when its PUBACK was lost.
            edge.live("mq-1", "line-1", 0, 10, 1);
            await().atMost(WAIT).until(() -> ingest.state().acknowledged() >= acked + 3);
            assertThat(Database.count("recorded_batch", "message_id = '" + first + "'")).isEqualTo(1);
        }
        assertThat(Database.count("recorded_batch")).isEqualTo(2);
        assertThat(Database.count("stream_event")).isEqualTo(20);
        Edge.operator().get("/api/v1/streams/mq-1/line-1").then().statusCode(200)
                .body("coverage[0].startWindow", org.hamcrest.Matchers.equalTo("0"))
                .body("coverage[0].endWindow", org.hamcrest.Matchers.equalTo("20"));
    }

    @Test
    void malformedUnknownAndRefusedMessagesAreCountedAndSkippedAndTheNextOneStillLands() {
        Edge.register("mq-2");
        double malformed = skipped("malformed");
        double unknown = skipped("unknown-device");
        double refused = skipped("refused");
        try (MqttPublisher edge = new MqttPublisher(broker().url())) {
            edge.publish("devices/mq-2/messages/events/no-properties-here", new byte[]{1, 2, 3});
            edge.publish("devices/mq-2/messages/events/%zz=1", new byte[0]);
            edge.live("nobody", "line-1", 0, 10, 1);
            // A messageId that does not match its properties: a refusal, as HTTP answers 400.
            var events = Edge.events("line-1", IndexKind.SEQUENCE, 0, 10);
            MessageProperties p = MessageProperties.live("line-1", IndexKind.SEQUENCE, new Window(0, 10), events
                    .size(), 1, 0);
            edge.publish("mq-2", new Envelope("0".repeat(32), p), BatchBody.join(events));
            String good = edge.live("mq-2", "line-1", 0, 10, 1);
            await().atMost(WAIT).until(() -> Database.count("recorded_batch", "message_id = '" + good + "'") == 1);
        }
        assertThat(skipped("malformed") - malformed).isEqualTo(2);
        assertThat(skipped("unknown-device") - unknown).isEqualTo(1);
        assertThat(skipped("refused") - refused).isEqualTo(1);
        assertThat(Database.count("recorded_batch")).isEqualTo(1);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("backfill_mqtt_ingest_skipped_total{reason=\"malformed\"}"));
    }

    @Test
    void aMessageThatCouldNotBeCommittedIsNotAcknowledgedAndIsRecordedOnceAfterRecovery() throws Exception {
        Edge.register("mq-3");
        double retriedBefore = registry.counter("backfill.mqtt.ingest.retried").count();
        String messageId;
        try (MqttPublisher edge = new MqttPublisher(broker().url());
                Connection holder = dataSource.getConnection();
                Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            // Another transaction holds the device's row, which creating a stream locks: every try times out.
            st.executeQuery("SELECT device_id FROM device WHERE device_id = 'mq-3' FOR UPDATE").close();
            messageId = edge.live("mq-3", "line-1", 0, 10, 1);
            // Tried, failed, not acknowledged, connection dropped, delivered again, failed again.
            await().atMost(WAIT)
                    .until(() -> registry.counter("backfill.mqtt.ingest.retried").count() >= retriedBefore + 2);
            assertThat(Database.count("stream")).isZero();
            holder.rollback();
        }
        await().atMost(WAIT).until(() -> Database.count("recorded_batch") == 1);
        assertThat(Database.count("recorded_batch", "message_id = '" + messageId + "'")).isEqualTo(1);
        assertThat(Database.count("stream_event")).isEqualTo(10);
        await().atMost(WAIT).until(() -> ingest.state().connected());
    }

    @Test
    void messagesPublishedWhileTheServiceIsAwayArriveWhenItComesBack() {
        Edge.register("mq-4");
        ingest.stop();
        try (MqttPublisher edge = new MqttPublisher(broker().url())) {
            for (int i = 0; i < 5; i++) {
                edge.live("mq-4", "line-1", i * 10, i * 10 + 10, i + 1);
            }
        } finally {
            ingest.start();
        }
        await().atMost(WAIT).until(() -> Database.count("recorded_batch") == 5);
        assertThat(Database.count("stream_event")).isEqualTo(50);
    }

    @Test
    void readinessShowsTheConnectionAndTheIngestReconnectsAfterTheBrokerRestarts() {
        Edge.register("mq-5");
        await().atMost(WAIT).until(() -> "UP".equals(mqttReadiness()));
        broker().stop();
        try {
            await().atMost(WAIT).until(() -> "DOWN".equals(mqttReadiness()));
            assertThat(ingest.state().connected()).isFalse();
        } finally {
            broker().start();
        }
        await().atMost(WAIT).until(() -> "UP".equals(mqttReadiness()));
        try (MqttPublisher edge = new MqttPublisher(broker().url())) {
            edge.live("mq-5", "line-1", 0, 10, 1);
        }
        await().atMost(WAIT).until(() -> Database.count("recorded_batch") == 1);
    }

    @Test
    void aSharedGroupSplitsTheMessagesBetweenInstancesAndRecordsEachOnce(@TempDir Path dir) {
        Edge.register("mq-6");
        try (Mosquitto shared = Mosquitto.builder(dir).start()) {
            MqttIngest a = new MqttIngest(config(shared.url(), "cloud-a", "backfill", null), intake, devices,
                    writable, registry);
            MqttIngest b = new MqttIngest(config(shared.url(), "cloud-b", "backfill", null), intake, devices,
                    writable, registry);
            a.start();
            b.start();
            try {
                await().atMost(WAIT).until(() -> a.state().connected() && b.state().connected());
                assertThat(a.state().topicFilter()).isEqualTo("$share/backfill/devices/+/messages/events/#");
                List<String> ids = new ArrayList<>();
                try (MqttPublisher edge = new MqttPublisher(shared.url())) {
                    // One stream per message, so that each lands on its own and the order between them is free.
                    for (int i = 0; i < 20; i++) {
                        ids.add(edge.live("mq-6", "line-" + i, 0, 10, 1));
                    }
                }
                await().atMost(WAIT).until(() -> a.state().acknowledged() + b.state().acknowledged() == 20);
                assertThat(a.state().acknowledged()).isPositive();
                assertThat(b.state().acknowledged()).isPositive();
                assertThat(Database.count("recorded_batch")).isEqualTo(20);
                for (String id : ids) {
                    assertThat(Database.count("recorded_batch", "message_id = '" + id + "'")).isEqualTo(1);
                }
            } finally {
                a.stop();
                b.stop();
            }
        }
    }

    @Test
    void overTlsTheBrokerIsTrustedThroughThePemTrustStore(@TempDir Path dir) {
        Edge.register("mq-7");
        TestPki pki = TestPki.create(dir.resolve("pki"));
        try (Mosquitto tls = Mosquitto.builder(dir.resolve("broker")).tls(pki).start()) {
            MqttIngest consumer = new MqttIngest(config(tls.url(), "cloud-tls", null, pki.caCertificate()
                    .toString()), intake, devices, writable, registry);
            consumer.start();
            // A new session exists once subscribed: what was published before it reaches nobody.
            await().atMost(WAIT).until(() -> consumer.state().connected());
            try (MqttPublisher edge = new MqttPublisher(tls.url(), "tls-edge", pki.clientSslContext())) {
                edge.live("mq-7", "line-1", 0, 10, 1);
                await().atMost(WAIT).until(() -> Database.count("recorded_batch") == 1);
                assertThat(consumer.state().url()).startsWith("ssl://");
            } finally {
                consumer.stop();
            }
        }
    }

    private double skipped(String reason) {
        Counter c = registry.find("backfill.mqtt.ingest.skipped").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private static String mqttReadiness() {
        JsonPath health = given().get("/q/health/ready").then().extract().jsonPath();
        return health.getString("checks.find { it.name == 'mqtt-ingest' }.status");
    }

    record TestMqtt(Optional<String> url, Optional<String> username, Optional<String> password,
            Optional<String> trustStore, String clientId, Optional<String> sharedGroup) implements BackfillConfig.Mqtt {
    }

    static BackfillConfig.Mqtt config(String url, String clientId, String sharedGroup, String trustStore) {
        return new TestMqtt(Optional.of(url), Optional.empty(), Optional.empty(), Optional.ofNullable(trustStore),
                clientId, Optional.ofNullable(sharedGroup));
    }
}
