package com.reliableedge.cloud.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

import com.reliableedge.cloud.config.BackfillConfig;

/**
 * The MQTT ingest's checked configuration: a URL that is not {@code tcp://} or {@code ssl://}, a shared group that
 * is no topic level, or a trust store that cannot be read stops the service at startup, naming the key and value.
 */
record MqttOptions(String url, String clientId, String topicFilter, MqttConnectOptions connectOptions) {

    static final String URL_KEY = "backfill.ingest.mqtt.url";
    static final String TRUST_STORE_KEY = "backfill.ingest.mqtt.trust-store";
    static final String CLIENT_ID_KEY = "backfill.ingest.mqtt.client-id";
    static final String SHARED_GROUP_KEY = "backfill.ingest.mqtt.shared-group";

    static MqttOptions of(BackfillConfig.Mqtt config) {
        String url = config.url().orElseThrow().trim();
        String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        if (!scheme.equals("tcp") && !scheme.equals("ssl") || url.length() <= scheme.length() + 3) {
            throw new IllegalArgumentException(URL_KEY + " '" + url + "' must be tcp://host:port or ssl://host:port");
        }
        String clientId = config.clientId().trim();
        if (clientId.isEmpty()) {
            throw new IllegalArgumentException(CLIENT_ID_KEY + " must not be empty");
        }
        String filter = MqttIngest.TOPIC_FILTER;
        if (config.sharedGroup().isPresent()) {
            String group = config.sharedGroup().get().trim();
            if (group.isEmpty() || group.contains("/") || group.contains("+") || group.contains("#")) {
                throw new IllegalArgumentException(SHARED_GROUP_KEY + " '" + group
                        + "' must be one topic level (no '/', '+' or '#')");
            }
            filter = "$share/" + group + "/" + filter;
        }
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        // The broker keeps the subscription and every unacknowledged QoS 1 message while this instance is away.
        o.setCleanSession(false);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        config.username().ifPresent(o::setUserName);
        config.password().ifPresent(p -> o.setPassword(p.toCharArray()));
        if (config.trustStore().isPresent()) {
            o.setSocketFactory(trusting(config.trustStore().get()).getSocketFactory());
        }
        return new MqttOptions(url, clientId, filter, o);
    }

    /** An SSL context trusting the CA certificates of a PEM file. */
    static SSLContext trusting(String pemFile) {
        try (InputStream in = Files.newInputStream(Path.of(pemFile))) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(TRUST_STORE_KEY + " '" + pemFile + "' holds no PEM certificate");
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new IllegalArgumentException(TRUST_STORE_KEY + " '" + pemFile + "' cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(TRUST_STORE_KEY + " '" + pemFile
                    + "' is not a PEM file of X.509 certificates");
        }
    }
}
