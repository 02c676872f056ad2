package com.reliableedge.edge.upstream;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLSocketFactory;

import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.protocol.binding.PemTrust;

import io.quarkus.logging.Log;

/**
 * What the mqtt transport connects with, read from {@code relay.upstream.mqtt.*} and checked once at startup: a
 * missing or unusable value fails there, naming the key and the value (never a password).
 *
 * @param url {@code tcp://host:port} or {@code ssl://host:port}
 * @param username {@code null} for an anonymous connection
 * @param password {@code null} when none is configured
 * @param socketFactory TLS trusting the configured CA certificates, or {@code null} for plain TCP or the JVM's trust
 */
public record MqttSettings(String url, String clientId, String username, String password,
        SSLSocketFactory socketFactory, Duration timeout, Duration keepAlive) {

    static final String URL = "relay.upstream.mqtt.url";
    static final String USERNAME = "relay.upstream.mqtt.username";
    static final String PASSWORD = "relay.upstream.mqtt.password";
    static final String TRUST_STORE = "relay.upstream.mqtt.trust-store";
    static final String CLIENT_ID = "relay.upstream.mqtt.client-id";
    static final String TIMEOUT = "relay.upstream.mqtt.timeout";
    static final String KEEP_ALIVE = "relay.upstream.mqtt.keep-alive";

    public MqttSettings {
        checkUrl(URI.create(url));
        if (clientId == null || clientId.isBlank() || clientId.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            throw new IllegalStateException(CLIENT_ID + " must be 1 to 65535 bytes");
        }
        if (password != null && username == null) {
            // MQTT 3.1.1 (3.1.2.9) forbids a password without a user name.
            throw new IllegalStateException(PASSWORD + " is set without " + USERNAME);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalStateException(TIMEOUT + " '" + timeout + "' must be positive");
        }
        if (keepAlive == null || keepAlive.isNegative() || keepAlive.compareTo(Duration.ofSeconds(65_535)) > 0) {
            throw new IllegalStateException(KEEP_ALIVE + " '" + keepAlive + "' must be 0s to 65535s");
        }
    }

    /** A plain or TLS (JVM trust) connection without credentials, with the default timeouts. */
    public static MqttSettings of(String url, String clientId) {
        return new MqttSettings(url, clientId, null, null, null, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    public MqttSettings withCredentials(String username, String password) {
        return new MqttSettings(url, clientId, username, password, socketFactory, timeout, keepAlive);
    }

    public MqttSettings withTrustStore(Path pem) {
        return new MqttSettings(url, clientId, username, password, trusting(pem), timeout, keepAlive);
    }

    public MqttSettings withTimeout(Duration timeout) {
        return new MqttSettings(url, clientId, username, password, socketFactory, timeout, keepAlive);
    }

    /**
     * From the relay's configuration; the client id defaults to the device id.
     *
     * @throws IllegalStateException naming the key and the value when one is missing or unusable
     */
    public static MqttSettings from(RelayConfig.Mqtt config, String deviceId) {
        URI url = config.url().orElseThrow(() -> new IllegalStateException(URL
                + " is required for relay.upstream.kind 'mqtt' (tcp://host:port or ssl://host:port)"));
        checkUrl(url);
        SSLSocketFactory tls = null;
        Optional<Path> trustStore = config.trustStore();
        if (trustStore.isPresent()) {
            if ("ssl".equals(url.getScheme())) {
                tls = trusting(trustStore.get());
            } else {
                Log.warnf("%s is ignored: %s is not ssl://", TRUST_STORE, URL);
            }
        }
        return new MqttSettings(url.toString(), config.clientId().filter(s -> !s.isBlank()).orElse(deviceId), config
                .username().filter(s -> !s.isEmpty()).orElse(null), config.password().orElse(null), tls,
                config
                        .timeout(),
                config.keepAlive());
    }

    /** @throws IllegalStateException naming {@value #URL} and the value unless it is a broker's tcp:// or ssl:// URL */
    static void checkUrl(URI url) {
        if (url.getRawUserInfo() != null) {
            // Shown without its user part, which may hold a password.
            throw new IllegalStateException(URL + " '" + url.getScheme() + "://…@" + url.getHost() + "' must not carry"
                    + " credentials: use " + USERNAME + " and " + PASSWORD);
        }
        boolean ok = ("tcp".equals(url.getScheme()) || "ssl".equals(url.getScheme())) && url.getHost() != null
                && (url.getRawPath() == null || url.getRawPath().isEmpty()) && url.getRawQuery() == null && url
                        .getRawFragment() == null;
        if (!ok) {
            throw new IllegalStateException(URL + " '" + shown(url.toString()) + "' must be tcp://host:port or"
                    + " ssl://host:port");
        }
    }

    /** A TLS socket factory trusting exactly the CA certificates of a PEM file. */
    static SSLSocketFactory trusting(Path pem) {
        try {
            return PemTrust.sslContext(TRUST_STORE, pem).getSocketFactory();
        } catch (IllegalArgumentException e) {
            // Already names the key and the file.
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String shown(String value) {
        return value.length() > 200 ? value.substring(0, 200) + "…" : value;
    }

    @Override
    public String toString() {
        // Never the password.
        return "MqttSettings[" + url + ", clientId " + clientId + (username != null ? ", user " + username : "")
                + (socketFactory != null ? ", own trust store" : "") + ", timeout " + timeout + ", keepAlive "
                + keepAlive + "]";
    }
}
