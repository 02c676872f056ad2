package com.reliableedge.cloud.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.protocol.binding.PemTrust;

/**
 * The Kafka ingest's checked configuration and the consumer properties made of it. Bad settings (a malformed server
 * list, an unknown security protocol or SASL mechanism, SASL without user or password, a trust store that cannot be
 * read or that is set without TLS) stop the service at startup, naming the key and the value (never a password).
 */
record KafkaOptions(String bootstrapServers, String topic, String groupId, String securityProtocol,
        Duration pollTimeout, Properties consumerProperties) {

    static final String PREFIX = "backfill.ingest.kafka.";
    static final String BOOTSTRAP_KEY = PREFIX + "bootstrap-servers";
    static final String TOPIC_KEY = PREFIX + "topic";
    static final String GROUP_KEY = PREFIX + "group-id";
    static final String CLIENT_ID_KEY = PREFIX + "client-id";
    static final String PROTOCOL_KEY = PREFIX + "security-protocol";
    static final String MECHANISM_KEY = PREFIX + "sasl-mechanism";
    static final String USERNAME_KEY = PREFIX + "username";
    static final String PASSWORD_KEY = PREFIX + "password";
    static final String TRUST_STORE_KEY = PREFIX + "trust-store";
    static final String MAX_POLL_KEY = PREFIX + "max-poll-records";
    static final String POLL_TIMEOUT_KEY = PREFIX + "poll-timeout";
    static final String SESSION_TIMEOUT_KEY = PREFIX + "session-timeout";

    static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final Pattern SERVER = Pattern.compile("\\[?[A-Za-z0-9.:_-]+]?:(\\d{1,5})");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    static KafkaOptions of(BackfillConfig.Kafka config) {
        String servers = config.bootstrapServers().orElseThrow().trim();
        List<String> list = List.of(servers.split("\\s*,\\s*"));
        for (String server : list) {
            var m = SERVER.matcher(server);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
                throw new IllegalArgumentException(BOOTSTRAP_KEY + " '" + servers
                        + "' must be host:port[,host:port…] (not '" + server + "')");
            }
        }
        String topic = config.topic().trim();
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException(TOPIC_KEY + " '" + topic
                    + "' is no Kafka topic name (1 to 249 of A-Z a-z 0-9 . _ -)");
        }
        String group = config.groupId().trim();
        if (group.isEmpty()) {
            throw new IllegalArgumentException(GROUP_KEY + " must not be empty");
        }
        String protocol = config.securityProtocol().trim().toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException(PROTOCOL_KEY + " '" + config.securityProtocol()
                    + "' must be one of " + String.join(", ", PROTOCOLS));
        }
        if (config.maxPollRecords() < 1) {
            throw new IllegalArgumentException(MAX_POLL_KEY + " '" + config.maxPollRecords() + "' must be at least 1");
        }
        if (config.pollTimeout().isNegative() || config.pollTimeout().isZero()) {
            throw new IllegalArgumentException(POLL_TIMEOUT_KEY + " '" + config.pollTimeout() + "' must be positive");
        }
        long sessionMs = config.sessionTimeout().toMillis();
        if (sessionMs < 100 || sessionMs > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(SESSION_TIMEOUT_KEY + " '" + config.sessionTimeout()
                    + "' must be at least 100ms");
        }

        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", list));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.clientId().map(String::trim).filter(id -> !id.isEmpty()).ifPresent(id -> p.put(
                ConsumerConfig.CLIENT_ID_CONFIG, id));
        // Offsets are committed by the ingest itself, only past records whose transaction committed.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A new group reads the topic from its start: nothing already there is lost (duplicates are recognised).
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // The service never creates the topic: a missing topic is an operator's mistake, not a one-partition topic.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(config.maxPollRecords()));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(sessionMs));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(Math.max(30, Math.min(3_000, sessionMs
                / 3))));
        // Incremental rebalances: a member joining or leaving moves only the partitions that change hands.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);

        if (protocol.startsWith("SASL_")) {
            String mechanism = config.saslMechanism().trim().toUpperCase(Locale.ROOT);
            if (!MECHANISMS.contains(mechanism)) {
                throw new IllegalArgumentException(MECHANISM_KEY + " '" + config.saslMechanism()
                        + "' must be one of " + String.join(", ", MECHANISMS));
            }
            String user = config.username().filter(u -> !u.isEmpty()).orElseThrow(
                    () -> new IllegalArgumentException(USERNAME_KEY + " is required with " + PROTOCOL_KEY + "="
                            + protocol));
            String password = config.password().filter(pw -> !pw.isEmpty()).orElseThrow(
                    () -> new IllegalArgumentException(PASSWORD_KEY + " is required with " + PROTOCOL_KEY + "="
                            + protocol));
            p.put(SaslConfigs.SASL_MECHANISM, mechanism);
            p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(mechanism, user, password));
        }
        if (config.trustStore().isPresent()) {
            String file = config.trustStore().get().trim();
            if (!protocol.endsWith("SSL")) {
                throw new IllegalArgumentException(TRUST_STORE_KEY + " '" + file + "' is set, but " + PROTOCOL_KEY
                        + "=" + protocol + " does not use TLS (SSL or SASL_SSL)");
            }
            // Read once here, so that a missing or wrong file fails the startup naming the key.
            PemTrust.sslContext(TRUST_STORE_KEY, Path.of(file));
            p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, Path.of(file).toAbsolutePath().toString());
        }
        return new KafkaOptions(String.join(",", list), topic, group, protocol, config.pollTimeout(), p);
    }

    /** The client's JAAS line; user and password are quoted, as the connection string of Event Hubs needs. */
    static String jaas(String mechanism, String user, String password) {
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + quote(user) + "\" password=\"" + quote(password) + "\";";
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The consumer properties as logged: no password. */
    String describe() {
        return bootstrapServers + " topic " + topic + " group " + groupId + " (" + securityProtocol + ")";
    }
}
