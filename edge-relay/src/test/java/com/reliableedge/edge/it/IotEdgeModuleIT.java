package com.reliableedge.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
 * The packaged relay as an Azure IoT Edge module: the runtime's {@code IOTEDGE_*} environment, a stand-in workload
 * API on a Unix socket in a temp dir (signs the module's SAS tokens, serves the edge CA as trust bundle) and, as
 * edgeHub, a TLS endpoint on 127.0.0.1:8883 (the SDK's fixed MQTT port, so this class runs alone, as failsafe runs
 * every class here one after another, and waits for the port) that reads the MQTT CONNECT and passes it on to a
 * mosquitto. The relay's batches arrive as module messages on the module's output, connected with the token the
 * workload API signed, and the {@code backfill} method, called on the module, is answered and served.
 */
class IotEdgeModuleIT {

    private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String MODULE = "edge-relay";
    // A loopback address as the hub's name: the SDK must connect to the gateway, and nothing may leave the machine.
    private static final String HUB = "127.0.0.2";

    @TempDir
    Path dir;

    @Test
    void sendsModuleMessagesThroughEdgeHubSignedByTheWorkloadApiAndAnswersTheModuleMethod() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        String device = "edge-module-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] moduleKey = "a module key of 32 bytes, really".getBytes(StandardCharsets.UTF_8);
        List<String> topics = new CopyOnWriteArrayList<>();
        Map<String, CompletableFuture<Integer>> replies = new ConcurrentHashMap<>();
        Path socketDir = Files.createTempDirectory(Path.of("/tmp"), "iotedge");
        try (Mosquitto broker = Mosquitto.builder(dir.resolve("broker")).start();
                MqttConnectSniffer edgeHub = new MqttConnectSniffer(8883, pki.serverSslContext(), broker.port());
                WorkloadApiStandIn workload = new WorkloadApiStandIn(socketDir.resolve("workload.sock"), moduleKey, pki
                        .caCertificate())) {
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
            options.setCleanSession(true);
            hub.connect(options);
            String events = "devices/" + device + "/modules/" + MODULE + "/messages/events/";
            hub.subscribe(new String[]{events + "#", "devices/" + device + "/messages/events/#", MqttMethodTopics
                    .hubResponseFilter()}, new int[]{1, 1, 1});

            Map<String, String> env = new LinkedHashMap<>();
            env.put("IOTEDGE_WORKLOADURI", workload.uri());
            env.put("IOTEDGE_DEVICEID", device);
            env.put("IOTEDGE_MODULEID", MODULE);
            env.put("IOTEDGE_MODULEGENERATIONID", "gen-7");
            env.put("IOTEDGE_IOTHUBHOSTNAME", HUB);
            env.put("IOTEDGE_GATEWAYHOSTNAME", "127.0.0.1");
            env.put("IOTEDGE_APIVERSION", "2019-01-30");
            env.put("IOTEDGE_AUTHSCHEME", "sasToken");
            Map<String, String> settings = new HashMap<>();
            settings.put("relay.data-dir", dir.resolve("data").toString());
            settings.put("relay.upstream.kind", "iothub");
            // auto: no connection string, IOTEDGE_* set, so a module; the device id is IOTEDGE_DEVICEID's.
            settings.put("relay.source.simulator.streams", "line-1");
            settings.put("relay.batch.max-span", "1s");
            // Sends refused before the SDK connected back off; keep that short so the test does not wait on it.
            settings.put("relay.sender.max-backoff", "1s");
            try (AppProcess relay = AppProcess.builder("edge-relay", Path.of("target", "quarkus-app",
                    "quarkus-run.jar")).config(settings).env(env).jvmFlags(List.of("-Xmx96m", "-XX:+UseSerialGC",
                            "-XX:TieredStopAtLevel=1"))
                    .log(Path.of("target", "iotedge-it", "relay.log")).start()) {
                relay.awaitReady(Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(60)).until(() -> topics.size() >= 3);
                for (String topic : topics) {
                    assertThat(topic).startsWith(events).contains("$.on=upstream");
                    MqttTopicCodec.Decoded d = MqttTopicCodec.decode(topic.replace("/modules/" + MODULE + "/",
                            "/"));
                    assertThat(d.deviceId()).isEqualTo(device);
                    assertThat(d.envelope().properties().batchId()).isEqualTo("line-1");
                }

                // Connected as the module, through the gateway, with a token the workload API signed.
                assertThat(workload.requests()).anyMatch(r -> r.startsWith("GET /trust-bundle?api-version="));
                MqttConnectSniffer.Connect connect = edgeHub.connects().get(0);
                assertThat(connect.clientId()).isEqualTo(device + "/" + MODULE);
                assertThat(connect.username()).startsWith(HUB + "/" + device + "/" + MODULE + "/");
                Map<String, String> token = token(connect.password());
                String audience = URLEncoder.encode(HUB + "/devices/" + device + "/modules/" + MODULE,
                        StandardCharsets.UTF_8);
                assertThat(token.get("sr")).isEqualTo(audience);
                String signature = URLDecoder.decode(token.get("sig"), StandardCharsets.UTF_8);
                assertThat(workload.signed()).anySatisfy(s -> {
                    assertThat(s.module()).isEqualTo(MODULE);
                    assertThat(s.generationId()).isEqualTo("gen-7");
                    assertThat(s.data()).isEqualTo(audience + "\n" + token.get("se"));
                    assertThat(s.digest()).isEqualTo(signature);
                });
                assertThat(signature).isEqualTo(hmac(moduleKey, audience + "\n" + token.get("se")));

                // The backfill method, as edgeHub delivers a module method: accepted, then served.
                Instant end = Instant.now().minusSeconds(20).truncatedTo(ChronoUnit.SECONDS);
                String requestId = "module-it-" + UUID.randomUUID();
                byte[] request = new BackfillRequest(requestId, device, "line-1", WIRE.format(end.minusSeconds(5)),
                        WIRE.format(end), 1).toJson();
                assertThat(call(hub, replies, request)).isEqualTo(202);
                byte[] otherDevice = new BackfillRequest("module-it-x", device + "-other", "line-1", WIRE.format(end
                        .minusSeconds(5)), WIRE.format(end), 1).toJson();
                assertThat(call(hub, replies, otherDevice)).isEqualTo(400);
                await().atMost(Duration.ofSeconds(60)).until(() -> topics.stream().anyMatch(t -> requestId.equals(
                        MqttTopicCodec.decode(t.replace("/modules/" + MODULE + "/", "/")).envelope().properties()
                                .backfillRequestId())));
                assertThat(relay.get("/q/metrics").body()).contains(
                        "relay_iothub_connection_state{state=\"connected\"} 1.0");
            }
            hub.disconnectForcibly(1_000, 1_000);
            hub.close(true);
        } finally {
            Files.deleteIfExists(socketDir.resolve("workload.sock"));
            Files.deleteIfExists(socketDir);
        }
    }

    @Test
    void aPartialModuleEnvironmentStopsTheStartupNamingTheMissingVariable() throws Exception {
        Map<String, String> env = Map.of("IOTEDGE_DEVICEID", "edge-x", "IOTEDGE_MODULEID", MODULE,
                "IOTEDGE_IOTHUBHOSTNAME", HUB);
        Map<String, String> settings = Map.of("relay.data-dir", dir.resolve("data").toString(), "relay.upstream.kind",
                "iothub", "relay.upstream.iothub.identity", "module");
        Path log = Path.of("target", "iotedge-it", "partial.log");
        try (AppProcess relay = AppProcess.builder("edge-relay", Path.of("target", "quarkus-app", "quarkus-run.jar"))
                .config(settings).env(env).jvmFlags(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                .log(log).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !relay.isAlive());
        }
        assertThat(Files.readString(log)).contains("Environment variable IOTEDGE_WORKLOADURI is not set");
    }

    private static Map<String, String> token(String sas) {
        assertThat(sas).startsWith("SharedAccessSignature ");
        Map<String, String> fields = new HashMap<>();
        for (String part : sas.substring("SharedAccessSignature ".length()).split("&")) {
            int eq = part.indexOf('=');
            fields.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return fields;
    }

    private static String hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    private static int call(MqttClient hub, Map<String, CompletableFuture<Integer>> replies, byte[] payload)
            throws Exception {
        String rid = UUID.randomUUID().toString().substring(0, 8);
        CompletableFuture<Integer> reply = replies.computeIfAbsent(rid, x -> new CompletableFuture<>());
        hub.publish(MqttMethodTopics.hubRequest(BackfillRequest.METHOD_NAME, rid), payload, 0, false);
        return reply.get(20, TimeUnit.SECONDS);
    }
}
