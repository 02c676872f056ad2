package com.reliableedge.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.fixtures.AppProcess;

/**
 * A configured but unbuilt kind fails the packaged relay's startup, naming the key and the value: the parts are CDI
 * beans, and the relay's startup builds them all at boot rather than on first use.
 */
class UnbuiltKindIT {

    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    @TempDir
    Path dataDir;

    private void failsNaming(String key, String value, String expected) throws Exception {
        failsNaming(Map.of(key, value), expected);
    }

    private void failsNaming(Map<String, String> config, String expected) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(config);
        settings.put("relay.data-dir", dataDir.toString());
        AppProcess relay = CrashRecoveryIT.startRelay(settings, Path.of("target", "unbuilt-kind-it", "run-" + RUNS
                .incrementAndGet() + ".log"));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !relay.isAlive());
            assertThat(Files.readString(relay.log())).contains(expected).doesNotContain("Edge relay edge-1 started");
        } finally {
            relay.kill();
        }
    }

    @Test
    void anUnbuiltUpstreamKindFailsTheStartup() throws Exception {
        failsNaming(Map.of("relay.upstream.kind", "kafka"),
                "relay.upstream.kind 'kafka' is not available; use 'http', 'mqtt' or 'iothub'");
    }

    @Test
    void anMqttUpstreamWithoutAUrlFailsTheStartup() throws Exception {
        failsNaming(Map.of("relay.upstream.kind", "mqtt"), "relay.upstream.mqtt.url is required for relay.upstream.kind"
                + " 'mqtt'");
    }

    @Test
    void anMqttUpstreamWithAnUnusableSettingFailsTheStartup() throws Exception {
        failsNaming(Map.of("relay.upstream.kind", "mqtt", "relay.upstream.mqtt.url", "http://127.0.0.1:1883"),
                "relay.upstream.mqtt.url 'http://127.0.0.1:1883' must be tcp://host:port or ssl://host:port");
        Path missing = dataDir.resolve("no-such-ca.pem");
        failsNaming(Map.of("relay.upstream.kind", "mqtt", "relay.upstream.mqtt.url", "ssl://127.0.0.1:8883",
                "relay.upstream.mqtt.trust-store", missing.toString()),
                "relay.upstream.mqtt.trust-store '" + missing
                        + "' cannot be read");
    }

    @Test
    void anUnknownIotHubProtocolFailsTheStartup() throws Exception {
        failsNaming(Map.of("relay.upstream.kind", "iothub", "relay.upstream.iothub.protocol", "HTTPS",
                "relay.connection-string", "HostName=127.0.0.1;DeviceId=edge-1;SharedAccessKey=" + KEY),
                "relay.upstream.iothub.protocol 'HTTPS' is not supported; use MQTT, MQTT_WS, AMQPS or AMQPS_WS");
    }

    @Test
    void iotHubWithoutAConnectionStringFailsTheStartup() throws Exception {
        failsNaming(Map.of("relay.upstream.kind", "iothub", "relay.connection-string", ""),
                "relay.connection-string is required for relay.upstream.kind 'iothub'");
    }

    @Test
    void aHostNameTheDeviceSdkRefusesFailsTheStartupNamingTheKey() throws Exception {
        failsNaming(Map.of("relay.upstream.kind", "iothub", "relay.connection-string", "HostName=localhost;DeviceId="
                + "edge-1;SharedAccessKey=" + KEY),
                "relay.connection-string is not usable for IoT Hub (HostName 'localhost')");
    }

    private static final String KEY = java.util.Base64.getEncoder().encodeToString(
            "a device key of 32 bytes, really".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    @Test
    void anUnbuiltSourceKindFailsTheStartup() throws Exception {
        failsNaming("relay.source.kind", "modbus",
                "relay.source.kind 'modbus' is not available; use 'simulator', 'opcua' or 'jdbc'");
    }
}
