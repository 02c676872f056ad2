package com.reliableedge.edge.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;

import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.reliableedge.edge.upstream.TransportContractTest.Received;
import com.reliableedge.protocol.binding.MqttMethodTopics;
import com.reliableedge.protocol.binding.MqttTopicCodec;

/**
 * A Paho client playing the cloud on a broker: a persistent session subscribed to every device's messages (decoded
 * with {@link MqttTopicCodec}) and method answers, which publishes method calls and waits for their {@code $rid}.
 * {@link #received()} first lets every message the broker accepted before it arrive: it publishes a marker to itself
 * and waits for it, since the broker delivers one session's messages in the order it accepted them.
 */
final class MqttCloud implements AutoCloseable {

    private static final String EVENTS = "devices/+/messages/events/#";
    private static final String SYNC = "cloud-test/sync/";
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** One publish as it came off the wire. */
    record Wire(String topic, int qos, boolean retained, byte[] payload) {
    }

    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final List<Received> received = new ArrayList<>();
    private final List<Wire> wire = new ArrayList<>();
    private final Map<String, CompletableFuture<MethodReply>> calls = new ConcurrentHashMap<>();
    private final AtomicLong syncsSent = new AtomicLong();
    private volatile long syncsSeen;
    private volatile boolean subscribed;

    /**
     * @param tls {@code null} for a plain broker
     * @param username {@code null} for an anonymous connection
     */
    MqttCloud(String url, SSLContext tls, String username, String password) throws MqttException {
        client = new MqttAsyncClient(url, "cloud-" + UUID.randomUUID(), new MemoryPersistence());
        options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(500);
        options.setConnectionTimeout(10);
        options.setMaxInflight(1000);
        if (tls != null) {
            options.setSocketFactory(tls.getSocketFactory());
        }
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password.toCharArray());
        }
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                if (reconnect) {
                    // A broker that lost the session lost the subscriptions too.
                    subscribe(false);
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                subscribed = false;
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                arrived(topic, message);
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options).waitForCompletion(10_000);
        subscribe(true);
    }

    private void subscribe(boolean wait) {
        try {
            var token = client.subscribe(new String[]{EVENTS, MqttMethodTopics.responseFilter(), SYNC + "#"},
                    new int[]{1, 1, 1}, null, new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            subscribed = true;
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable exception) {
                        }
                    });
            if (wait) {
                token.waitForCompletion(10_000);
            }
        } catch (MqttException e) {
            if (wait) {
                throw new IllegalStateException("the cloud client could not subscribe", e);
            }
        }
    }

    private void awaitSubscribed() {
        Awaitility.await("the cloud client subscribed").atMost(WAIT).until(() -> subscribed && client.isConnected());
    }

    private void arrived(String topic, MqttMessage message) {
        if (topic.startsWith(SYNC)) {
            syncsSeen = Math.max(syncsSeen, Long.parseLong(topic.substring(SYNC.length())));
            return;
        }
        if (topic.contains("/methods/res/")) {
            MqttMethodTopics.Response r = MqttMethodTopics.parseResponse(topic);
            CompletableFuture<MethodReply> call = calls.remove(r.rid());
            if (call != null) {
                call.complete(new MethodReply(r.status(), message.getPayload()));
            }
            return;
        }
        synchronized (this) {
            wire.add(new Wire(topic, message.getQos(), message.isRetained(), message.getPayload()));
            received.add(new Received(MqttTopicCodec.decode(topic).envelope(), message.getPayload()));
        }
    }

    /** Every message received so far, once every message the broker accepted before this call has arrived. */
    List<Received> received() {
        catchUp();
        synchronized (this) {
            return List.copyOf(received);
        }
    }

    /** Every message's publish as received, after {@link #received()}'s wait. */
    List<Wire> wire() {
        catchUp();
        synchronized (this) {
            return List.copyOf(wire);
        }
    }

    private void catchUp() {
        long n = syncsSent.incrementAndGet();
        awaitSubscribed();
        try {
            client.publish(SYNC + n, new MqttMessage(new byte[0]), null, null).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new IllegalStateException("the cloud client could not publish its marker", e);
        }
        Awaitility.await("the broker's earlier messages").atMost(WAIT).until(() -> syncsSeen >= n);
    }

    /** Publishes a method call to {@code deviceId} and waits for its answer. */
    Optional<MethodReply> call(String deviceId, String method, byte[] payload, Duration timeout) {
        String rid = UUID.randomUUID().toString();
        try {
            return Optional.of(request(deviceId, method, rid, payload).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            calls.remove(rid);
        }
    }

    /** Publishes a method call to {@code deviceId} (the broker has it when this returns); its answer to come. */
    CompletableFuture<MethodReply> request(String deviceId, String method, String rid, byte[] payload) {
        awaitSubscribed();
        CompletableFuture<MethodReply> answer = new CompletableFuture<>();
        calls.put(rid, answer);
        publish(MqttMethodTopics.request(deviceId, method, rid), payload);
        return answer;
    }

    /** Publishes anything, QoS 1, and waits for its PUBACK. */
    void publish(String topic, byte[] payload) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        try {
            client.publish(topic, m).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new IllegalStateException("the cloud client could not publish to " + topic, e);
        }
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(0).waitForCompletion(2_000);
            }
        } catch (MqttException e) {
            // Closing anyway.
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // Closed.
        }
    }
}
