package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.fixtures.TestPki;

/** A misconfigured mqtt upstream fails at startup naming the key and the value, never a password. */
class MqttSettingsTest {

    @TempDir
    Path dir;

    record Config(Optional<URI> url, Optional<String> username, Optional<String> password, Optional<Path> trustStore,
            Optional<String> clientId, Duration timeout, Duration keepAlive) implements RelayConfig.Mqtt {

        static Config of(String url) {
            return new Config(Optional.ofNullable(url).map(URI::create), Optional.empty(), Optional.empty(), Optional
                    .empty(), Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(30));
        }

        Config trust(Path p) {
            return new Config(url, username, password, Optional.of(p), clientId, timeout, keepAlive);
        }

        Config user(String u, String pw) {
            return new Config(url, Optional.ofNullable(u), Optional.ofNullable(pw), trustStore, clientId, timeout,
                    keepAlive);
        }
    }

    @Test
    void theDefaultsAreTheDeviceIdAndNoCredentials() {
        MqttSettings s = MqttSettings.from(Config.of("tcp://127.0.0.1:1883"), "site-7");
        assertThat(s.url()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(s.clientId()).isEqualTo("site-7");
        assertThat(s.username()).isNull();
        assertThat(s.password()).isNull();
        assertThat(s.socketFactory()).isNull();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
        Config withId = new Config(Optional.of(URI.create("ssl://broker.example:8883")), Optional.of("u"), Optional.of(
                "pw"), Optional.empty(), Optional.of("relay-a"), Duration.ofSeconds(5), Duration.ofSeconds(0));
        MqttSettings t = MqttSettings.from(withId, "site-7");
        assertThat(t.clientId()).isEqualTo("relay-a");
        assertThat(t.username()).isEqualTo("u");
        assertThat(t.toString()).doesNotContain("pw");
    }

    @Test
    void aMissingUrlNamesTheKey() {
        assertThatThrownBy(() -> MqttSettings.from(Config.of(null), "site-7")).isInstanceOf(
                IllegalStateException.class).hasMessageContaining("relay.upstream.mqtt.url is required");
    }

    @Test
    void aUrlThatIsNotTcpOrSslNamesTheKeyAndTheValue() {
        for (String bad : new String[]{"http://127.0.0.1:1883", "mqtt://127.0.0.1", "tcp:///nohost",
                "tcp://127.0.0.1:1883/path", "tcp://127.0.0.1:1883?x=1", "ws://127.0.0.1:80"}) {
            assertThatThrownBy(() -> MqttSettings.from(Config.of(bad), "site-7")).as(bad).isInstanceOf(
                    IllegalStateException.class).hasMessage(
                            "relay.upstream.mqtt.url '" + bad
                                    + "' must be tcp://host:port or ssl://host:port");
        }
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutBeingShown() {
        assertThatThrownBy(() -> MqttSettings.from(Config.of("tcp://me:secret@127.0.0.1:1883"), "site-7"))
                .hasMessageContaining("relay.upstream.mqtt.url").hasMessageContaining("relay.upstream.mqtt.username")
                .hasMessageNotContaining("secret");
    }

    @Test
    void anUnreadableOrEmptyTrustStoreNamesTheKeyAndThePath() throws IOException {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> MqttSettings.from(Config.of("ssl://127.0.0.1:8883").trust(missing), "site-7"))
                .hasMessage("relay.upstream.mqtt.trust-store '" + missing + "' cannot be read (NoSuchFileException)");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                + "-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> MqttSettings.from(Config.of("ssl://127.0.0.1:8883").trust(garbage), "site-7"))
                .hasMessage("relay.upstream.mqtt.trust-store '" + garbage + "' holds no PEM certificate");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> MqttSettings.from(Config.of("ssl://127.0.0.1:8883").trust(empty), "site-7"))
                .hasMessageContaining("holds no PEM certificate");
    }

    @Test
    void aPemCaFileIsTrusted() {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        assertThat(MqttSettings.from(Config.of("ssl://127.0.0.1:8883").trust(pki.caCertificate()), "site-7")
                .socketFactory()).isNotNull();
        // Meaningless without TLS: ignored (with a warning), not a failure.
        assertThat(MqttSettings.from(Config.of("tcp://127.0.0.1:1883").trust(pki.caCertificate()), "site-7")
                .socketFactory()).isNull();
    }

    @Test
    void aPasswordWithoutAUserAndBadDurationsAreRefused() {
        assertThatThrownBy(() -> MqttSettings.from(Config.of("tcp://127.0.0.1:1883").user(null, "pw"), "site-7"))
                .hasMessage("relay.upstream.mqtt.password is set without relay.upstream.mqtt.username");
        assertThatThrownBy(() -> MqttSettings.of("tcp://127.0.0.1:1883", "site-7").withTimeout(Duration.ZERO))
                .hasMessage("relay.upstream.mqtt.timeout 'PT0S' must be positive");
        assertThatThrownBy(() -> new MqttSettings("tcp://127.0.0.1:1883", "site-7", null, null, null, Duration
                .ofSeconds(1), Duration.ofDays(1))).hasMessageContaining("relay.upstream.mqtt.keep-alive 'PT24H'");
    }
}
