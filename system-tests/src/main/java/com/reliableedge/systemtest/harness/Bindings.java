package com.reliableedge.systemtest.harness;

import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration that puts both apps on one binding of PROTOCOL.md section 7 other than HTTP, with the keys of
 * the apps' READMEs. The broker (and the IoT Hub stand-in) are the caller's to start and stop; the HTTP proxies of
 * {@link RelaySystem} stay in place and carry nothing.
 */
public final class Bindings {

    private Bindings() {
    }

    /**
     * MQTT on a plain broker: the edge publishes there, the cloud ingests from there and sends the backfill method
     * there (device-scoped method topics).
     *
     * @param brokerUrl {@code tcp://127.0.0.1:PORT}
     */
    public static RelaySystem.Setup mqtt(RelaySystem.Setup setup, String brokerUrl) {
        return setup.withTransport("mqtt")
                .withEdgeConfig(Map.of(
                        "relay.upstream.kind", "mqtt",
                        "relay.upstream.mqtt.url", brokerUrl,
                        "relay.upstream.mqtt.timeout", "5s",
                        "relay.upstream.mqtt.keep-alive", "10s"))
                .withCloudConfig(Map.of(
                        "backfill.ingest.mqtt.url", brokerUrl,
                        "backfill.invoker.kind", "mqtt"));
    }

    /**
     * The IoT Hub stand-in: the edge's device SDK connects to the TLS broker on 127.0.0.1:8883 (the hub's MQTT side)
     * with the connection string the cloud handed out ({@code HostName=127.0.0.1}); the cloud's MQTT ingest reads the
     * same broker (standing in for the hub's routing) and calls the method through the stand-in's direct-method API
     * with the service SDK.
     *
     * @param brokerUrl {@code ssl://127.0.0.1:8883}
     * @param caCertificate the PEM CA both the broker's and the stand-in's certificates are signed by
     * @param serviceConnectionString the hub's service connection string pointing at the stand-in
     */
    public static RelaySystem.Setup iotHub(RelaySystem.Setup setup, String brokerUrl, Path caCertificate,
            String serviceConnectionString) {
        return setup.withTransport("iothub")
                .withEdgeConfig(Map.of(
                        "relay.upstream.kind", "iothub",
                        "relay.upstream.iothub.protocol", "MQTT",
                        "relay.upstream.iothub.trust-store", caCertificate.toString(),
                        "relay.upstream.iothub.timeout", "10s"))
                .withCloudConfig(Map.of(
                        "backfill.ingest.mqtt.url", brokerUrl,
                        "backfill.ingest.mqtt.trust-store", caCertificate.toString(),
                        "backfill.invoker.kind", "iothub",
                        "backfill.invoker.iothub.connection-string", serviceConnectionString,
                        "backfill.invoker.iothub.trust-store", caCertificate.toString()));
    }

    /**
     * IoT Hub with message routing to Kafka (Event Hubs' Kafka endpoint): the edge publishes on the plain MQTT broker
     * as over {@link #mqtt}; a route ({@code MqttToKafkaRoute}) moves each message to {@code topic}; the cloud
     * ingests from Kafka only and sends the backfill method through the broker. Each cloud instance needs its own
     * {@code backfill.invoker.mqtt.client-id} and {@code backfill.ingest.kafka.client-id}.
     *
     * @param brokerUrl {@code tcp://127.0.0.1:PORT}
     * @param bootstrapServers {@code 127.0.0.1:PORT}
     */
    public static RelaySystem.Setup kafka(RelaySystem.Setup setup, String brokerUrl, String bootstrapServers,
            String topic) {
        return setup.withTransport("mqtt")
                .withEdgeConfig(Map.of(
                        "relay.upstream.kind", "mqtt",
                        "relay.upstream.mqtt.url", brokerUrl,
                        "relay.upstream.mqtt.timeout", "5s",
                        "relay.upstream.mqtt.keep-alive", "10s"))
                .withCloudConfig(Map.of(
                        "backfill.ingest.kafka.bootstrap-servers", bootstrapServers,
                        "backfill.ingest.kafka.topic", topic,
                        "backfill.invoker.kind", "mqtt",
                        "backfill.invoker.mqtt.url", brokerUrl));
    }
}
