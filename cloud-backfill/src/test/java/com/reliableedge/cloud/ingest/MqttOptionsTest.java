package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MQTT ingest's configuration is checked before anything connects, naming the key and the value. */
class MqttOptionsTest {

    private static MqttIngestTest.TestMqtt config(String url, String group, String trustStore) {
        return new MqttIngestTest.TestMqtt(Optional.of(url), Optional.of("user"), Optional.of("pw"), Optional
                .ofNullable(trustStore), "cloud-backfill", Optional.ofNullable(group));
    }

    @Test
    void aPlainUrlSubscribesEveryDevicesEventsWithAPersistentSession() {
        MqttOptions o = MqttOptions.of(config("tcp://127.0.0.1:1883", null, null));
        assertThat(o.topicFilter()).isEqualTo("devices/+/messages/events/#");
        assertThat(o.connectOptions().isCleanSession()).isFalse();
        assertThat(o.connectOptions().getUserName()).isEqualTo("user");
        assertThat(o.clientId()).isEqualTo("cloud-backfill");
        assertThat(MqttOptions.of(config("ssl://127.0.0.1:8883", "grp", null)).topicFilter())
                .isEqualTo("$share/grp/devices/+/messages/events/#");
    }

    @Test
    void aUrlThatIsNotTcpOrSslIsRefusedNamingTheKeyAndValue() {
        for (String url : new String[]{"http://127.0.0.1:1883", "127.0.0.1:1883", "tcp://", "mqtt://broker:1883"}) {
            assertThatThrownBy(() -> MqttOptions.of(config(url, null, null))).isInstanceOf(
                    IllegalArgumentException.class).hasMessage(
                            "backfill.ingest.mqtt.url '" + url
                                    + "' must be tcp://host:port or ssl://host:port");
        }
    }

    @Test
    void aSharedGroupMustBeOneTopicLevel() {
        assertThatThrownBy(() -> MqttOptions.of(config("tcp://127.0.0.1:1", "a/b", null))).hasMessageContaining(
                "backfill.ingest.mqtt.shared-group 'a/b'");
    }

    @Test
    void aTrustStoreThatCannotBeReadIsRefusedNamingTheKeyAndPath(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> MqttOptions.of(config("ssl://127.0.0.1:1", null, missing.toString())))
                .hasMessage("backfill.ingest.mqtt.trust-store '" + missing + "' cannot be read (NoSuchFileException)");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        assertThatThrownBy(() -> MqttOptions.of(config("ssl://127.0.0.1:1", null, garbage.toString())))
                .hasMessageStartingWith("backfill.ingest.mqtt.trust-store '" + garbage + "'");
    }
}
