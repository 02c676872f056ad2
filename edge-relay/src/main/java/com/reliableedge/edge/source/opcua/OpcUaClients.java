package com.reliableedge.edge.source.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/** Builds the Milo client the settings describe: endpoint by policy and mode, identity, certificates, trust. */
final class OpcUaClients {

    static final String APPLICATION_URI = "urn:reliableedge:edge-relay";

    /** The client's own certificate and key: the configured ones, or a self-signed pair made once. */
    record Credentials(KeyPair keys, X509Certificate certificate) {
    }

    private OpcUaClients() {
    }

    static Credentials credentials(OpcUaSettings s) {
        try {
            if (s.certificate().isPresent()) {
                X509Certificate cert = readCertificates(s.certificate().get()).get(0);
                PrivateKey key = readKey(s.privateKey().get());
                return new Credentials(new KeyPair(cert.getPublicKey(), key), cert);
            }
            KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            X509Certificate cert = new SelfSignedCertificateBuilder(keys).setCommonName("reliable-edge relay")
                    .setOrganization("reliable-edge").setApplicationUri(APPLICATION_URI).build();
            return new Credentials(keys, cert);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw OpcUaSettings.bad("certificate", s.certificate().map(Path::toString).orElse("(self-signed)"),
                    "cannot load or make the client certificate: " + e.getMessage());
        }
    }

    static CertificateValidator validator(OpcUaSettings s) {
        if (s.acceptAnyServerCertificate()) {
            return new CertificateValidator.InsecureCertificateValidator();
        }
        MemoryTrustListManager trust = new MemoryTrustListManager();
        if (s.trustDir().isPresent()) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(s.trustDir().get())) {
                for (Path f : files) {
                    if (Files.isRegularFile(f)) {
                        readCertificates(f).forEach(trust::addTrustedCertificate);
                    }
                }
            } catch (Exception e) {
                throw OpcUaSettings.bad("trust-dir", s.trustDir().get(), "cannot read its certificates: " + e
                        .getMessage());
            }
        }
        return new DefaultClientCertificateValidator(trust, new MemoryCertificateQuarantine());
    }

    static IdentityProvider identity(OpcUaSettings s, Credentials c) {
        if (s.user().isPresent()) {
            return new UsernameProvider(s.user().get(), s.password().get());
        }
        if (s.certificateIdentity()) {
            return new X509IdentityProvider(c.certificate(), c.keys().getPrivate());
        }
        return new AnonymousProvider();
    }

    /** Discovers the endpoints and connects; throws when the server cannot be reached or refuses. */
    static OpcUaClient connect(OpcUaSettings s, Credentials c, CertificateValidator validator) throws UaException {
        SecurityPolicy policy = s.policy() == OpcUaSettings.Policy.None
                ? SecurityPolicy.None
                : SecurityPolicy.Basic256Sha256;
        MessageSecurityMode mode = switch (s.mode()) {
            case None -> MessageSecurityMode.None;
            case Sign -> MessageSecurityMode.Sign;
            case SignAndEncrypt -> MessageSecurityMode.SignAndEncrypt;
        };
        OpcUaClient client = OpcUaClient.create(s.endpoint(), endpoints -> select(endpoints, policy, mode), t -> {
        }, b -> b.setApplicationName(LocalizedText.english("reliable-edge relay")).setApplicationUri(
                APPLICATION_URI).setKeyPair(c.keys()).setCertificate(c.certificate()).setCertificateChain(
                        new X509Certificate[]{c.certificate()})
                .setCertificateValidator(validator)
                .setIdentityProvider(identity(s, c)).setRequestTimeout(uint(s.requestTimeout().toMillis())));
        client.connect();
        return client;
    }

    private static Optional<EndpointDescription> select(List<EndpointDescription> endpoints, SecurityPolicy policy,
            MessageSecurityMode mode) {
        return endpoints.stream().filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()) && e
                .getSecurityMode() == mode).findFirst();
    }

    private static List<X509Certificate> readCertificates(Path file) throws Exception {
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        try (InputStream in = Files.newInputStream(file)) {
            return f.generateCertificates(in).stream().map(X509Certificate.class::cast).toList();
        }
    }

    private static PrivateKey readKey(Path file) throws IOException, Exception {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (!pem.contains("BEGIN PRIVATE KEY")) {
            throw new IllegalArgumentException(OpcUaSettings.PREFIX + "private-key='" + file
                    + "': not a PKCS#8 PEM key (BEGIN PRIVATE KEY)");
        }
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (Exception e) {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        }
    }
}
