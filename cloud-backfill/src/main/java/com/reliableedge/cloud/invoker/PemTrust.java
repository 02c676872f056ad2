package com.reliableedge.cloud.invoker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** TLS trust from a PEM file of CA certificates, for an invoker's {@code .trust-store} key. */
final class PemTrust {

    private PemTrust() {
    }

    /**
     * A client context trusting the certificates in {@code pem}, and also the JVM's own CAs when {@code withJvmCas}.
     *
     * @param key the configuration key, named in the error
     * @throws IllegalStateException naming the key and the file when it cannot be read or holds no certificate
     */
    static SSLContext sslContext(String key, Path pem, boolean withJvmCas) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(pem)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IllegalStateException(key + " '" + pem + "' holds no PEM certificate");
            }
            int i = 0;
            for (Certificate c : certificates) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            if (withJvmCas) {
                for (X509Certificate c : jvmCas()) {
                    trust.setCertificateEntry("jvm-" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(key + " '" + pem + "' is not a readable PEM file of certificates: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static List<X509Certificate> jvmCas() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        List<X509Certificate> cas = new ArrayList<>();
        for (var tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                cas.addAll(List.of(x.getAcceptedIssuers()));
            }
        }
        return cas;
    }
}
