package com.reliableedge.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.reliableedge.fixtures.AppProcess;

/** A misconfigured Kafka ingest stops the packaged service at startup, naming the key and the value. */
class KafkaIngestConfigIT {

    private static void failsNaming(String name, String expected, String... config) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package)").exists();
        AppProcess.Builder b = AppProcess.builder("cloud-backfill", jar).config(
                "backfill.ingest.kafka.bootstrap-servers", "127.0.0.1:9");
        for (int i = 0; i + 1 < config.length; i += 2) {
            b.config(config[i], config[i + 1]);
        }
        AppProcess service = b.workDir(Files.createTempDirectory("cloud-kafka-config"))
                .log(Path.of("target", "kafka-ingest-config-it", name + ".log")).start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> !service.isAlive());
            assertThat(Files.readString(service.log())).contains(expected).doesNotContain("Listening on");
        } finally {
            service.kill();
        }
    }

    @Test
    void anUnknownSecurityProtocolFailsTheStartup() throws Exception {
        failsNaming("protocol", "backfill.ingest.kafka.security-protocol 'TLS' must be one of PLAINTEXT, SSL,"
                + " SASL_PLAINTEXT, SASL_SSL", "backfill.ingest.kafka.security-protocol", "TLS");
    }

    @Test
    void aMissingTrustStoreFailsTheStartup() throws Exception {
        failsNaming("trust-store", "backfill.ingest.kafka.trust-store '/nonexistent/ca.pem' cannot be read",
                "backfill.ingest.kafka.security-protocol", "SSL", "backfill.ingest.kafka.trust-store",
                "/nonexistent/ca.pem");
    }

    @Test
    void saslWithoutAPasswordFailsTheStartup() throws Exception {
        failsNaming("sasl", "backfill.ingest.kafka.password is required with"
                + " backfill.ingest.kafka.security-protocol=SASL_SSL", "backfill.ingest.kafka.security-protocol",
                "SASL_SSL", "backfill.ingest.kafka.username", "$ConnectionString");
    }
}
