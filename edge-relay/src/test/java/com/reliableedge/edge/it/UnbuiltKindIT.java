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

    @TempDir
    Path dataDir;

    private void failsNaming(String key, String value, String expected) throws Exception {
        failsNaming(Map.of(key, value), key + "-" + value, expected);
    }

    private void failsNaming(Map<String, String> settings, String name, String expected) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("relay.data-dir", dataDir.toString());
        AppProcess relay = CrashRecoveryIT.startRelay(all, Path.of("target", "unbuilt-kind-it", name + ".log"));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !relay.isAlive());
            assertThat(Files.readString(relay.log())).contains(expected).doesNotContain("Edge relay edge-1 started");
        } finally {
            relay.kill();
        }
    }

    @Test
    void anUnbuiltUpstreamKindFailsTheStartup() throws Exception {
        // iothub is built now; a kind no build has names the key and the value.
        failsNaming("relay.upstream.kind", "amqp", "relay.upstream.kind 'amqp' is not available");
    }

    @Test
    void anUnknownIotHubProtocolFailsTheStartup() throws Exception {
        failsNaming(Map.of("relay.upstream.kind", "iothub", "relay.upstream.iothub.protocol", "HTTPS",
                "relay.connection-string", "HostName=127.0.0.1;DeviceId=edge-1;SharedAccessKey=" + KEY), "iothub-https",
                "relay.upstream.iothub.protocol 'HTTPS' is not supported; use MQTT, MQTT_WS, AMQPS or AMQPS_WS");
    }

    @Test
    void iotHubWithoutAConnectionStringFailsTheStartup() throws Exception {
        failsNaming(Map.of("relay.upstream.kind", "iothub", "relay.connection-string", ""), "iothub-no-cs",
                "relay.connection-string is required for relay.upstream.kind 'iothub'");
    }

    private static final String KEY = java.util.Base64.getEncoder().encodeToString(
            "a device key of 32 bytes, really".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    @Test
    void anUnbuiltSourceKindFailsTheStartup() throws Exception {
        failsNaming("relay.source.kind", "opcua", "relay.source.kind 'opcua' is not available; use 'simulator'");
    }
}
