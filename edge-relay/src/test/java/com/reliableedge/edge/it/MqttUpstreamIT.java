package com.reliableedge.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.upstream.MethodReply;
import com.reliableedge.edge.upstream.MqttCloud;
import com.reliableedge.edge.upstream.RecordingHttpSink;
import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.message.MessageType;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillStatus;

/**
 * The packaged relay with {@code relay.upstream.kind=mqtt} against a real broker: batches arrive on the property-bag
 * topics, readiness follows the broker going away and coming back, nothing is lost across it, and the backfill
 * method reaches the relay through the broker and is served.
 */
class MqttUpstreamIT {

    static final String DEVICE = "mqtt-edge";

    @TempDir
    Path dir;

    @Test
    void overMqttBatchesArriveAcrossABrokerOutageAndTheMethodIsServed() throws Exception {
        try (Mosquitto broker = Mosquitto.builder(dir.resolve("broker")).start();
                MqttCloud cloud = new MqttCloud(
                        broker.url(), null, null, null)) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("relay.data-dir", dir.resolve("data").toString());
            settings.put("relay.device-id", DEVICE);
            settings.put("relay.upstream.kind", "mqtt");
            settings.put("relay.upstream.mqtt.url", broker.url());
            settings.put("relay.upstream.mqtt.timeout", "3s");
            settings.put("relay.source.simulator.streams", "line-1");
            settings.put("relay.source.simulator.sequence-streams", "seq-1");
            settings.put("relay.source.simulator.period", CrashRecoveryIT.PERIOD_MS + "ms");
            settings.put("relay.source.simulator.sequence-rate", "50");
            settings.put("relay.batch.linger", "150ms");
            settings.put("relay.batch.max-span", "2s");
            settings.put("relay.heartbeat-interval", "2s");
            settings.put("relay.sender.initial-backoff", "20ms");
            settings.put("relay.sender.max-backoff", "300ms");
            try (AppProcess relay = AppProcess.builder("edge-relay", Path.of("target", "quarkus-app",
                    "quarkus-run.jar")).config(settings).jvmFlags(List.of("-Xmx96m", "-XX:+UseSerialGC",
                            "-XX:TieredStopAtLevel=1"))
                    .log(Path.of("target", "mqtt-upstream-it", "relay.log"))
                    .build()) {
                relay.startAndAwaitReady(Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(60)).until(() -> live(cloud).size() >= 5);

                broker.stop();
                await().atMost(Duration.ofSeconds(30)).until(() -> status(relay) == 503);
                broker.start();
                relay.awaitReady(Duration.ofSeconds(60));
                int before = live(cloud).size();
                await().atMost(Duration.ofSeconds(60)).until(() -> live(cloud).size() >= before + 5);

                MessageProperties first = live(cloud).stream().filter(p -> p.batchId().equals("line-1")).min(
                        Comparator.comparing(MessageProperties::seq)).orElseThrow();
                Window asked = new Window(first.window().start(), first.window().start() + 1_500);
                Optional<MethodReply> reply = cloud.call(DEVICE, BackfillRequest.METHOD_NAME, BackfillRequest.of(
                        "r-mqtt", DEVICE, "line-1", IndexKind.TIME, asked, 1).toJson(), Duration.ofSeconds(30));
                assertThat(reply).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(202));
                await().atMost(Duration.ofSeconds(60)).until(() -> cloud.received().stream().anyMatch(r -> r
                        .envelope().properties().messageType() == MessageType.BACKFILL_STATUS && "r-mqtt".equals(
                                r
                                        .envelope().properties().backfillRequestId())
                        && BackfillStatus.fromJson(r.body())
                                .status() == BackfillStatus.Outcome.COMPLETED));

                // Every simulator event up to the last live window arrived, seq without holes, across the outage.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> DeliveryCheck
                        .of(asSink(cloud), Map.of("line-1", IndexKind.TIME, "seq-1", IndexKind.SEQUENCE),
                                CrashRecoveryIT.PERIOD_MS)
                        .problems().isEmpty());
                assertThat(cloud.received()).allSatisfy(r -> assertThat(r.envelope().properties().batchId()).isIn(
                        "line-1", "seq-1"));
            }
        }
    }

    private static List<MessageProperties> live(MqttCloud cloud) {
        return cloud.received().stream().map(r -> r.envelope().properties()).filter(MessageProperties::isLive)
                .toList();
    }

    private static List<RecordingHttpSink.Received> asSink(MqttCloud cloud) {
        return cloud.received().stream().map(r -> new RecordingHttpSink.Received(DEVICE, r.envelope(), r.body(), 204))
                .toList();
    }

    private static int status(AppProcess relay) {
        HttpResponse<String> r = relay.get("/q/health/ready");
        return r == null ? -1 : r.statusCode();
    }
}
