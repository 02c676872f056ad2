package com.reliableedge.cloud.invoker;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.binding.MqttMethodTopics;
import com.reliableedge.protocol.method.BackfillRequest;

import io.quarkus.logging.Log;

/**
 * The {@code mqtt} method invoker (PROTOCOL.md section 7): publishes the method payload QoS 1 to
 * {@code devices/{deviceId}/methods/POST/backfill/?$rid={rid}} and waits, up to the response timeout, for the
 * device's answer on {@code devices/{deviceId}/methods/res/{status}/?$rid={rid}}. One connection per instance,
 * subscribed to every device's answers; it reconnects in the background, and a call made while it is not connected
 * is no answer at once. The device needs no method URL.
 */
public final class MqttMethodInvoker implements MethodInvoker, AutoCloseable {

    static final String METHOD = "backfill";
    private static final long MAX_RECONNECT_DELAY_MS = 30_000;

    private record Pending(String deviceId, CompletableFuture<MethodResult> answer) {
    }

    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reconnects;
    private final AtomicInteger failedConnects = new AtomicInteger();
    private volatile boolean ready;
    private volatile boolean closed;

    /**
     * Starts connecting at once, in the background.
     *
     * @param url {@code tcp://host:port} or {@code ssl://host:port}
     * @param tls the trust for {@code ssl://}; empty: the JVM's
     * @throws IllegalArgumentException naming {@code backfill.invoker.mqtt.url} and the value when it is neither
     */
    public MqttMethodInvoker(String url, Optional<String> username, Optional<String> password, Optional<SSLContext> tls,
            String clientId, Duration connectTimeout, Duration responseTimeout) {
        if (url == null || !(url.startsWith("tcp://") || url.startsWith("ssl://"))) {
            throw new IllegalArgumentException("backfill.invoker.mqtt.url '" + url
                    + "' must be tcp://host:port or ssl://host:port");
        }
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        try {
            this.client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new IllegalArgumentException("backfill.invoker.mqtt.url '" + url + "' or client id '" + clientId
                    + "' is not usable: " + e.getMessage(), e);
        }
        options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        // Answers are only of use to the calls waiting in this process: a clean session forgets the rest.
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout((int) Math.max(1, ceilSeconds(connectTimeout)));
        options.setKeepAliveInterval(30);
        options.setMaxInflight(1000);
        username.ifPresent(options::setUserName);
        password.ifPresent(p -> options.setPassword(p.toCharArray()));
        tls.ifPresent(c -> options.setSocketFactory(c.getSocketFactory()));
        client.setCallback(new Callback());
        reconnects = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-method-invoker-connect");
            t.setDaemon(true);
            return t;
        });
        reconnects.execute(this::connect);
    }

    /** Whether it is connected and subscribed to the answers, so calls can be made. */
    public boolean ready() {
        return ready;
    }

    @Override
    public MethodResult invoke(MethodTarget target, BackfillRequest request) {
        if (!ready) {
            return MethodResult.noAnswer("not connected to the MQTT broker");
        }
        String rid = UUID.randomUUID().toString();
        String topic;
        try {
            topic = MqttMethodTopics.request(target.deviceId(), METHOD, rid);
        } catch (ProtocolException e) {
            return MethodResult.noAnswer("no method topic for device: " + e.getMessage());
        }
        Pending call = new Pending(target.deviceId(), new CompletableFuture<>());
        pending.put(rid, call);
        try {
            long deadline = System.nanoTime() + connectTimeout.toNanos() + responseTimeout.toNanos();
            MqttMessage message = new MqttMessage(request.toJson());
            message.setQos(1);
            IMqttDeliveryToken token = client.publish(topic, message);
            token.waitForCompletion(Math.max(1, connectTimeout.toMillis()));
            long left = Math.min(responseTimeout.toNanos(), deadline - System.nanoTime());
            return call.answer().get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (MqttException e) {
            return MethodResult.noAnswer("publish failed: " + e.getMessage());
        } catch (TimeoutException e) {
            return MethodResult.noAnswer("no answer within " + responseTimeout);
        } catch (ExecutionException e) {
            return MethodResult.noAnswer("failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MethodResult.noAnswer("interrupted");
        } finally {
            pending.remove(rid);
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        try {
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken connected) {
                    subscribe();
                }

                @Override
                public void onFailure(IMqttToken connected, Throwable e) {
                    retryLater(e);
                }
            });
        } catch (MqttException e) {
            retryLater(e);
        }
    }

    private void subscribe() {
        try {
            client.subscribe(MqttMethodTopics.responseFilter(), 1, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken subscribed) {
                    int[] granted = subscribed.getGrantedQos();
                    if (granted != null && granted.length > 0 && granted[0] == 0x80) {
                        Log.warnf("the MQTT broker refused the subscription to %s", MqttMethodTopics
                                .responseFilter());
                        dropAndRetry(null);
                        return;
                    }
                    failedConnects.set(0);
                    ready = true;
                    Log.infof("method invoker connected to %s", client.getServerURI());
                }

                @Override
                public void onFailure(IMqttToken subscribed, Throwable e) {
                    dropAndRetry(e);
                }
            });
        } catch (MqttException e) {
            dropAndRetry(e);
        }
    }

    private void dropAndRetry(Throwable e) {
        try {
            client.disconnectForcibly(0, 1000);
        } catch (MqttException ignored) {
            // already gone
        }
        retryLater(e);
    }

    private void retryLater(Throwable e) {
        ready = false;
        if (closed) {
            return;
        }
        long delay = reconnectDelayMillis(failedConnects.getAndIncrement());
        Log.debugf("method invoker not connected to %s (%s); retrying in %d ms", client.getServerURI(), e, delay);
        try {
            reconnects.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /** 250 ms after the first failure, doubling to 30 s: a broker back up is found again quickly. */
    static long reconnectDelayMillis(int failuresBefore) {
        int shift = Math.min(Math.max(failuresBefore, 0), 20);
        return Math.min(MAX_RECONNECT_DELAY_MS, 250L << shift);
    }

    private final class Callback implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
            Log.warnf("method invoker lost the MQTT broker: %s", cause == null ? "closed" : cause.getMessage());
            retryLater(cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            MqttMethodTopics.Response response;
            try {
                response = MqttMethodTopics.parseResponse(topic);
            } catch (ProtocolException e) {
                Log.debugf("ignored a message on %s: %s", topic, e.getMessage());
                return;
            }
            Pending call = pending.get(response.rid());
            // Another instance's call, one given up, or an answer from a device that was not called: not ours.
            if (call == null || !call.deviceId().equals(response.deviceId())) {
                return;
            }
            call.answer().complete(new MethodResult(response.status(), MethodPayloads.read(message.getPayload()),
                    "MQTT " + response.status()));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // waited for in invoke
        }
    }

    @Override
    public void close() {
        closed = true;
        ready = false;
        reconnects.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect(0).waitForCompletion(1000);
            }
        } catch (MqttException e) {
            Log.debugf("method invoker disconnect: %s", e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            Log.debugf("method invoker close: %s", e.getMessage());
        }
    }

    private static long ceilSeconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }

}
