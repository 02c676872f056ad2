package com.reliableedge.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.auth.SasToken.Verdict;

class SasTokenTest {

    /** One line of sas-vectors.txt, computed with Python's hmac (see sas-vectors.py). */
    record Vector(String key, String resource, long expiry, String signature, String authorization) {
    }

    static Stream<Vector> vectors() throws IOException {
        try (InputStream in = SasTokenTest.class.getResourceAsStream("/sas/sas-vectors.txt")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .toList();
            assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
            return lines.stream().map(l -> l.split("\\|")).map(p -> new Vector(p[0], p[1], Long.parseLong(p[2]), p[3],
                    p[4]));
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void signsLikeTheIndependentImplementation(Vector v) {
        assertThat(SasToken.signature(v.resource(), v.key(), v.expiry())).isEqualTo(v.signature());
        assertThat(SasToken.sign(v.resource(), v.key(), Instant.ofEpochSecond(v.expiry()))).isEqualTo(v
                .authorization());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void verifiesTheIndependentTokens(Vector v) {
        Instant before = Instant.ofEpochSecond(v.expiry() - 1);
        assertThat(SasToken.verify(v.authorization(), v.resource(), v.key(), before)).isEqualTo(Verdict.VALID);
        assertThat(SasToken.verify(v.authorization(), v.resource(), v.key(), Instant.ofEpochSecond(v.expiry())))
                .isEqualTo(Verdict.EXPIRED);
    }

    @Test
    void rejectsAnotherDevicesResourceAndAForgedSignature() {
        String key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        String otherKey = "q83vEjRWeJCrze8SNFZ4kA==";
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        String token = SasToken.sign(SasToken.deviceResource("127.0.0.1", "site-7"), key, now.plusSeconds(60));

        assertThat(SasToken.verify(token, "127.0.0.1/devices/site-8", key, now)).isEqualTo(Verdict.WRONG_RESOURCE);
        assertThat(SasToken.verify(token, "127.0.0.1/devices/site-7", otherKey, now)).isEqualTo(Verdict.BAD_SIGNATURE);
        // Host names compare without regard to case; device ids exactly.
        assertThat(SasToken.verify(token, "127.0.0.1/devices/SITE-7", key, now)).isEqualTo(Verdict.WRONG_RESOURCE);

        String tamperedExpiry = token.replaceAll("se=\\d+", "se=" + now.plusSeconds(3600).getEpochSecond());
        assertThat(SasToken.verify(tamperedExpiry, "127.0.0.1/devices/site-7", key, now)).isEqualTo(
                Verdict.BAD_SIGNATURE);
    }

    @Test
    void signsForAConnectionStringsDevice() {
        ConnectionString cs = ConnectionString.parse(
                "HostName=hub.example.net;DeviceId=plant:line_3.a;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktZm9yLXRlc3RzLTEyMzQ1Ng==");
        Instant now = Instant.ofEpochSecond(1_700_000_000L - 3600);
        String token = SasToken.sign(cs, now, Duration.ofHours(1));
        assertThat(token).isEqualTo(
                "SharedAccessSignature sr=hub.example.net%2Fdevices%2Fplant%3Aline_3.a&sig=pVxWvDIY585G3wnZTFpQBVsmO7oBVPK8MSmfAoTqIsk%3D&se=1700000000");
    }

    @Test
    void malformedTokensThrowNamingTheHeader() {
        for (String bad : new String[]{"", "Bearer abc", "SharedAccessSignature sr=a&sig=b",
                "SharedAccessSignature sr=a&sig=b&se=soon", "SharedAccessSignature sig=b&se=1",
                "SharedAccessSignature sr=%zz&sig=b&se=1", "SharedAccessSignature garbage"}) {
            assertThatThrownBy(() -> SasToken.parse(bad)).isInstanceOf(ProtocolException.class)
                    .extracting(e -> ((ProtocolException) e).field()).isEqualTo("Authorization");
        }
    }

    @Test
    void aBadKeyIsNamedButNeverShown() {
        assertThatThrownBy(() -> SasToken.signature("h/devices/d", "not base64 !!", 1))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("SharedAccessKey")
                .hasMessageNotContaining("not base64 !!");
    }
}
