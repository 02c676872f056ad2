package com.reliableedge.edge.source.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.reliableedge.edge.config.RelayConfig;

/** Bad {@code relay.source.opcua.*} values stop the startup with a message naming the key and the value. */
class OpcUaSettingsTest {

    /** A config group with the defaults of {@link RelayConfig.Opcua}, changed by the with-ers. */
    private record Config(Optional<String> endpoint, String securityPolicy, String securityMode,
            Optional<String> user, Optional<String> password, Optional<Path> trustDir, boolean acceptAny,
            Optional<Duration> historyHorizon, Map<String, List<String>> nodes) implements RelayConfig.Opcua {

        static Config good() {
            return new Config(Optional.of("opc.tcp://127.0.0.1:4840/x"), "None", "None", Optional.empty(), Optional
                    .empty(), Optional.empty(), false, Optional.empty(),
                    Map.of("line-1", List.of("ns=2;s=a",
                            "ns=2;i=7")));
        }

        @Override
        public Optional<Path> certificate() {
            return Optional.empty();
        }

        @Override
        public Optional<Path> privateKey() {
            return Optional.empty();
        }

        @Override
        public boolean certificateIdentity() {
            return false;
        }

        @Override
        public boolean acceptAnyServerCertificate() {
            return acceptAny;
        }

        @Override
        public Duration publishingInterval() {
            return Duration.ofMillis(100);
        }

        @Override
        public Duration watermarkLag() {
            return Duration.ofMillis(500);
        }

        @Override
        public int queueCapacity() {
            return 100_000;
        }

        @Override
        public Duration requestTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Map<String, RelayConfig.OpcuaStream> streams() {
            Map<String, RelayConfig.OpcuaStream> out = new java.util.TreeMap<>();
            nodes.forEach((k, v) -> out.put(k, () -> v));
            return out;
        }

        Config endpoint(String e) {
            return new Config(Optional.ofNullable(e), securityPolicy, securityMode, user, password, trustDir,
                    acceptAny, historyHorizon, nodes);
        }

        Config security(String policy, String mode) {
            return new Config(endpoint, policy, mode, user, password, trustDir, acceptAny, historyHorizon, nodes);
        }

        Config nodes(Map<String, List<String>> n) {
            return new Config(endpoint, securityPolicy, securityMode, user, password, trustDir, acceptAny,
                    historyHorizon, n);
        }

        Config user(String u) {
            return new Config(endpoint, securityPolicy, securityMode, Optional.of(u), password, trustDir, acceptAny,
                    historyHorizon, nodes);
        }

        Config horizon(Duration h) {
            return new Config(endpoint, securityPolicy, securityMode, user, password, trustDir, acceptAny, Optional
                    .of(h), nodes);
        }
    }

    @Test
    void goodSettingsAreRead() {
        OpcUaSettings s = OpcUaSettings.from(Config.good());
        assertThat(s.streams()).containsOnlyKeys("line-1");
        assertThat(s.streams().get("line-1")).extracting(n -> n.toParseableString()).containsExactly("ns=2;s=a",
                "ns=2;i=7");
    }

    @Test
    void badValuesNameTheirKeyAndValue() {
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().endpoint(null))).hasMessageContaining(
                "relay.source.opcua.endpoint='(unset)'");
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().endpoint("http://x"))).hasMessageContaining(
                "relay.source.opcua.endpoint='http://x'");
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().security("Basic128", "None")))
                .hasMessageContaining("relay.source.opcua.security-policy='Basic128'");
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().security("None", "Encrypt"))).hasMessageContaining(
                "relay.source.opcua.security-mode='Encrypt'");
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().security("Basic256Sha256", "None")))
                .hasMessageContaining("relay.source.opcua.security-mode='None'");
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().security("Basic256Sha256", "SignAndEncrypt")))
                .hasMessageContaining("relay.source.opcua.trust-dir='(unset)'");
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().nodes(Map.of("line-1", List.of("not-a-node-id")))))
                .hasMessageContaining("relay.source.opcua.streams.line-1.nodes='not-a-node-id'");
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().nodes(Map.of("bad/id", List.of("ns=2;s=a")))))
                .hasMessageContaining("relay.source.opcua.streams.bad/id='bad/id'");
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().nodes(Map.of()))).hasMessageContaining(
                "relay.source.opcua.streams='(none)'");
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().user("op"))).hasMessageContaining(
                "relay.source.opcua.password='(unset)'");
        assertThatThrownBy(() -> OpcUaSettings.from(Config.good().horizon(Duration.ZERO))).hasMessageContaining(
                "relay.source.opcua.history-horizon='PT0S'");
    }
}
