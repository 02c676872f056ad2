package com.reliableedge.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.reliableedge.fixtures.AppProcess;

/**
 * A configured but unbuilt kind stops the packaged service at startup, naming the key and the value, before it
 * listens: it never starts and then fails on every scan.
 */
class UnbuiltKindIT {

    private static void failsNaming(String key, String value, String expected) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package)").exists();
        AppProcess service = AppProcess.builder("cloud-backfill", jar).config(key, value)
                .workDir(Files.createTempDirectory("cloud-unbuilt-kind"))
                .log(Path.of("target", "unbuilt-kind-it", key + "-" + value + ".log")).start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> !service.isAlive());
            assertThat(Files.readString(service.log())).contains(expected).doesNotContain("Listening on");
        } finally {
            service.kill();
        }
    }

    @Test
    void anAzureRetryQueueWithoutAConnectionStringFailsTheStartup() throws Exception {
        failsNaming("backfill.queue.kind", "azure-storage-queue",
                "backfill.queue.connection-string is required for backfill.queue.kind 'azure-storage-queue'");
    }

    @Test
    void anUnknownModeFailsTheStartup() throws Exception {
        failsNaming("backfill.mode", "one-shoot", "backfill.mode");
        assertThat(Files.readString(Path.of("target", "unbuilt-kind-it", "backfill.mode-one-shoot.log")))
                .contains("one-shoot");
    }

    @Test
    void anUnknownRetryQueueFailsTheStartup() throws Exception {
        failsNaming("backfill.queue.kind", "rabbit",
                "backfill.queue.kind 'rabbit' is unknown; use 'jdbc' or 'azure-storage-queue'");
    }

    @Test
    void anUnknownMethodInvokerFailsTheStartup() throws Exception {
        failsNaming("backfill.invoker.kind", "carrier-pigeon",
                "backfill.invoker.kind 'carrier-pigeon' is unknown; use 'http', 'mqtt' or 'iothub'");
    }

    @Test
    void anIotHubInvokerWithoutAConnectionStringFailsTheStartup() throws Exception {
        failsNaming("backfill.invoker.kind", "iothub",
                "backfill.invoker.iothub.connection-string is required for backfill.invoker.kind 'iothub'");
    }

    @Test
    void anMqttInvokerWithoutABrokerFailsTheStartupNamingBothKeys() throws Exception {
        failsNaming("backfill.invoker.kind", "mqtt",
                "backfill.invoker.kind 'mqtt' needs backfill.invoker.mqtt.url or backfill.ingest.mqtt.url");
    }
}
