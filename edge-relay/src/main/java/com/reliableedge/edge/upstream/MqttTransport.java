package com.reliableedge.edge.upstream;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.binding.MqttMethodTopics;
import com.reliableedge.protocol.binding.MqttTopicCodec;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.method.BackfillResponse;

import io.quarkus.logging.Log;

/**
 * The MQTT 3.1.1 binding (PROTOCOL.md section 7) over Eclipse Paho: one connection with a persistent session
 * (cleanSession=false, client id = the device id unless configured), kept up in the background with exponential
 * backoff and jitter ({@link Backoff}). A message is published QoS 1 to {@link MqttTopicCodec#encode} with the body as
 * payload and is {@code ACKED} only once its PUBACK arrived within the timeout; not connected, no PUBACK in time or
 * the connection lost in flight are {@code RETRY}. MQTT 3.1.1 cannot refuse a message, so a message over the
 * protocol's size limit (body plus property names and values, {@link Envelope#propertiesSize()}) is refused here,
 * {@code REJECTED tooLarge}, without being published.
 * <p>
 * Method calls arrive on {@code devices/{deviceId}/methods/POST/{method}/?$rid={rid}} (subscribed QoS 1 on every
 * connect, so a broker that lost the session still delivers) and are answered on
 * {@code devices/{deviceId}/methods/res/{status}/?$rid={rid}}. The handler runs on a small pool of its own, never on
 * Paho's callback thread, which must keep delivering PUBACKs while a call waits on the store. A topic that is not a
 * call of this device is logged and ignored.
 */
public class MqttTransport implements Transport {

    /** Reconnect delays: 250 ms doubling to 30 s, jittered in the upper half. */
    static final Backoff RECONNECT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));
    /** Paho's own cap on unacknowledged publishes; far above what the sender keeps in flight. */
    private static final int MAX_INFLIGHT = 1024;
    private static final int METHOD_THREADS = 2;
    private static final int METHOD_QUEUE = 32;

    private final MqttSettings settings;
    private final String deviceId;
    private final int maxMessageBytes;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final ScheduledExecutorService connector;
    private final ThreadPoolExecutor methodWorkers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readyChanged = lock.newCondition();
    /** Connected and subscribed to the method topic. */
    private volatile boolean ready;
    private volatile boolean closed;
    private volatile MethodHandler methods;
    /** Connector thread only. */
    private int failedAttempts;
    private ScheduledFuture<?> pendingConnect;
    private String lastFailure;

    /** Connects in the background at once; {@link #send} waits for the connection within its timeout. */
    public MqttTransport(MqttSettings settings, String deviceId) {
        this(settings, deviceId, Envelope.MAX_MESSAGE_BYTES);
    }

    public MqttTransport(MqttSettings settings, String deviceId, int maxMessageBytes) {
        this.settings = settings;
        this.deviceId = deviceId;
        this.maxMessageBytes = maxMessageBytes;
        try {
            this.client = new MqttAsyncClient(settings.url(), settings.clientId(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new IllegalStateException(MqttSettings.URL + " '" + settings.url() + "' cannot be used: " + e
                    .getMessage(), e);
        }
        this.options = options(settings);
        this.client.setCallback(new Callback());
        ScheduledThreadPoolExecutor c = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "relay-mqtt-connect"));
        c.setRemoveOnCancelPolicy(true);
        this.connector = c;
        this.methodWorkers = new ThreadPoolExecutor(METHOD_THREADS, METHOD_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(METHOD_QUEUE), r -> daemon(r, "relay-mqtt-method"));
        this.methodWorkers.allowCoreThreadTimeOut(true);
        connector.execute(this::connect);
    }

    private static MqttConnectOptions options(MqttSettings s) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        // Reconnecting is ours (backoff with jitter, and re-subscribing).
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout((int) Math.max(1, ceilSeconds(s.timeout())));
        o.setKeepAliveInterval((int) s.keepAlive().toSeconds());
        o.setMaxInflight(MAX_INFLIGHT);
        if (s.username() != null) {
            o.setUserName(s.username());
        }
        if (s.password() != null) {
            o.setPassword(s.password().toCharArray());
        }
        if (s.socketFactory() != null) {
            o.setSocketFactory(s.socketFactory());
        }
        return o;
    }

    @Override
    public Result send(Envelope envelope, byte[] body) {
        long size = (long) body.length + envelope.propertiesSize();
        if (size > maxMessageBytes) {
            return new Result(Outcome.REJECTED, "message of " + size + " bytes is over the limit of "
                    + maxMessageBytes + " bytes (MQTT cannot refuse it, so the relay does)", "tooLarge");
        }
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        if (!awaitReady(deadline)) {
            return new Result(Outcome.RETRY, "not connected to " + settings.url() + (lastFailure != null
                    ? ": "
                            + lastFailure
                    : ""));
        }
        MqttMessage message = new MqttMessage(body);
        message.setQos(1);
        message.setRetained(false);
        try {
            IMqttDeliveryToken token = client.publish(MqttTopicCodec.encode(deviceId, envelope), message);
            token.waitForCompletion(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            return new Result(Outcome.ACKED, "PUBACK");
        } catch (MqttException e) {
            // No PUBACK in time, or the connection went: Paho may still deliver it, and a second copy has the same
            // messageId, which the cloud ignores.
            return new Result(Outcome.RETRY, describe(e));
        }
    }

    /** Waits until connected and subscribed, or the deadline, or close. */
    private boolean awaitReady(long deadline) {
        if (ready) {
            return true;
        }
        lock.lock();
        try {
            long left;
            while (!ready && !closed && (left = deadline - System.nanoTime()) > 0) {
                readyChanged.awaitNanos(left);
            }
            return ready;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void setReady(boolean value) {
        lock.lock();
        try {
            ready = value;
            readyChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void serveMethods(MethodHandler handler) {
        this.methods = handler;
    }

    /** Connected to the broker and subscribed to this device's method calls. */
    @Override
    public boolean reachable() {
        return ready && client.isConnected();
    }

    // --- connection, on the connector thread only

    private void connect() {
        pendingConnect = null;
        if (closed || client.isConnected()) {
            return;
        }
        try {
            client.connect(options).waitForCompletion(2 * settings.timeout().toMillis() + 1_000);
        } catch (MqttException e) {
            connectFailed(describe(e));
            return;
        }
        try {
            IMqttToken subscribed = client.subscribe(MqttMethodTopics.requestFilter(deviceId), 1);
            subscribed.waitForCompletion(settings.timeout().toMillis());
            int[] granted = subscribed.getGrantedQos();
            if (granted != null && granted.length > 0 && granted[0] == 0x80) {
                refusedSubscription();
            }
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
                refusedSubscription();
            } else {
                // Without the subscription no call arrives: start over rather than send without it.
                disconnectQuietly();
                connectFailed("subscribing to the method topic: " + describe(e));
                return;
            }
        }
        if (failedAttempts > 0 || lastFailure != null) {
            Log.infof("Connected to the MQTT broker %s as %s again, after %d failed attempts", settings.url(),
                    settings.clientId(), failedAttempts);
        } else {
            Log.infof("Connected to the MQTT broker %s as %s", settings.url(), settings.clientId());
        }
        failedAttempts = 0;
        lastFailure = null;
        setReady(true);
    }

    private void refusedSubscription() {
        // Messages still go upstream; only calls cannot reach this relay. The broker's ACL is the likely cause.
        Log.errorf("The MQTT broker %s refused the subscription to %s: method calls will not arrive (check its ACL)",
                settings.url(), MqttMethodTopics.requestFilter(deviceId));
    }

    private void connectFailed(String why) {
        failedAttempts++;
        if (failedAttempts == 1 || !why.equals(lastFailure)) {
            Log.warnf("Cannot connect to the MQTT broker %s as %s: %s (retrying with backoff)", settings.url(),
                    settings.clientId(), why);
        }
        lastFailure = why;
        scheduleConnect(RECONNECT.delayNanos(failedAttempts, ThreadLocalRandom.current().nextDouble()));
    }

    private void scheduleConnect(long delayNanos) {
        if (closed || (pendingConnect != null && !pendingConnect.isDone())) {
            return;
        }
        try {
            pendingConnect = connector.schedule(this::connect, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    private void connectionLost(Throwable cause) {
        setReady(false);
        if (closed) {
            return;
        }
        lastFailure = "connection lost: " + (cause == null ? "unknown" : cause.getMessage());
        Log.warnf("Lost the connection to the MQTT broker %s: %s; reconnecting", settings.url(), cause == null
                ? "unknown"
                : cause.toString());
        scheduleConnect(RECONNECT.delayNanos(1, ThreadLocalRandom.current().nextDouble()));
    }

    private void disconnectQuietly() {
        setReady(false);
        try {
            client.disconnectForcibly(0, 1_000, false);
        } catch (MqttException e) {
            // Already gone.
        }
    }

    // --- method calls

    private void callArrived(String topic, MqttMessage message) {
        MqttMethodTopics.Request call;
        try {
            call = MqttMethodTopics.parseRequest(topic);
        } catch (ProtocolException e) {
            Log.warnf("Ignored a message that is not a method call: %s", e.getMessage());
            return;
        }
        if (!deviceId.equals(call.deviceId())) {
            Log.warnf("Ignored a method call for another device on topic '%s'", abbreviate(topic));
            return;
        }
        byte[] payload = message.getPayload();
        try {
            methodWorkers.execute(() -> answer(call, payload));
        } catch (RejectedExecutionException e) {
            // A flood of calls: busy, answered here without waiting (Paho's thread must not block).
            publishReply(call, busy("too many method calls at once"), false);
        }
    }

    private void answer(MqttMethodTopics.Request call, byte[] payload) {
        MethodHandler handler = methods;
        MethodReply reply;
        if (handler == null) {
            reply = MethodReply.notServing();
        } else {
            try {
                reply = handler.handle(call.method(), payload);
            } catch (RuntimeException e) {
                Log.errorf(e, "The method handler failed on call %s", call.rid());
                reply = busy("the relay could not handle the call");
            }
        }
        publishReply(call, reply, true);
    }

    private void publishReply(MqttMethodTopics.Request call, MethodReply reply, boolean wait) {
        MqttMessage answer = new MqttMessage(reply.payload());
        answer.setQos(1);
        try {
            IMqttDeliveryToken token = client.publish(MqttMethodTopics.response(deviceId, reply.status(), call.rid()),
                    answer);
            if (wait) {
                token.waitForCompletion(settings.timeout().toMillis());
            }
        } catch (MqttException e) {
            // The cloud counts a missing answer as no answer and calls again (a known requestId is 202 again).
            Log.warnf("Could not answer method call %s (%d): %s", call.rid(), reply.status(), describe(e));
        }
    }

    private static MethodReply busy(String why) {
        return MethodReply.of(new BackfillResponse(null, BackfillResponse.Result.BUSY, why));
    }

    private final class Callback implements MqttCallbackExtended {

        @Override
        public void connectionLost(Throwable cause) {
            try {
                connector.execute(() -> MqttTransport.this.connectionLost(cause));
            } catch (RejectedExecutionException e) {
                setReady(false);
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            callArrived(topic, message);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // send() waits on the token itself.
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // connect() marks the transport ready once it has also subscribed.
        }
    }

    @Override
    public void close() {
        closed = true;
        setReady(false);
        connector.shutdownNow();
        methodWorkers.shutdown();
        try {
            methodWorkers.awaitTermination(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            connector.awaitTermination(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                client.disconnect(1_000).waitForCompletion(2_000);
            }
        } catch (MqttException e) {
            disconnectQuietly();
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            Log.debugf("Closing the MQTT client: %s", describe(e));
        }
    }

    @Override
    public String toString() {
        return "MqttTransport[" + settings.url() + " as " + settings.clientId() + "]";
    }

    private static String describe(MqttException e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        return (message == null ? "MQTT error" : message) + " (" + e.getReasonCode() + ")" + (cause != null
                ? ": "
                        + cause
                : "");
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static long ceilSeconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
