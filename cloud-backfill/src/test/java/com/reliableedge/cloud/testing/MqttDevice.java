package com.reliableedge.cloud.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.reliableedge.protocol.binding.MqttMethodTopics;

/**
 * A device on a broker for the invoker tests: a Paho client that takes each method call from its request topic
 * (plain {@code devices/{id}/methods/POST/#}, or IoT Hub's {@code $iothub/methods/POST/#}), hands the payload to a
 * {@link FakeEdge}'s method endpoint and publishes the edge's status and payload on the matching response topic. When
 * the edge does not answer (closed, or hanging), the device does not answer either.
 */
public final class MqttDevice implements AutoCloseable {

    private final MqttAsyncClient client;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Supplier<String> edgeUrl;
    private final boolean hub;

    private MqttDevice(String brokerUrl, SSLContext tls, String user, String password, String deviceId, boolean hub,
            Supplier<String> edgeUrl) throws MqttException {
        this.edgeUrl = edgeUrl;
        this.hub = hub;
        client = new MqttAsyncClient(brokerUrl, deviceId + "-" + UUID.randomUUID(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // tests that stop the broker make a new device
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                forward(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // answer delivered
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        if (tls != null) {
            options.setSocketFactory(tls.getSocketFactory());
        }
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        client.connect(options).waitForCompletion(10_000);
        String filter = hub ? MqttMethodTopics.hubRequestFilter() : MqttMethodTopics.requestFilter(deviceId);
        client.subscribe(filter, 1).waitForCompletion(10_000);
    }

    /** Device {@code deviceId} on a plain broker. */
    public static MqttDevice plain(String brokerUrl, String user, String password, String deviceId,
            Supplier<String> edgeUrl) throws MqttException {
        return new MqttDevice(brokerUrl, null, user, password, deviceId, false, edgeUrl);
    }

    /** A device connected to the IoT Hub stand-in's TLS broker. */
    public static MqttDevice hub(String brokerUrl, SSLContext tls, String deviceId, Supplier<String> edgeUrl)
            throws MqttException {
        return new MqttDevice(brokerUrl, tls, null, null, deviceId, true, edgeUrl);
    }

    private void forward(String topic, byte[] payload) {
        MqttMethodTopics.Request call = MqttMethodTopics.parseRequest(topic);
        HttpRequest request = HttpRequest.newBuilder(URI.create(edgeUrl.get() + "/api/v1/methods/" + call.method()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenAccept(response -> {
            String answer = hub
                    ? MqttMethodTopics.hubResponse(response.statusCode(), call.rid())
                    : MqttMethodTopics.response(call.deviceId(), response.statusCode(), call.rid());
            publish(answer, response.body());
        });
    }

    /** Publishes {@code payload} on {@code topic} QoS 1, as a device would (also for answers no call waits for). */
    public void publish(String topic, byte[] payload) {
        try {
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            client.publish(topic, message);
        } catch (MqttException e) {
            // a device that cannot answer does not answer
        }
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(0).waitForCompletion(2000);
            }
            client.close(true);
        } catch (MqttException e) {
            // gone already
        }
    }
}
