package com.reliableedge.cloud.ingest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.Readiness;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.config.BackfillMode;
import com.reliableedge.cloud.health.DatabaseFaults;
import com.reliableedge.cloud.health.DatabaseWritableCheck;
import com.reliableedge.cloud.security.DeviceAuthenticator;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.binding.MqttTopicCodec;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The MQTT binding's ingest (PROTOCOL.md section 7), on when {@code backfill.ingest.mqtt.url} is set: a persistent
 * session (cleanSession=false) subscribed at QoS 1 to {@code devices/+/messages/events/#} (or its {@code $share}
 * form), each message handed to the one ingest path ({@link MessageIntake}) and acknowledged (manual PUBACK) only
 * after its transaction committed.
 * <p>
 * Messages of one device are handled in order on one of a few lanes, those of different devices side by side (so
 * group commit can gather them); PUBACKs go out in the order the messages arrived, as MQTT 3.1.1 requires, so a
 * message is acknowledged once it and every message before it are done. A message that can never be ingested
 * (malformed topic or bag, unknown device, a refusal) is counted in {@code backfill_mqtt_ingest_skipped_total} and
 * acknowledged, so it never blocks the session. A message that could not be committed for a passing reason (the
 * database) is not acknowledged: the connection is dropped and made again after a backoff, and the broker delivers
 * it (and those after it) again; those already recorded come back as duplicates.
 */
@ApplicationScoped
public class MqttIngest {

    static final String TOPIC_FILTER = "devices/+/messages/events/#";
    /** Lanes: messages of one device stay in order on one lane; more lanes let more devices' messages group. */
    private static final int LANES = 4;
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);

    /** What readiness shows. */
    public record State(boolean enabled, boolean connected, String url, String clientId, String topicFilter,
            long acknowledged, String lastError) {
    }

    private final BackfillConfig.Mqtt config;
    private final MessageIntake intake;
    private final DeviceAuthenticator devices;
    private final DatabaseWritableCheck writable;
    private final MeterRegistry registry;
    private final Counter retried;
    private final Counter connects;

    private MqttOptions options;
    private volatile ScheduledExecutorService control;
    private volatile DeviceLanes lanes;
    private final AtomicInteger failures = new AtomicInteger();
    /** Messages this instance acknowledged (recorded, duplicate or skipped). */
    private final AtomicLong acknowledged = new AtomicLong();
    private volatile Session session;
    private volatile boolean stopping;
    private volatile String lastError;

    @Inject
    public MqttIngest(BackfillConfig config, MessageIntake intake, DeviceAuthenticator devices,
            @Readiness DatabaseWritableCheck writable, MeterRegistry registry) {
        this(config.ingest().mqtt(), intake, devices, writable, registry);
    }

    /** A consumer of its own (tests: a second instance of a shared group). */
    MqttIngest(BackfillConfig.Mqtt config, MessageIntake intake, DeviceAuthenticator devices,
            DatabaseWritableCheck writable, MeterRegistry registry) {
        this.config = config;
        this.intake = intake;
        this.devices = devices;
        this.writable = writable;
        this.registry = registry;
        this.retried = Counter.builder("backfill.mqtt.ingest.retried")
                .description("MQTT messages left unacknowledged for the broker to deliver again (not committed)")
                .register(registry);
        this.connects = Counter.builder("backfill.mqtt.ingest.connects")
                .description("Connections of the MQTT ingest to its broker").register(registry);
    }

    void onStart(@Observes StartupEvent event, BackfillConfig backfill) {
        // A one-shot job does not ingest.
        if (backfill.mode() != BackfillMode.ONE_SHOT) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Checks the configuration (failing startup naming the key and value) and starts connecting, when on. */
    public synchronized void start() {
        if (config.url().isEmpty() || control != null) {
            return;
        }
        options = MqttOptions.of(config);
        stopping = false;
        control = Executors.newSingleThreadScheduledExecutor(r -> DeviceLanes.daemon(r, "mqtt-ingest-control"));
        lanes = new DeviceLanes("mqtt-ingest", LANES);
        Log.infof("MQTT ingest: %s as %s, subscribing %s", options.url(), options.clientId(), options.topicFilter());
        control.execute(this::connect);
    }

    /** Disconnects; what was not acknowledged is delivered again to the next session. */
    public synchronized void stop() {
        if (control == null) {
            return;
        }
        stopping = true;
        control.shutdownNow();
        DeviceLanes.awaitQuietly(control);
        Session s = session;
        if (s != null) {
            s.close(true);
        }
        // The running message finishes (unacknowledged, as the session is closed); queued ones see the closed
        // session and stop.
        lanes.shutdown();
        control = null;
        session = null;
    }

    public State state() {
        if (config.url().isEmpty() || options == null) {
            return new State(false, false, null, null, null, 0, null);
        }
        Session s = session;
        boolean connected = s != null && !s.closed && s.subscribed && s.client.isConnected();
        return new State(true, connected, options.url(), options.clientId(), options.topicFilter(), acknowledged
                .get(), lastError);
    }

    private void connect() {
        if (stopping) {
            return;
        }
        MqttClient client = null;
        Session s = null;
        try {
            client = new MqttClient(options.url(), options.clientId(), new MemoryPersistence());
            client.setManualAcks(true);
            s = new Session(client);
            client.setCallback(s);
            session = s;
            client.connect(options.connectOptions());
            client.subscribe(options.topicFilter(), 1);
            s.subscribed = true;
            if (stopping) {
                // stop() came while this try was under way.
                s.close(true);
                return;
            }
            connects.increment();
            lastError = null;
            Log.infof("MQTT ingest connected to %s", options.url());
        } catch (MqttException | RuntimeException e) {
            lastError = "cannot connect to " + options.url() + ": " + e;
            Log.warnf("MQTT ingest: %s", lastError);
            if (client != null) {
                closeQuietly(client);
            }
            // Unless the session's own connectionLost already scheduled the next try: one try at a time, or two
            // clients of the same id would take the session from each other forever.
            if (s == null || s.markClosed()) {
                scheduleConnect(failures.incrementAndGet());
            }
        }
    }

    private void scheduleConnect(int failuresInARow) {
        if (stopping) {
            return;
        }
        Duration delay = ReconnectBackoff.delay(failuresInARow, FIRST_RETRY, MAX_RETRY, ThreadLocalRandom.current()
                .nextDouble());
        ScheduledExecutorService c = control;
        try {
            if (c != null) {
                c.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            // Stopping.
        }
    }

    /** Ends {@code s} (once) and connects again after a backoff; the broker redelivers what was not acknowledged. */
    private void reconnect(Session s, String why, int failuresInARow) {
        if (!s.markClosed()) {
            return;
        }
        lastError = why;
        ScheduledExecutorService c = control;
        try {
            if (c != null && !stopping) {
                c.execute(() -> {
                    s.close(false);
                    scheduleConnect(failuresInARow);
                });
            }
        } catch (RejectedExecutionException e) {
            // Stopping.
        }
    }

    private void skipped(String reason, String deviceOrTopic, String error) {
        Counter.builder("backfill.mqtt.ingest.skipped").tag("reason", reason)
                .description("MQTT messages acknowledged without being recorded: they can never be ingested")
                .register(registry).increment();
        Log.warnf("MQTT ingest skipped a message (%s) of %s: %s", reason, deviceOrTopic, error);
    }

    /** A received message, waiting for its verdict and for those before it. */
    private static final class Inflight {
        final int id;
        final int qos;
        volatile boolean done;

        Inflight(int id, int qos) {
            this.id = id;
            this.qos = qos;
        }
    }

    /** One connection: its client, and the messages it received that are not acknowledged yet, in order. */
    private final class Session implements MqttCallback {
        final MqttClient client;
        final Deque<Inflight> inflight = new ArrayDeque<>();
        volatile boolean closed;
        volatile boolean subscribed;

        Session(MqttClient client) {
            this.client = client;
        }

        synchronized boolean markClosed() {
            if (closed) {
                return false;
            }
            closed = true;
            inflight.clear();
            return true;
        }

        void close(boolean graceful) {
            markClosed();
            try {
                if (graceful && client.isConnected()) {
                    client.disconnect(2_000);
                } else {
                    client.disconnectForcibly(0, 1_000, false);
                }
            } catch (MqttException e) {
                Log.debugf("MQTT ingest disconnect: %s", e.toString());
            }
            closeQuietly(client);
        }

        @Override
        public void connectionLost(Throwable cause) {
            Log.warnf("MQTT ingest lost its connection: %s", String.valueOf(cause));
            reconnect(this, "connection lost: " + cause, failures.get() + 1);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            Inflight f = new Inflight(message.getId(), message.getQos());
            synchronized (this) {
                if (closed) {
                    return;
                }
                inflight.add(f);
            }
            MqttTopicCodec.Decoded decoded;
            try {
                decoded = MqttTopicCodec.decode(topic);
            } catch (ProtocolException e) {
                skipped("malformed", abbreviate(topic), e.getMessage());
                finish(f, null);
                return;
            }
            String deviceId = decoded.deviceId();
            byte[] payload = message.getPayload();
            Runnable task = () -> {
                if (closed) {
                    return;
                }
                // As an HTTP request has one: the registry and the store read through it.
                ManagedContext requestContext = Arc.container().requestContext();
                requestContext.activate();
                MessageIntake.RetryLater retry;
                try {
                    retry = handle(decoded, payload);
                } catch (RuntimeException e) {
                    // Never leave a message without a verdict: the acknowledgements after it would wait forever.
                    retry = transientFailure(MessageIntake.verdict(e));
                } finally {
                    requestContext.terminate();
                }
                finish(f, retry);
            };
            try {
                lanes.execute(deviceId, task);
            } catch (RejectedExecutionException e) {
                // Stopping: left unacknowledged for the next session.
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // The ingest publishes nothing.
        }

        /**
         * The verdict on one message: null when it is done (recorded or skipped), else the transient failure that
         * keeps it unacknowledged.
         */
        private MessageIntake.RetryLater handle(MqttTopicCodec.Decoded decoded, byte[] payload) {
            String deviceId = decoded.deviceId();
            try {
                devices.requireRegistered(deviceId);
            } catch (Refusal e) {
                skipped("unknown-device", deviceId, e.getMessage());
                return null;
            } catch (RuntimeException e) {
                return transientFailure(MessageIntake.verdict(e));
            }
            MessageIntake.Verdict verdict = intake.offer(MessageIntake.Binding.MQTT, deviceId, decoded.envelope(),
                    payload);
            if (verdict instanceof MessageIntake.Refused r) {
                skipped("refused", deviceId, r.error() + " (" + r.field() + "=" + r.value() + ")");
                return null;
            }
            if (verdict instanceof MessageIntake.Accepted) {
                failures.set(0);
                return null;
            }
            return transientFailure(verdict);
        }

        private MessageIntake.RetryLater transientFailure(MessageIntake.Verdict verdict) {
            MessageIntake.RetryLater retry = verdict instanceof MessageIntake.RetryLater r
                    ? r
                    : new MessageIntake.RetryLater(String.valueOf(verdict), null);
            if (retry.cause() != null && DatabaseFaults.isDatabaseFault(retry.cause())) {
                writable.writeFailed(retry.cause());
            }
            return retry;
        }

        /** Records {@code f}'s verdict and acknowledges, in arrival order, every message that is done. */
        private void finish(Inflight f, MessageIntake.RetryLater retry) {
            if (retry != null) {
                retried.increment();
                Log.warnf("MQTT ingest could not commit a message; reconnecting so that the broker delivers it again:"
                        + " %s", retry.reason());
                reconnect(this, "could not commit: " + retry.reason(), failures.incrementAndGet());
                return;
            }
            Exception failed = null;
            synchronized (this) {
                f.done = true;
                while (!closed && !inflight.isEmpty() && inflight.peekFirst().done) {
                    Inflight head = inflight.pollFirst();
                    try {
                        client.messageArrivedComplete(head.id, head.qos);
                        acknowledged.incrementAndGet();
                    } catch (MqttException | RuntimeException e) {
                        // Not acknowledged: delivered again on the next connection, then a duplicate.
                        Log.warnf("MQTT ingest could not acknowledge message %d: %s", head.id, e.toString());
                        failed = e;
                        break;
                    }
                }
            }
            if (failed != null) {
                reconnect(this, "could not acknowledge: " + failed, failures.incrementAndGet());
            }
        }
    }

    private static String abbreviate(String topic) {
        return topic.length() > 120 ? topic.substring(0, 120) + "…" : topic;
    }

    private static void closeQuietly(MqttClient client) {
        try {
            client.close(true);
        } catch (MqttException | RuntimeException e) {
            Log.debugf("MQTT ingest close: %s", e.toString());
        }
    }

}
