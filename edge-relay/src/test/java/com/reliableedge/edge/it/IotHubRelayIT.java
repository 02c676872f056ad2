package com.reliableedge.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.fixtures.TestPki;
import com.reliableedge.protocol.binding.MqttMethodTopics;
import com.reliableedge.protocol.binding.MqttTopicCodec;
import com.reliableedge.protocol.method.BackfillRequest;

/**
 * The packaged relay with {@code relay.upstream.kind=iothub} against a TLS mosquitto on 127.0.0.1:8883 standing in
 * for the hub's MQTT side (CA from {@code relay.upstream.iothub.trust-store}): batches arrive on the device's events
 * topic with their properties, the backfill method arrives through the SDK and is answered, readiness and the
 * connection metric follow the broker going away and coming back.
 */
class IotHubRelayIT {

    private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void sendsAnswersTheMethodAndFollowsTheHubsConnection() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        String device = "edge-it-" + UUID.randomUUID().toString().substring(0, 8);
        String key = Base64.getEncoder().encodeToString("a device key of 32 bytes, really".getBytes(
                StandardCharsets.UTF_8));
        List<String> topics = new CopyOnWriteArrayList<>();
        Map<String, CompletableFuture<Integer>> replies = new ConcurrentHashMap<>();
        try (Mosquitto broker = Mosquitto.builder(dir.resolve("broker")).port(8883).tls(pki).start()) {
            MqttClient hub = new MqttClient(broker.url(), "hub-" + device, new MemoryPersistence());
            hub.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    if (topic.startsWith("$iothub/methods/res/")) {
                        MqttMethodTopics.Response r = MqttMethodTopics.parseResponse(topic);
                        replies.computeIfAbsent(r.rid(), x -> new CompletableFuture<>()).complete(r.status());
                    } else {
                        topics.add(topic);
                    }
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions options = new MqttConnectOptions();
            options.setSocketFactory(pki.clientSslContext().getSocketFactory());
            options.setCleanSession(false);
            options.setAutomaticReconnect(true);
            options.setMaxReconnectDelay(1_000);
            hub.connect(options);
            hub.subscribe(new String[]{"devices/" + device + "/messages/events/#", MqttMethodTopics
                    .hubResponseFilter()}, new int[]{1, 1});

            Map<String, String> settings = new HashMap<>();
            settings.put("relay.data-dir", dir.resolve("data").toString());
            settings.put("relay.upstream.kind", "iothub");
            settings.put("relay.upstream.iothub.trust-store", pki.caCertificate().toString());
            settings.put("relay.connection-string", "HostName=127.0.0.1;DeviceId=" + device + ";SharedAccessKey="
                    + key);
            settings.put("relay.source.simulator.streams", "line-1");
            settings.put("relay.batch.max-span", "1s");
            try (AppProcess relay = CrashRecoveryIT.startRelay(settings, Path.of("target", "iothub-it",
                    "relay.log"))) {
                relay.awaitReady(Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(60)).until(() -> topics.size() >= 3);
                for (String topic : topics) {
                    MqttTopicCodec.Decoded d = MqttTopicCodec.decode(topic);
                    assertThat(d.deviceId()).isEqualTo(device);
                    assertThat(d.envelope().properties().batchId()).isEqualTo("line-1");
                }
                assertThat(relay.get("/q/metrics").body()).contains(
                        "relay_iothub_connection_state{state=\"connected\"} 1.0");

                // The backfill method, as the hub delivers it: accepted, then served as backfill batches.
                Instant end = Instant.now().minusSeconds(20).truncatedTo(ChronoUnit.SECONDS);
                String requestId = "it-" + UUID.randomUUID();
                byte[] request = new BackfillRequest(requestId, device, "line-1", WIRE.format(end.minusSeconds(5)),
                        WIRE.format(end), 1).toJson();
                assertThat(call(hub, replies, request)).isEqualTo(202);
                assertThat(call(hub, replies, "{\"requestId\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                        .isEqualTo(400);
                await().atMost(Duration.ofSeconds(60)).until(() -> topics.stream().anyMatch(t -> requestId.equals(
                        MqttTopicCodec.decode(t).envelope().properties().backfillRequestId())));

                broker.stop();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    HttpResponse<String> ready = relay.get("/q/health/ready");
                    return ready != null && ready.statusCode() == 503 && ready.body().replace(" ", "").contains(
                            "\"upstreamReachable\":false");
                });
                assertThat(relay.get("/q/metrics").body()).contains(
                        "relay_iothub_connection_state{state=\"connected\"} 0.0");

                broker.start();
                relay.awaitReady(Duration.ofSeconds(90));
                int before = topics.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> topics.size() > before);
            }
            hub.disconnectForcibly(1_000, 1_000);
            hub.close(true);
        }
    }

    private static int call(MqttClient hub, Map<String, CompletableFuture<Integer>> replies, byte[] payload)
            throws Exception {
        String rid = UUID.randomUUID().toString().substring(0, 8);
        CompletableFuture<Integer> reply = replies.computeIfAbsent(rid, x -> new CompletableFuture<>());
        hub.publish(MqttMethodTopics.hubRequest(BackfillRequest.METHOD_NAME, rid), payload, 0, false);
        return reply.get(20, TimeUnit.SECONDS);
    }
}
