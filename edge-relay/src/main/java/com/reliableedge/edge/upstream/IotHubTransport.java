package com.reliableedge.edge.upstream;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.ConnectionStatusChangeContext;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageSentCallback;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodPayload;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.binding.PemTrust;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import io.quarkus.logging.Log;

/**
 * The Azure IoT Hub binding, on the Azure IoT device SDK's {@link DeviceClient}: each message goes with
 * {@code sendEventAsync} carrying the section 2 application properties, {@code messageId}, content type and encoding,
 * and is {@link Outcome#ACKED} only when the SDK's callback reports success within the timeout (over MQTT: the
 * hub's PUBACK). Too large (checked here, before sending) or refused by the hub as too large or malformed is
 * {@link Outcome#REJECTED}; everything else, not being connected included, is {@link Outcome#RETRY}. The backfill
 * method arrives through the SDK's method subscription ({@code $iothub/methods/POST/…} over MQTT).
 * <p>
 * Reconnecting and renewing the SAS token are the SDK's; this class only opens the client (again, with backoff, when
 * the first open fails or the SDK gives up after its retry policy) and reports the SDK's connection status
 * ({@link #reachable()}, the {@link StatusListener}).
 * <p>
 * As an IoT Hub module (a {@link ModuleClient}: an IoT Edge module talking to its local edgeHub, or a module connection
 * string) the same holds, with messages sent as module messages to the configured module output and the method
 * delivered as a module method.
 */
public class IotHubTransport implements Transport {

    /** What {@code relay.upstream.iothub.protocol} names, to the SDK's protocol. */
    public static IotHubClientProtocol protocol(String configured) {
        String p = configured == null ? "" : configured.trim().toUpperCase(Locale.ROOT);
        return switch (p) {
            case "MQTT" -> IotHubClientProtocol.MQTT;
            case "MQTT_WS" -> IotHubClientProtocol.MQTT_WS;
            case "AMQPS" -> IotHubClientProtocol.AMQPS;
            case "AMQPS_WS" -> IotHubClientProtocol.AMQPS_WS;
            default -> throw new IllegalArgumentException("relay.upstream.iothub.protocol '" + configured
                    + "' is not supported; use MQTT, MQTT_WS, AMQPS or AMQPS_WS");
        };
    }

    /** Told of every connection status the SDK reports (metrics). */
    @FunctionalInterface
    public interface StatusListener {
        void changed(IotHubConnectionStatus status, IotHubConnectionStatusChangeReason reason);
    }

    private static final Duration FIRST_REOPEN = Duration.ofSeconds(1);
    private static final Duration MAX_REOPEN = Duration.ofSeconds(60);

    private final InternalClient client;
    private final String output;
    private final Duration timeout;
    private final int maxMessageBytes;
    private final StatusListener listener;
    private final ScheduledExecutorService opener;
    private final AtomicBoolean opening = new AtomicBoolean();
    private final AtomicInteger failedOpens = new AtomicInteger();
    private final Backoff reopenBackoff = new Backoff(FIRST_REOPEN, MAX_REOPEN);
    private volatile IotHubConnectionStatus status = IotHubConnectionStatus.DISCONNECTED;
    private volatile MethodHandler methods;
    private volatile boolean methodsSubscribed;
    private volatile boolean closed;

    /**
     * Builds the client and starts opening it in the background (the relay starts whether or not the hub answers).
     *
     * @param sslContext the TLS trust to use instead of the JVM's (a local stand-in's CA), or null
     * @param maxMessageBytes the largest message the hub takes: body plus every property name and value
     */
    public IotHubTransport(ConnectionString connection, IotHubClientProtocol protocol, SSLContext sslContext,
            Duration timeout, int maxMessageBytes, StatusListener listener) {
        this(new DeviceClient(connection.format(), protocol, options(sslContext)), connection.deviceId(), null,
                timeout, maxMessageBytes, listener);
    }

    /**
     * Over a client already built (a {@link DeviceClient}, or a {@link ModuleClient} from {@link IotHubClients}),
     * opening it in the background.
     *
     * @param name the identity, for thread names and logs
     * @param output the module output messages go to ({@link ModuleClient} only), or null for none
     */
    public IotHubTransport(InternalClient client, String name, String output, Duration timeout, int maxMessageBytes,
            StatusListener listener) {
        this.timeout = timeout;
        this.maxMessageBytes = maxMessageBytes;
        this.output = client instanceof ModuleClient && output != null && !output.isBlank() ? output : null;
        this.listener = listener == null ? (s, r) -> {
        } : listener;
        this.client = client;
        client.setConnectionStatusChangeCallback(this::onStatus, null);
        this.opener = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iothub-open-" + name);
            t.setDaemon(true);
            return t;
        });
        scheduleOpen(Duration.ZERO);
    }

    private void scheduleOpen(Duration delay) {
        if (closed || !opening.compareAndSet(false, true)) {
            return;
        }
        try {
            opener.schedule(this::open, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            // Closed meanwhile.
            opening.set(false);
        }
    }

    private void open() {
        try {
            if (closed) {
                return;
            }
            // One attempt; after a failure this class retries with its own backoff, so close() never waits on it.
            client.open(false);
            failedOpens.set(0);
            subscribeToMethods();
        } catch (IotHubClientException | RuntimeException e) {
            if (closed) {
                return;
            }
            int failures = failedOpens.incrementAndGet();
            Duration delay = Duration.ofNanos(reopenBackoff.delayNanos(failures, ThreadLocalRandom.current()
                    .nextDouble()));
            Log.warnf("Could not connect to IoT Hub (%s); trying again in %d ms", describe(e), delay.toMillis());
            opening.set(false);
            quietClose();
            scheduleOpen(delay);
            return;
        }
        opening.set(false);
    }

    private void subscribeToMethods() {
        // Subscribed as soon as connected: until serveMethods, calls are answered notServing (503, retry later).
        client.subscribeToMethodsAsync(this::onMethod, null, (e, context) -> {
            if (e == null) {
                methodsSubscribed = true;
            } else if (!closed) {
                Log.warnf("IoT Hub refused the method subscription (%s); trying again in 5 s", describe(e));
                try {
                    opener.schedule(() -> {
                        if (!closed && status == IotHubConnectionStatus.CONNECTED && !methodsSubscribed) {
                            subscribeToMethods();
                        }
                    }, 5, TimeUnit.SECONDS);
                } catch (RuntimeException closedMeanwhile) {
                    // Closing: nothing to subscribe for.
                }
            }
        }, null);
    }

    /** How long the SDK keeps reconnecting by itself before it gives up (its default is 4 minutes); for tests. */
    void sdkRetryFor(Duration d) {
        client.setOperationTimeout(d.toMillis());
    }

    private void onStatus(ConnectionStatusChangeContext change) {
        IotHubConnectionStatus now = change.getNewStatus();
        IotHubConnectionStatusChangeReason reason = change.getNewStatusReason();
        status = now;
        listener.changed(now, reason);
        if (now == IotHubConnectionStatus.CONNECTED) {
            Log.infof("Connected to IoT Hub (%s)", reason);
        } else if (now == IotHubConnectionStatus.DISCONNECTED_RETRYING) {
            Log.warnf("Lost the IoT Hub connection (%s, %s); the SDK reconnects", reason, describe(change
                    .getCause()));
        } else {
            methodsSubscribed = false;
            if (!closed && reason != IotHubConnectionStatusChangeReason.CLIENT_CLOSE) {
                // The SDK gave up (its retry policy expired, or credentials were refused): open again later.
                Log.warnf("Disconnected from IoT Hub (%s, %s); opening again", reason, describe(change.getCause()));
                int failures = failedOpens.incrementAndGet();
                scheduleOpen(Duration.ofNanos(reopenBackoff.delayNanos(failures, ThreadLocalRandom.current()
                        .nextDouble())));
            }
        }
    }

    private DirectMethodResponse onMethod(String methodName, DirectMethodPayload payload, Object context) {
        MethodHandler handler = methods;
        MethodReply reply;
        if (handler == null) {
            reply = MethodReply.notServing();
        } else {
            try {
                // The SDK hands the payload over as parsed JSON; its text form is what the handler reads.
                String json = payload == null ? "" : payload.getPayloadAsJsonString();
                reply = handler.handle(methodName, json == null
                        ? new byte[0]
                        : json.getBytes(
                                StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                Log.errorf(e, "The method handler failed on %s", methodName);
                reply = MethodReply.notServing();
            }
        }
        return new DirectMethodResponse(reply.status(), payloadJson(reply.payload()));
    }

    /** The SDK's client options: the given TLS trust, or the SDK's default. */
    static ClientOptions options(SSLContext sslContext) {
        ClientOptions.ClientOptionsBuilder options = ClientOptions.builder();
        if (sslContext != null) {
            options.sslContext(sslContext);
        }
        return options.build();
    }

    /** The reply's JSON as the SDK serializes it back (a String would be sent as a JSON string). */
    static JsonElement payloadJson(byte[] payload) {
        if (payload.length == 0) {
            return JsonNull.INSTANCE;
        }
        try {
            return JsonParser.parseString(new String(payload, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            // Replies are the handler's own JSON; should one not be, it still goes back, as a string.
            return new com.google.gson.JsonPrimitive(new String(payload, StandardCharsets.UTF_8));
        }
    }

    @Override
    public Result send(Envelope envelope, byte[] body) {
        long size = (long) body.length + envelope.propertiesSize();
        if (size > maxMessageBytes) {
            return new Result(Outcome.REJECTED, "the message has " + size + " bytes, more than the hub's "
                    + maxMessageBytes, "tooLarge");
        }
        if (status != IotHubConnectionStatus.CONNECTED) {
            // Not handed to the SDK, which would queue it until it reconnects.
            return new Result(Outcome.RETRY, "not connected to IoT Hub (" + status + ")");
        }
        CompletableFuture<Optional<IotHubClientException>> sent = new CompletableFuture<>();
        try {
            Message message = message(envelope, body, timeout);
            MessageSentCallback done = (m, e, context) -> sent.complete(Optional
                    .ofNullable(e));
            if (output != null) {
                ((ModuleClient) client).sendEventAsync(message, done, null, output);
            } else {
                client.sendEventAsync(message, done, null);
            }
        } catch (RuntimeException e) {
            return new Result(Outcome.RETRY, "the SDK did not take the message: " + describe(e));
        }
        try {
            Optional<IotHubClientException> failure = sent.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (failure.isEmpty()) {
                return new Result(Outcome.ACKED, "sent");
            }
            return outcome(failure.get().getStatusCode(), describe(failure.get()));
        } catch (TimeoutException e) {
            return new Result(Outcome.RETRY, "no acknowledgement from IoT Hub within " + timeout);
        } catch (ExecutionException e) {
            return new Result(Outcome.RETRY, describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Outcome.RETRY, "interrupted");
        }
    }

    /** A send the SDK reported as failed: refused for good only when the hub said too large or malformed. */
    static Result outcome(IotHubStatusCode code, String detail) {
        if (code == IotHubStatusCode.REQUEST_ENTITY_TOO_LARGE) {
            return new Result(Outcome.REJECTED, detail, "tooLarge");
        }
        if (code == IotHubStatusCode.BAD_FORMAT) {
            return new Result(Outcome.REJECTED, detail, "malformed");
        }
        return new Result(Outcome.RETRY, detail);
    }

    /** The SDK's message for one envelope and body: PROTOCOL.md section 2's properties, on the hub's fields. */
    static Message message(Envelope envelope, byte[] body, Duration timeout) {
        Message message = new Message(body);
        message.setMessageId(envelope.messageId());
        // Past the send's timeout the sender sends it again; the SDK need not keep this copy queued.
        message.setExpiryTime(timeout.toMillis());
        message.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        if (envelope.properties().contentEncoding() != null) {
            message.setContentEncoding(envelope.properties().contentEncoding());
        }
        envelope.properties().toApplicationProperties().forEach(message::setProperty);
        return message;
    }

    /**
     * A TLS context trusting only the CA certificates of a PEM file ({@code relay.upstream.iothub.trust-store}).
     *
     * @throws IllegalArgumentException naming the key and the file when it cannot be read as PEM certificates
     */
    /**
    * A TLS context trusting only the CA certificates of a PEM file ({@code relay.upstream.iothub.trust-store}).
    *
    * @throws IllegalArgumentException naming the key and the file when it cannot be read as PEM certificates
    */
    public static SSLContext trusting(Path pemFile) {
        return PemTrust.sslContext("relay.upstream.iothub.trust-store", pemFile);
    }

    @Override
    public void serveMethods(MethodHandler handler) {
        this.methods = handler;
    }

    /** Whether the SDK has acknowledged the method subscription on the current connection. */
    public boolean methodsSubscribed() {
        return methodsSubscribed;
    }

    /** The SDK's connection status, as last reported. */
    public IotHubConnectionStatus status() {
        return status;
    }

    @Override
    public boolean reachable() {
        return status == IotHubConnectionStatus.CONNECTED;
    }

    @Override
    public void close() {
        closed = true;
        opener.shutdownNow();
        quietClose();
    }

    private void quietClose() {
        try {
            client.close();
        } catch (RuntimeException e) {
            Log.debugf("Closing the IoT Hub client: %s", describe(e));
        }
    }

    private static String describe(Throwable e) {
        if (e == null) {
            return "no cause given";
        }
        String text = e instanceof IotHubClientException h ? h.getStatusCode() + " " + e.getMessage() : e.toString();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
