package com.reliableedge.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * How {@code relay.upstream.iothub.identity} picks the relay's IoT Hub identity from the connection string and the
 * IoT Edge runtime's {@code IOTEDGE_*} environment, and the startup errors that name what is missing or contradicts.
 */
class DeviceIdentityTest {

    static final String KEY = "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=";
    static final String DEVICE = "HostName=hub.example.invalid;DeviceId=site-7;SharedAccessKey=" + KEY;
    static final String MODULE = "HostName=hub.example.invalid;DeviceId=site-7;ModuleId=relay;SharedAccessKey=" + KEY;

    static Map<String, String> edgeEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("IOTEDGE_WORKLOADURI", "unix:///var/run/iotedge/workload.sock");
        env.put("IOTEDGE_DEVICEID", "site-9");
        env.put("IOTEDGE_MODULEID", "edge-relay");
        env.put("IOTEDGE_MODULEGENERATIONID", "637000000000000000");
        env.put("IOTEDGE_IOTHUBHOSTNAME", "hub.example.invalid");
        env.put("IOTEDGE_GATEWAYHOSTNAME", "edge-box");
        env.put("IOTEDGE_APIVERSION", "2019-01-30");
        env.put("IOTEDGE_AUTHSCHEME", "sasToken");
        return env;
    }

    static RelayConfig config(String identity, String connectionString) {
        Map<String, String> p = new HashMap<>();
        p.put("relay.upstream.kind", "iothub");
        p.put("relay.device-id", "edge-1");
        if (identity != null) {
            p.put("relay.upstream.iothub.identity", identity);
        }
        if (connectionString != null) {
            p.put("relay.connection-string", connectionString);
        }
        return new SmallRyeConfigBuilder().withMapping(RelayConfig.class).withConverter(Duration.class, 200,
                new DurationConverter()).withSources(new PropertiesConfigSource(p, "test", 300)).build()
                .getConfigMapping(RelayConfig.class);
    }

    @Test
    void autoIsTheConnectionStringsKindElseTheEdgeModuleElseADevice() {
        DeviceIdentity device = DeviceIdentity.of(config(null, DEVICE), edgeEnv());
        assertThat(device.isModule()).isFalse();
        assertThat(device.deviceId()).isEqualTo("site-7");

        DeviceIdentity module = DeviceIdentity.of(config("auto", MODULE), Map.of());
        assertThat(module.moduleId()).isEqualTo("relay");
        assertThat(module.deviceId()).isEqualTo("site-7");
        assertThat(module.edgeModule()).isNull();

        DeviceIdentity edge = DeviceIdentity.of(config("auto", null), edgeEnv());
        assertThat(edge.deviceId()).isEqualTo("site-9");
        assertThat(edge.moduleId()).isEqualTo("edge-relay");
        assertThat(edge.connection()).isNull();
        assertThat(edge.edgeModule().gatewayHostName()).isEqualTo("edge-box");

        assertThat(DeviceIdentity.of(config("auto", null), Map.of()).deviceId()).isEqualTo("edge-1");
    }

    @Test
    void moduleModeNamesEachMissingVariable() {
        for (String missing : EdgeModuleEnvironment.REQUIRED) {
            Map<String, String> env = edgeEnv();
            env.remove(missing);
            assertThatThrownBy(() -> DeviceIdentity.of(config("module", null), env)).isInstanceOf(
                    IllegalStateException.class).hasMessageContaining(
                            "Environment variable " + missing
                                    + " is not set");
        }
        // auto takes a partial IOTEDGE_* environment as a module's too, and says what is missing
        assertThatThrownBy(() -> DeviceIdentity.of(config("auto", null), Map.of("IOTEDGE_MODULEID", "x")))
                .hasMessageContaining("IOTEDGE_WORKLOADURI");
    }

    @Test
    void contradictionsAndUnusableValuesFailNamingTheKey() {
        assertThatThrownBy(() -> DeviceIdentity.of(config("device", MODULE), Map.of())).hasMessageContaining(
                "relay.upstream.iothub.identity").hasMessageContaining("ModuleId");
        assertThatThrownBy(() -> DeviceIdentity.of(config("module", DEVICE), edgeEnv())).hasMessageContaining(
                "has no ModuleId");
        assertThatThrownBy(() -> DeviceIdentity.of(config("edge", null), edgeEnv())).hasMessageContaining(
                "relay.upstream.iothub.identity 'edge'");
        Map<String, String> other = edgeEnv();
        other.put("IOTEDGE_AUTHSCHEME", "x509");
        assertThatThrownBy(() -> DeviceIdentity.of(config("module", null), other)).hasMessageContaining(
                "IOTEDGE_AUTHSCHEME 'x509'");
        Map<String, String> sdk = edgeEnv();
        sdk.put("EdgeHubConnectionString", MODULE);
        assertThatThrownBy(() -> DeviceIdentity.of(config("module", null), sdk)).hasMessageContaining(
                "EdgeHubConnectionString");
    }

    @Test
    void otherUpstreamKindsIgnoreTheEdgeEnvironment() {
        Map<String, String> p = Map.of("relay.upstream.kind", "http", "relay.device-id", "edge-3");
        RelayConfig http = new SmallRyeConfigBuilder().withMapping(RelayConfig.class).withConverter(Duration.class,
                200, new DurationConverter()).withSources(new PropertiesConfigSource(p, "test", 300)).build()
                .getConfigMapping(RelayConfig.class);
        DeviceIdentity identity = DeviceIdentity.of(http, edgeEnv());
        assertThat(identity.deviceId()).isEqualTo("edge-3");
        assertThat(identity.isModule()).isFalse();
    }
}
