package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.fixtures.TestPki;

/** The Kafka ingest's configuration is checked before anything connects, naming the key and the value. */
class KafkaOptionsTest {

    record TestKafka(Optional<String> bootstrapServers, String topic, String groupId, Optional<String> clientId,
            String securityProtocol, String saslMechanism, Optional<String> username, Optional<String> password,
            Optional<String> trustStore, int maxPollRecords, Duration pollTimeout, Duration sessionTimeout)
            implements
                BackfillConfig.Kafka {

        static TestKafka of(String servers) {
            return new TestKafka(Optional.of(servers), "device-messages", "cloud-backfill", Optional.empty(),
                    "PLAINTEXT", "PLAIN", Optional.empty(), Optional.empty(), Optional.empty(), 200, Duration
                            .ofSeconds(1),
                    Duration.ofSeconds(45));
        }

        TestKafka protocol(String p) {
            return new TestKafka(bootstrapServers, topic, groupId, clientId, p, saslMechanism, username, password,
                    trustStore, maxPollRecords, pollTimeout, sessionTimeout);
        }

        TestKafka sasl(String mechanism, String user, String pw) {
            return new TestKafka(bootstrapServers, topic, groupId, clientId, securityProtocol, mechanism, Optional
                    .ofNullable(user), Optional.ofNullable(pw), trustStore, maxPollRecords, pollTimeout,
                    sessionTimeout);
        }

        TestKafka trust(String file) {
            return new TestKafka(bootstrapServers, topic, groupId, clientId, securityProtocol, saslMechanism,
                    username, password, Optional.of(file), maxPollRecords, pollTimeout, sessionTimeout);
        }

        TestKafka topic(String t) {
            return new TestKafka(bootstrapServers, t, groupId, clientId, securityProtocol, saslMechanism, username,
                    password, trustStore, maxPollRecords, pollTimeout, sessionTimeout);
        }

        TestKafka group(String g, String client, Duration session) {
            return new TestKafka(bootstrapServers, topic, g, Optional.ofNullable(client), securityProtocol,
                    saslMechanism, username, password, trustStore, maxPollRecords, pollTimeout, session);
        }
    }

    @Test
    void plaintextCommitsByHandReadsFromTheStartAndNeverCreatesTheTopic() {
        KafkaOptions o = KafkaOptions.of(TestKafka.of("127.0.0.1:9092, 127.0.0.2:9093").group("g", "cloud-1",
                Duration.ofSeconds(10)));
        Properties p = o.consumerProperties();
        assertThat(p.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:9092,127.0.0.2:9093");
        assertThat(p.getProperty("group.id")).isEqualTo("g");
        assertThat(p.getProperty("client.id")).isEqualTo("cloud-1");
        assertThat(p.getProperty("enable.auto.commit")).isEqualTo("false");
        assertThat(p.getProperty("auto.offset.reset")).isEqualTo("earliest");
        assertThat(p.getProperty("allow.auto.create.topics")).isEqualTo("false");
        assertThat(p.getProperty("isolation.level")).isEqualTo("read_committed");
        assertThat(p.getProperty("max.poll.records")).isEqualTo("200");
        assertThat(p.getProperty("session.timeout.ms")).isEqualTo("10000");
        assertThat(p.getProperty("heartbeat.interval.ms")).isEqualTo("3000");
        assertThat(p.getProperty("security.protocol")).isEqualTo("PLAINTEXT");
        assertThat(p).doesNotContainKey("sasl.jaas.config");
        assertThat(o.topic()).isEqualTo("device-messages");
    }

    @Test
    void eventHubsKafkaEndpointSettingsGiveSaslSslPlainWithTheConnectionStringQuoted() {
        String connection = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;"
                + "SharedAccessKey=ab\"c\\d=";
        KafkaOptions o = KafkaOptions.of(TestKafka.of("ns.servicebus.windows.net:9093").protocol("sasl_ssl").sasl(
                "plain", "$ConnectionString", connection));
        Properties p = o.consumerProperties();
        assertThat(p.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(p.getProperty("sasl.mechanism")).isEqualTo("PLAIN");
        assertThat(p.getProperty("sasl.jaas.config")).isEqualTo(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\""
                        + " password=\"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;"
                        + "SharedAccessKey=ab\\\"c\\\\d=\";");
        assertThat(o.describe()).doesNotContain("SharedAccessKey");
        assertThat(KafkaOptions.of(TestKafka.of("h:1").protocol("SASL_PLAINTEXT").sasl("SCRAM-SHA-512", "u", "p"))
                .consumerProperties().getProperty("sasl.jaas.config")).startsWith(
                        "org.apache.kafka.common.security.scram.ScramLoginModule required");
    }

    @Test
    void anUnknownSecurityProtocolOrMechanismIsRefusedNamingTheKeyAndValue() {
        assertThatThrownBy(() -> KafkaOptions.of(TestKafka.of("h:1").protocol("TLS"))).hasMessage(
                "backfill.ingest.kafka.security-protocol 'TLS' must be one of PLAINTEXT, SSL, SASL_PLAINTEXT,"
                        + " SASL_SSL");
        assertThatThrownBy(() -> KafkaOptions.of(TestKafka.of("h:1").protocol("SASL_SSL").sasl("GSSAPI", "u",
                "p"))).hasMessage("backfill.ingest.kafka.sasl-mechanism 'GSSAPI' must be one of PLAIN,"
                        + " SCRAM-SHA-256, SCRAM-SHA-512");
    }

    @Test
    void saslWithoutUserOrPasswordIsRefusedNamingTheKeyNeverThePassword() {
        assertThatThrownBy(() -> KafkaOptions.of(TestKafka.of("h:1").protocol("SASL_SSL").sasl("PLAIN", null,
                "secret"))).hasMessage("backfill.ingest.kafka.username is required with"
                        + " backfill.ingest.kafka.security-protocol=SASL_SSL");
        assertThatThrownBy(() -> KafkaOptions.of(TestKafka.of("h:1").protocol("SASL_SSL").sasl("PLAIN", "u",
                null))).hasMessage("backfill.ingest.kafka.password is required with"
                        + " backfill.ingest.kafka.security-protocol=SASL_SSL");
    }

    @Test
    void badServersTopicOrGroupAreRefusedNamingTheKey() {
        for (String servers : new String[]{"", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "a:1,,b:2",
                "http://h:1"}) {
            assertThatThrownBy(() -> KafkaOptions.of(TestKafka.of(servers))).hasMessageStartingWith(
                    "backfill.ingest.kafka.bootstrap-servers '" + servers + "'");
        }
        assertThatThrownBy(() -> KafkaOptions.of(TestKafka.of("h:1").topic("a/b"))).hasMessageStartingWith(
                "backfill.ingest.kafka.topic 'a/b'");
        assertThatThrownBy(() -> KafkaOptions.of(TestKafka.of("h:1").group(" ", null, Duration.ofSeconds(45))))
                .hasMessage("backfill.ingest.kafka.group-id must not be empty");
    }

    @Test
    void aTrustStoreIsReadAtStartupAndOnlyWithTls(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> KafkaOptions.of(TestKafka.of("h:1").protocol("SSL").trust(missing.toString())))
                .hasMessage("backfill.ingest.kafka.trust-store '" + missing + "' cannot be read"
                        + " (NoSuchFileException)");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        assertThatThrownBy(() -> KafkaOptions.of(TestKafka.of("h:1").protocol("SSL").trust(garbage.toString())))
                .hasMessage("backfill.ingest.kafka.trust-store '" + garbage + "' holds no PEM certificate");
        TestPki pki = TestPki.create(dir.resolve("pki"));
        String ca = pki.caCertificate().toString();
        assertThatThrownBy(() -> KafkaOptions.of(TestKafka.of("h:1").trust(ca))).hasMessageStartingWith(
                "backfill.ingest.kafka.trust-store '" + ca + "' is set, but backfill.ingest.kafka.security-protocol"
                        + "=PLAINTEXT does not use TLS");
        Properties p = KafkaOptions.of(TestKafka.of("h:1").protocol("SSL").trust(ca)).consumerProperties();
        assertThat(p.getProperty("ssl.truststore.type")).isEqualTo("PEM");
        assertThat(p.getProperty("ssl.truststore.location")).isEqualTo(pki.caCertificate().toAbsolutePath()
                .toString());
    }
}
