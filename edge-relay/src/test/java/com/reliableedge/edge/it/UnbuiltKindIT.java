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
        AppProcess relay = CrashRecoveryIT.startRelay(Map.of("relay.data-dir", dataDir.toString(), key, value),
                Path.of("target", "unbuilt-kind-it", key + ".log"));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !relay.isAlive());
            assertThat(Files.readString(relay.log())).contains(expected).doesNotContain("Edge relay edge-1 started");
        } finally {
            relay.kill();
        }
    }

    @Test
    void anUnbuiltUpstreamKindFailsTheStartup() throws Exception {
        failsNaming("relay.upstream.kind", "mqtt", "relay.upstream.kind 'mqtt' is not available; use 'http'");
    }

    @Test
    void anUnbuiltSourceKindFailsTheStartup() throws Exception {
        failsNaming("relay.source.kind", "opcua", "relay.source.kind 'opcua' is not available; use 'simulator'");
    }
}
