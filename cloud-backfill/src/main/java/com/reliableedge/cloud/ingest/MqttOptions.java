package com.reliableedge.cloud.ingest;

import java.nio.file.Path;
import java.util.Locale;

import javax.net.ssl.SSLContext;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.protocol.binding.PemTrust;

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
        return PemTrust.sslContext(TRUST_STORE_KEY, Path.of(pemFile));
    }
}
