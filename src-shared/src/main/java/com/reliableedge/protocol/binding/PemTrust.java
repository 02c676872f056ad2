package com.reliableedge.protocol.binding;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust from a PEM file of CA certificates: what every {@code .trust-store} key of both apps means (a broker or a
 * hub stand-in signed by a private CA).
 */
public final class PemTrust {

    private PemTrust() {
    }

    /**
     * A client context trusting exactly the certificates in {@code pem}.
     *
     * @param key the configuration key, named in the error
     * @throws IllegalArgumentException naming the key and the file when it cannot be read or holds no certificate
     */
    public static SSLContext sslContext(String key, Path pem) {
        return sslContext(key, pem, false);
    }

    /**
     * A client context trusting the certificates in {@code pem}, and the JVM's own CAs too when {@code withJvmCas}
     * (for a context that becomes process-wide).
     *
     * @param key the configuration key, named in the error
     * @throws IllegalArgumentException naming the key and the file when it cannot be read or holds no certificate
     */
    public static SSLContext sslContext(String key, Path pem, boolean withJvmCas) {
        String prefix = key + " '" + pem + "' ";
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pem);
        } catch (IOException e) {
            throw new IllegalArgumentException(prefix + "cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(
                    bytes));
        } catch (CertificateException e) {
            certificates = List.of();
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(prefix + "holds no PEM certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            if (withJvmCas) {
                for (X509Certificate c : jvmCas()) {
                    store.setCertificateEntry("jvm-" + i++, c);
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(prefix + "cannot be used as a trust store (" + e.getClass()
                    .getSimpleName() + ")", e);
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
