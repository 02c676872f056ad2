package com.reliableedge.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.ProtocolException;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class ConnectionStringTest {

    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    @Test
    void parsesADeviceConnectionStringInAnyKeyCase() {
        ConnectionString cs = ConnectionString.parse("hostname=127.0.0.1;deviceid=site-7;sharedaccesskey=" + KEY);
        assertThat(cs.hostName()).isEqualTo("127.0.0.1");
        assertThat(cs.deviceId()).isEqualTo("site-7");
        assertThat(cs.sharedAccessKey()).isEqualTo(KEY);
        assertThat(cs.deviceResource()).isEqualTo("127.0.0.1/devices/site-7");
        assertThat(cs.format()).isEqualTo("HostName=127.0.0.1;DeviceId=site-7;SharedAccessKey=" + KEY);
        assertThat(ConnectionString.parse(cs.format())).isEqualTo(cs);
    }

    @Test
    void parsesAServicePolicyConnectionString() {
        ConnectionString cs = ConnectionString.parse(
                "HostName=my-hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY);
        assertThat(cs.sharedAccessKeyName()).isEqualTo("iothubowner");
        assertThat(cs.deviceId()).isNull();
    }

    @Test
    void neverShowsTheKey() {
        ConnectionString cs = ConnectionString.forDevice("127.0.0.1", "site-7", KEY);
        assertThat(cs.toString()).doesNotContain(KEY).contains("SharedAccessKey=***");
        assertThatThrownBy(() -> ConnectionString.parse("HostName=h.x;DeviceId=d;SharedAccessKey=s3cr3t!!"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("SharedAccessKey")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void namesTheMissingPart() {
        assertThatThrownBy(() -> ConnectionString.parse("DeviceId=d;SharedAccessKey=" + KEY))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("HostName");
        assertThatThrownBy(() -> ConnectionString.parse("HostName=h.x;SharedAccessKey=" + KEY))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("DeviceId");
        assertThatThrownBy(() -> ConnectionString.parse("HostName=h.x;DeviceId=d"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("SharedAccessKey");
        assertThatThrownBy(() -> ConnectionString.parse("HostName=h.x;DeviceId=bad id;SharedAccessKey=" + KEY))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("DeviceId 'bad id'");
    }

    @Property
    void arbitraryStringsParseOrThrowTheLibrarysException(@ForAll String input) {
        try {
            ConnectionString.parse(input);
        } catch (ProtocolException expected) {
            assertThat(expected.field()).isNotBlank();
        }
    }
}
