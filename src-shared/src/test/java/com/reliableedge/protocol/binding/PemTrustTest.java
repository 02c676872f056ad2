package com.reliableedge.protocol.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trust store that cannot serve names the key and the file, never the parser's words. */
class PemTrustTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsNamedWithTheKey() {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> PemTrust.sslContext("x.trust-store", missing)).isInstanceOf(
                IllegalArgumentException.class).hasMessage(
                        "x.trust-store '" + missing
                                + "' cannot be read (NoSuchFileException)");
    }

    @Test
    void aFileWithoutCertificatesIsNamedWithTheKey() throws IOException {
        for (String text : new String[]{"", "not a certificate", "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                + "-----END CERTIFICATE-----\n"}) {
            Path file = Files.writeString(dir.resolve("bad.pem"), text);
            assertThatThrownBy(() -> PemTrust.sslContext("x.trust-store", file, true)).isInstanceOf(
                    IllegalArgumentException.class).hasMessage(
                            "x.trust-store '" + file
                                    + "' holds no PEM certificate");
        }
    }

    @Test
    void aPemCertificateIsTrusted() throws Exception {
        // A self-signed CA certificate (made with openssl, valid until 2036).
        Path ca = Files.writeString(dir.resolve("ca.pem"), CA);
        assertThat(PemTrust.sslContext("x.trust-store", ca).getSocketFactory()).isNotNull();
        assertThat(PemTrust.sslContext("x.trust-store", ca, true).getProtocol()).isEqualTo("TLS");
    }

    private static final String CA = """
            -----BEGIN CERTIFICATE-----
            MIIC/zCCAeegAwIBAgIUchKK1s6UQMElPvcFrqvYL8bESkMwDQYJKoZIhvcNAQEL
            BQAwDzENMAsGA1UEAwwEdGVzdDAeFw0yNjEyMDIwNTI3MTRaFw0zNjExMjkwNTI3
            MTRaMA8xDTALBgNVBAMMBHRlc3QwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
            AoIBAQCKopaQoBY9BZj4ZvNQNNnxU9qVKJkhENGI4CuIAEWa2h179XDG/dIST8Dy
            iNS5zc1rz6njR3StfGk1vFvbMc5LSKgxVbfG2U9kWsDRSaiedeiyRVZUkarVEyH5
            8sZrjQYZepnaE1Jupla3aitxvhH/H0MCnWk1mks/wlxeYp8F0OXtCVJLZRhCR7bD
            122/csHJKRvqY3KAu+nV0jo06l6284TDgh47IvlHkxfaj2M7NEbf1eyj/D4dkecI
            0Uo47lb0yeehmuHkqwhuu1woAQXmr8r1Y9N/As07bSl88tjGYD2fwej26Vawjqqz
            QLaURrSXWgeEPJQkIum5uqhf+GSRAgMBAAGjUzBRMB0GA1UdDgQWBBRpjj0MU6go
            cggsgbtE5OR6X9A8YjAfBgNVHSMEGDAWgBRpjj0MU6gocggsgbtE5OR6X9A8YjAP
            BgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQBQ/5RFuFQn8FbmT6I7
            ie14GxUszL1sfPHw1ZDuy7l9XXnL+WGqtNv+dI7mdWkDkS1wEGM/Xw13evyyNmNX
            ghgH5s6xCrqtjT5oSXKZqcC9dr4XdORchyGvuP01avfGi5ZWDfXH/p2YTM9XtsFa
            YKoM71aHGVxoRGlpGAz3qgaiyzpJp7BSxk99sT+djdSREwJXSF2ffyKs2uhFA/XF
            0DBNdh/kpQdfnTtgfyRgxt5aJyu77Kd4kRVC6JTs96UqgylQMgs7FC6ofDRG5DvL
            WucxsSeSgVt3apPhwvch5oselSS2jaWtYYIFQ5euy9CHpAVAoUUjZ/8MrCG7yN0g
            dcAY
            -----END CERTIFICATE-----
            """;
}
