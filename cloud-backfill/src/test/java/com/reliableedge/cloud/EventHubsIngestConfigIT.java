package com.reliableedge.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.fixtures.Azurite;

/**
 * The packaged service with the Event Hubs ingest: a malformed or incomplete configuration stops it at startup naming
 * the key (never echoing a key); a complete one builds and starts the real processor, which cannot reach a hub here,
 * and readiness says so.
 */
class EventHubsIngestConfigIT {

    private static final String HUB = "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=service;"
            + "SharedAccessKey=bm90LWEtcmVhbC1rZXk=;EntityPath=iothub-ehub-it";

    private static AppProcess.Builder service(String name, String... config) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package)").exists();
        AppProcess.Builder b = AppProcess.builder("cloud-backfill", jar);
        for (int i = 0; i + 1 < config.length; i += 2) {
            b.config(config[i], config[i + 1]);
        }
        return b.workDir(Files.createTempDirectory("cloud-eventhubs-config"))
                .log(Path.of("target", "eventhubs-ingest-config-it", name + ".log"));
    }

    private static String failedStartup(AppProcess.Builder builder) throws Exception {
        AppProcess service = builder.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> !service.isAlive());
            String log = Files.readString(service.log());
            assertThat(log).doesNotContain("Listening on");
            return log;
        } finally {
            service.kill();
        }
    }

    @Test
    void aMalformedConnectionStringFailsTheStartupNamingTheKeyWithoutEchoingIt() throws Exception {
        String log = failedStartup(service("malformed", "backfill.ingest.eventhubs.connection-string",
                "Endpoint=sb://127.0.0.1/;SharedAccessKey=c2VrcmV0LWtleQ==;EntityPath=x",
                "backfill.ingest.eventhubs.checkpoint-connection-string", "UseDevelopmentStorage=true"));
        assertThat(log).contains("backfill.ingest.eventhubs.connection-string is not a valid Event Hubs connection"
                + " string").doesNotContain("c2VrcmV0LWtleQ==");
    }

    @Test
    void withoutACheckpointStoreTheStartupFailsNamingTheKey() throws Exception {
        String log = failedStartup(service("no-checkpoints", "backfill.ingest.eventhubs.connection-string", HUB));
        assertThat(log).contains("backfill.ingest.eventhubs.checkpoint-connection-string is required when"
                + " backfill.ingest.eventhubs.connection-string is set");
    }

    @Test
    void aCompleteConfigurationStartsTheProcessorAndReadinessSaysItIsNotReady() throws Exception {
        try (Azurite azurite = Azurite.startBlob(Files.createTempDirectory("cloud-eventhubs-it-azurite"));
                AppProcess service = service("complete", "backfill.ingest.eventhubs.connection-string", HUB,
                        "backfill.ingest.eventhubs.checkpoint-connection-string", azurite.connectionString())
                        .build()) {
            service.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                assertThat(service.isAlive()).as("the service is running").isTrue();
                return Files.readString(service.log()).contains("Listening on");
            });
            var ready = service.get("/q/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body().replaceAll("\\s", "")).contains("\"name\":\"eventhubs-ingest\",\"status\":\"DOWN\"",
                    "\"running\":true", "\"eventHubName\":\"iothub-ehub-it\"",
                    "\"checkpointContainer\":\"backfill-checkpoints\"");
            assertThat(Files.readString(service.log())).contains("Event Hubs ingest: 127.0.0.1/iothub-ehub-it");
        }
    }
}
