package com.reliableedge.cloud.testing;

import javax.net.ssl.SSLContext;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.reliableedge.protocol.binding.MqttTopicCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

/** Plays an edge on the MQTT binding: a raw Paho client publishing QoS 1 to the section 7 topics. */
public final class MqttPublisher implements AutoCloseable {

    private final MqttClient client;

    public MqttPublisher(String url, String clientId, SSLContext tls) {
        try {
            client = new MqttClient(url, clientId, new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            if (tls != null) {
                o.setSocketFactory(tls.getSocketFactory());
            }
            client.connect(o);
        } catch (MqttException e) {
            throw new IllegalStateException("cannot connect the test publisher to " + url, e);
        }
    }

    public MqttPublisher(String url) {
        this(url, "test-publisher-" + System.nanoTime(), null);
    }

    /** Publishes on {@code topic} at QoS 1 and waits for the broker's PUBACK. */
    public void publish(String topic, byte[] body) {
        try {
            client.publish(topic, body, 1, false);
        } catch (MqttException e) {
            throw new IllegalStateException("publish failed", e);
        }
    }

    /** Publishes a message of {@code deviceId} with {@code envelope} to its section 7 topic. */
    public void publish(String deviceId, Envelope envelope, byte[] body) {
        publish(MqttTopicCodec.encode(deviceId, envelope), body);
    }

    /** A live batch of the simulator's events in {@code [start, end)}; returns its messageId. */
    public String live(String deviceId, String batchId, long start, long end, long seq) {
        var events = Edge.events(batchId, IndexKind.SEQUENCE, start, end);
        Envelope envelope = Envelope.of(deviceId, MessageProperties.live(batchId, IndexKind.SEQUENCE, new Window(
                start, end), events.size(), seq, 0));
        publish(deviceId, envelope, BatchBody.join(events));
        return envelope.messageId();
    }

    @Override
    public void close() {
        try {
            client.disconnect();
            client.close();
        } catch (MqttException e) {
            // Closing a test client.
        }
    }
}
