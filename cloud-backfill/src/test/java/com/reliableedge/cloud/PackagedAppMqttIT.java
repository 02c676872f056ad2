package com.reliableedge.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.FakeEdge;
import com.reliableedge.cloud.testing.MqttDevice;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The packaged application with {@code backfill.invoker.kind=mqtt}: a gap is found and its backfill method reaches
 * the (fake) edge through a real broker, as {@code devices/{id}/methods/POST/backfill/?$rid=}, and the answer
 * comes back the same way; backfill then fills the gap and the request completes.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppMqttIT.Broker.class)
class PackagedAppMqttIT {

    /** A mosquitto on a free port, the mqtt invoker pointed at it, a fresh H2 file and short delays. */
    public static class Broker implements QuarkusTestResourceLifecycleManager {

        static Mosquitto broker;

        @Override
        public Map<String, String> start() {
            try {
                Path dir = Files.createTempDirectory("cloud-backfill-mqtt-it");
                broker = Mosquitto.builder(dir.resolve("broker")).start();
                return Map.ofEntries(Map.entry("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + dir.resolve("db")
                        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"), Map.entry("backfill.operator-key",
                                Edge.OPERATOR_KEY),
                        Map.entry("backfill.detection-delay", "1s"), Map.entry(
                                "backfill.scan-interval", "1s"),
                        Map.entry("backfill.retry-backoff", "1s"),
                        Map.entry("backfill.invoker.response-timeout", "2s"), Map.entry("backfill.invoker.kind",
                                "mqtt"),
                        Map.entry("backfill.invoker.mqtt.url", broker.url()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private FakeEdge fakeEdge;
    private MqttDevice device;

    @BeforeEach
    void start() throws Exception {
        fakeEdge = new FakeEdge();
        device = MqttDevice.plain(Broker.broker.url(), null, null, "it-mqtt", fakeEdge::url);
    }

    @AfterEach
    void stop() {
        device.close();
        fakeEdge.close();
    }

    @Test
    void aGapIsRequestedOverTheBrokerFilledAndCompleted() {
        // The registry still wants a method URL here; the mqtt invoker never uses it (the FakeEdge sees MQTT only).
        Edge edge = Edge.register("it-mqtt", "http://127.0.0.1:9/unused");
        edge.live("s", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", IndexKind.SEQUENCE, 30, 40, 2, 0).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> !fakeEdge.calls().isEmpty());
        BackfillRequest call = fakeEdge.calls().get(0).request();
        assertThat(call.deviceId()).isEqualTo("it-mqtt");
        assertThat(call.startWindow()).isEqualTo("10");
        assertThat(call.endWindow()).isEqualTo("30");

        edge.backfill("s", IndexKind.SEQUENCE, 10, 30, call.requestId()).then().statusCode(200);
        edge.status("s", IndexKind.SEQUENCE, 10, 30, call.requestId(), BackfillStatus.Outcome.COMPLETED, null)
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> Edge.operator().get("/api/v1/backfills")
                .then().statusCode(200).body("[0].state", equalTo("COMPLETED")));
        assertThat(fakeEdge.calls()).hasSize(1);
    }
}
