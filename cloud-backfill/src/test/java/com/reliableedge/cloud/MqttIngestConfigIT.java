package com.reliableedge.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.reliableedge.fixtures.AppProcess;

/** A misconfigured MQTT ingest stops the packaged service at startup, naming the key and the value. */
class MqttIngestConfigIT {

    private static void failsNaming(String key, String value, String expected, String... more) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package)").exists();
        AppProcess.Builder b = AppProcess.builder("cloud-backfill", jar).config(key, value);
        for (int i = 0; i + 1 < more.length; i += 2) {
            b.config(more[i], more[i + 1]);
        }
        AppProcess service = b.workDir(Files.createTempDirectory("cloud-mqtt-config"))
                .log(Path.of("target", "mqtt-ingest-config-it", key + ".log")).start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> !service.isAlive());
            assertThat(Files.readString(service.log())).contains(expected).doesNotContain("Listening on");
        } finally {
            service.kill();
        }
    }

    @Test
    void aUrlThatIsNotTcpOrSslFailsTheStartup() throws Exception {
        failsNaming("backfill.ingest.mqtt.url", "http://127.0.0.1:1883",
                "backfill.ingest.mqtt.url 'http://127.0.0.1:1883' must be tcp://host:port or ssl://host:port");
    }

    @Test
    void anUnreadableTrustStoreFailsTheStartup() throws Exception {
        failsNaming("backfill.ingest.mqtt.trust-store", "/nonexistent/ca.pem",
                "backfill.ingest.mqtt.trust-store '/nonexistent/ca.pem' cannot be read",
                "backfill.ingest.mqtt.url", "ssl://127.0.0.1:8883");
    }
}
