package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.reliableedge.edge.health.IotHubMetrics;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.fixtures.TestPki;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.binding.MqttMethodTopics;
import com.reliableedge.protocol.binding.MqttTopicCodec;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.method.BackfillRequest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The IoT Hub binding with the real device SDK, against a TLS mosquitto on 127.0.0.1:8883 (the hub's MQTT side; the
 * SDK's port is fixed, so these tests run one after the other, as surefire runs every class here) with a test CA, and
 * a Paho client playing the hub: it reads telemetry from {@code devices/+/messages/events/#} and calls methods on
 * {@code $iothub/methods/POST/{method}/?$rid=}. Each test has a fresh broker and a fresh device id (the SDK keeps a
 * persistent session).
 */
class IotHubTransportTest extends TransportContractTest {

    static final int HUB_PORT = 8883;
    static final String KEY = Base64.getEncoder().encodeToString("a device key of 32 bytes, really".getBytes(
            StandardCharsets.UTF_8));
    private static final AtomicInteger PEERS = new AtomicInteger();
    private static TestPki pki;

    static synchronized TestPki pki() {
        if (pki == null) {
            try {
                pki = TestPki.create(Files.createTempDirectory("iothub-pki"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pki;
    }

    /** A message as the hub's subscriber saw it: its topic and body. */
    record Raw(String topic, byte[] body) {
    }

    /** A transport the peer made, counting what it acknowledged so that {@link HubPeer#received} can wait for it. */
    static final class Counted implements Transport {
        final IotHubTransport inner;
        final Set<String> acked = ConcurrentHashMap.newKeySet();

        Counted(IotHubTransport inner) {
            this.inner = inner;
        }

        @Override
        public Result send(Envelope envelope, byte[] body) {
            Result r = inner.send(envelope, body);
            if (r.outcome() == Outcome.ACKED) {
                acked.add(envelope.messageId());
            }
            return r;
        }

        @Override
        public void serveMethods(MethodHandler handler) {
            inner.serveMethods(handler);
        }

        @Override
        public boolean reachable() {
            return inner.reachable();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    static IotHubTransport unwrap(Transport t) {
        return t instanceof Counted c ? c.inner : (IotHubTransport) t;
    }

    /** The hub played by a TLS broker on 8883 and a Paho client. */
    static final class HubPeer implements Peer {

        final Path dir;
        final String deviceId;
        final Mosquitto broker;
        final MqttClient hub;
        final List<Raw> raw = new CopyOnWriteArrayList<>();
        final Map<String, CompletableFuture<MethodReply>> replies = new ConcurrentHashMap<>();
        final List<Counted> transports = new CopyOnWriteArrayList<>();
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final IotHubMetrics metrics = new IotHubMetrics(registry);

        HubPeer() throws IOException, MqttException {
            this(0);
        }

        /** @param maxPacketSize the broker's {@code max_packet_size}, 0 for none */
        HubPeer(int maxPacketSize) throws IOException, MqttException {
            dir = Files.createTempDirectory("iothub-peer");
            deviceId = DEVICE + "-" + PEERS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
            Mosquitto.Builder builder = Mosquitto.builder(dir).port(HUB_PORT).tls(pki());
            broker = (maxPacketSize > 0 ? builder.maxPacketSize(maxPacketSize) : builder).start();
            hub = new MqttClient(broker.url(), "hub-" + deviceId, new MemoryPersistence());
            hub.setCallback(new MqttCallbackExtended() {
                @Override
                public void connectComplete(boolean reconnect, String serverUri) {
                }

                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    if (topic.startsWith("$iothub/methods/res/")) {
                        MqttMethodTopics.Response r = MqttMethodTopics.parseResponse(topic);
                        CompletableFuture<MethodReply> waiting = replies.get(r.rid());
                        if (waiting != null) {
                            waiting.complete(new MethodReply(r.status(), message.getPayload()));
                        }
                    } else {
                        raw.add(new Raw(topic, message.getPayload()));
                    }
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions options = new MqttConnectOptions();
            options.setSocketFactory(pki().clientSslContext().getSocketFactory());
            // A persistent session, so telemetry published while it reconnects after a broker restart waits for it.
            options.setCleanSession(false);
            options.setAutomaticReconnect(true);
            options.setMaxReconnectDelay(1_000);
            hub.connect(options);
            hub.subscribe(new String[]{"devices/+/messages/events/#", MqttMethodTopics.hubResponseFilter()},
                    new int[]{1, 1});
        }

        ConnectionString connection(String host) {
            return ConnectionString.forDevice(host, deviceId, KEY);
        }

        Counted transport(Duration timeout, int maxBytes) {
            Counted t = new Counted(new IotHubTransport(connection("127.0.0.1"), IotHubClientProtocol.MQTT, pki()
                    .clientSslContext(), timeout, maxBytes, metrics));
            transports.add(t);
            return t;
        }

        /**
         * Connected: the SDK opens its connection in the background and a send before that is RETRY at once (the
         * sender backs off and sends again), where an HTTP transport is usable as soon as it is made.
         */
        @Override
        public Transport transport() {
            Counted t = transport(Duration.ofSeconds(5), Envelope.MAX_MESSAGE_BYTES);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(t::reachable);
            return t;
        }

        /** 127.0.0.2 is loopback too, but the broker listens on 127.0.0.1 only: nothing answers there. */
        @Override
        public Transport transportToNowhere() {
            return new IotHubTransport(connection("127.0.0.2"), IotHubClientProtocol.MQTT, pki().clientSslContext(),
                    Duration.ofSeconds(2), Envelope.MAX_MESSAGE_BYTES, null);
        }

        /** What the hub's subscriber got, once it got everything a transport of this peer saw acknowledged. */
        @Override
        public List<Received> received() {
            Set<String> acked = new HashSet<>();
            transports.forEach(t -> acked.addAll(t.acked));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> decoded().stream().map(r -> r.envelope()
                    .messageId()).toList().containsAll(acked));
            return decoded();
        }

        List<Received> decoded() {
            List<Received> all = new ArrayList<>();
            for (Raw r : raw) {
                all.add(new Received(MqttTopicCodec.decode(r.topic()).envelope(), r.body()));
            }
            return all;
        }

        /** The hub went away (a broker that stopped). */
        @Override
        public void failTransiently() {
            broker.stop();
        }

        /** IoT Hub's size limit, checked by the transport before anything is sent. */
        @Override
        public Transport.Result sendRefused(Transport transport) {
            return transport.send(envelope(), new byte[Envelope.MAX_MESSAGE_BYTES]);
        }

        @Override
        public void stop() {
            broker.stop();
        }

        @Override
        public void start() {
            broker.start();
        }

        /** As the hub does: a request on {@code $iothub/methods/POST/…}, the device's answer on its {@code res} topic. */
        @Override
        public Optional<MethodReply> call(Transport transport, String methodName, byte[] payload, Duration timeout) {
            IotHubTransport t = unwrap(transport);
            long deadline = System.nanoTime() + timeout.toNanos();
            // The hub only forwards a call to a device that subscribed to methods (else: 404 device not online).
            try {
                Awaitility.await().atMost(timeout).until(() -> t.methodsSubscribed() && hub.isConnected());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                return Optional.empty();
            }
            String rid = Integer.toHexString(PEERS.incrementAndGet()) + UUID.randomUUID().toString().substring(0, 6);
            CompletableFuture<MethodReply> reply = new CompletableFuture<>();
            replies.put(rid, reply);
            try {
                hub.publish(MqttMethodTopics.hubRequest(methodName, rid), payload, 0, false);
                return Optional.of(reply.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                return Optional.empty();
            } catch (MqttException | ExecutionException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } finally {
                replies.remove(rid);
            }
        }

        private boolean closed;

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            transports.forEach(Counted::close);
            try {
                hub.disconnectForcibly(1_000, 1_000);
                hub.close(true);
            } catch (MqttException e) {
                // Closing anyway.
            }
            broker.close();
        }
    }

    @Override
    protected Peer startPeer() throws Exception {
        return new HubPeer();
    }

    private HubPeer hub() {
        return (HubPeer) peer;
    }

    @Test
    void theWireCarriesTheMessageIdAndEveryPropertyOnTheTopic() {
        Envelope gz = Envelope.of(DEVICE, envelope().properties().withContentEncoding("gzip"));
        try (Transport t = peer.transport()) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(t::reachable);
            assertThat(t.send(gz, BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
        }
        assertThat(peer.received()).hasSize(1);
        Raw raw = hub().raw.get(0);
        assertThat(raw.topic()).startsWith("devices/" + hub().deviceId + "/messages/events/");
        Map<String, String> bag = bag(raw.topic());
        assertThat(bag).containsEntry("$.mid", gz.messageId()).containsEntry("$.ct", "application/json")
                .containsEntry("$.ce", "gzip");
        gz.properties().toApplicationProperties().forEach((name, value) -> assertThat(bag).containsEntry(name,
                value));
        assertThat(MqttTopicCodec.decode(raw.topic()).deviceId()).isEqualTo(hub().deviceId);
        assertThat(raw.body()).isEqualTo(BODY);
    }

    private static Map<String, String> bag(String topic) {
        String bag = topic.substring(topic.indexOf("/messages/events/") + "/messages/events/".length());
        Map<String, String> pairs = new java.util.LinkedHashMap<>();
        for (String pair : bag.split("&")) {
            int eq = pair.indexOf('=');
            pairs.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), java.net.URLDecoder
                    .decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return pairs;
    }

    @Test
    void aMessageTheBrokerNeverAcknowledgedIsRetriedNotReleased() {
        // A stopped broker: nothing acknowledges, so nothing is released.
        try (Transport t = peer.transport()) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(t::reachable);
            peer.stop();
            assertThat(t.send(envelope(1), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
            assertThat(((Counted) t).acked).isEmpty();
        }
    }

    @Test
    void aPublishTheBrokerDropsIsRetriedAfterTheTimeout() throws Exception {
        // A broker that drops the connection on a packet past its limit never sends the PUBACK.
        peer.close();
        try (HubPeer small = new HubPeer(10_000)) {
            peer = small;
            try (Transport t = small.transport(Duration.ofSeconds(3), Envelope.MAX_MESSAGE_BYTES)) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(t::reachable);
                Transport.Result r = t.send(envelope(2), new byte[20_000]);
                assertThat(r.outcome()).as(r.detail()).isEqualTo(Transport.Outcome.RETRY);
                assertThat(((Counted) t).acked).isEmpty();
            }
        }
    }

    @Test
    void readinessAndMetricsFollowTheConnectionThroughABrokerRestart() {
        try (Transport t = peer.transport()) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(t::reachable);
            assertThat(hub().metrics.current()).isEqualTo(IotHubConnectionStatus.CONNECTED);
            assertThat(gauge("connected")).isEqualTo(1.0);
            hub().broker.kill();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !t.reachable());
            assertThat(gauge("connected")).isEqualTo(0.0);
            assertThat(gauge("disconnected_retrying") + gauge("disconnected")).isEqualTo(1.0);
            hub().broker.start();
            // The SDK reconnects by itself.
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(t::reachable);
            assertThat(gauge("connected")).isEqualTo(1.0);
            assertThat(t.send(envelope(3), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
        }
        assertThat(hub().registry.find("relay.iothub.status.changes").tag("status", "disconnected_retrying")
                .counters()).isNotEmpty();
        assertThat(hub().registry.find("relay.iothub.status.changes").tag("status", "connected").counters().stream()
                .mapToDouble(c -> c.count()).sum()).isGreaterThanOrEqualTo(2.0);
    }

    private double gauge(String state) {
        return hub().registry.get("relay.iothub.connection.state").tag("state", state).gauge().value();
    }

    @Test
    void methodsStillReachTheHandlerAfterTheBrokerRestarted() {
        try (Transport t = peer.transport()) {
            t.serveMethods((name, payload) -> new MethodReply(202, "{\"result\":\"accepted\"}".getBytes(
                    StandardCharsets.UTF_8)));
            assertThat(peer.call(t, BackfillRequest.METHOD_NAME, backfillPayload("before"), CALL_TIMEOUT)).map(
                    MethodReply::status).contains(202);
            peer.stop();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !t.reachable());
            peer.start();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(t::reachable);
            assertThat(peer.call(t, BackfillRequest.METHOD_NAME, backfillPayload("after"), CALL_TIMEOUT)).map(
                    MethodReply::status).contains(202);
        }
    }

    @Test
    void theProtocolKeyMapsToTheSdksProtocols() {
        assertThat(IotHubTransport.protocol("MQTT")).isEqualTo(IotHubClientProtocol.MQTT);
        assertThat(IotHubTransport.protocol("MQTT_WS")).isEqualTo(IotHubClientProtocol.MQTT_WS);
        assertThat(IotHubTransport.protocol("AMQPS")).isEqualTo(IotHubClientProtocol.AMQPS);
        assertThat(IotHubTransport.protocol("amqps_ws")).isEqualTo(IotHubClientProtocol.AMQPS_WS);
        assertThatThrownBy(() -> IotHubTransport.protocol("HTTPS")).hasMessage(
                "relay.upstream.iothub.protocol 'HTTPS' is not supported; use MQTT, MQTT_WS, AMQPS or AMQPS_WS");
        assertThatThrownBy(() -> IotHubTransport.protocol("")).hasMessageContaining(
                "relay.upstream.iothub.protocol '' is not supported");
    }

    @Test
    void aTrustStoreThatIsNotPemFailsNamingTheKeyAndTheFile() throws IOException {
        Path notPem = Files.writeString(hub().dir.resolve("not.pem"), "not a certificate");
        assertThatThrownBy(() -> IotHubTransport.trusting(notPem)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("relay.upstream.iothub.trust-store '" + notPem + "'");
        assertThat(IotHubTransport.trusting(pki().caCertificate())).isNotNull();
    }

    @Test
    void theHubsRefusalsForGoodAreRejectedAndEverythingElseRetried() {
        assertThat(IotHubTransport.outcome(IotHubStatusCode.REQUEST_ENTITY_TOO_LARGE, "x").reason()).isEqualTo(
                "tooLarge");
        assertThat(IotHubTransport.outcome(IotHubStatusCode.BAD_FORMAT, "x").outcome()).isEqualTo(
                Transport.Outcome.REJECTED);
        assertThat(IotHubTransport.outcome(IotHubStatusCode.THROTTLED, "x").outcome()).isEqualTo(
                Transport.Outcome.RETRY);
        assertThat(IotHubTransport.outcome(IotHubStatusCode.UNAUTHORIZED, "x").outcome()).isEqualTo(
                Transport.Outcome.RETRY);
        hub().metrics.changed(IotHubConnectionStatus.DISCONNECTED, IotHubConnectionStatusChangeReason.BAD_CREDENTIAL);
        assertThat(hub().registry.get("relay.iothub.status.changes").tag("reason", "bad_credential").counter()
                .count()).isEqualTo(1.0);
    }
}
