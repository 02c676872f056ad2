package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.fixtures.FreePorts;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.fixtures.TestPki;
import com.reliableedge.protocol.binding.MqttTopicCodec;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;

/**
 * The mqtt transport against a real broker (Debian's mosquitto), with a Paho client playing the cloud. MQTT 3.1.1 has
 * no refusal: the contract's refused message is one over the protocol's size limit, which the transport refuses
 * itself; "failing transiently" is the broker going away.
 */
class MqttTransportTest extends TransportContractTest {

    static final Duration TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    /** A broker and the cloud's client on it; transports of {@link #DEVICE} pointed at it. */
    static final class MqttPeer implements Peer {

        final Mosquitto broker;
        final MqttCloud cloud;
        private final MqttSettings settings;

        MqttPeer(Mosquitto broker, MqttCloud cloud, MqttSettings settings) {
            this.broker = broker;
            this.cloud = cloud;
            this.settings = settings;
        }

        static MqttPeer plain(Path dir) throws MqttException {
            Mosquitto broker = Mosquitto.builder(dir).start();
            return new MqttPeer(broker, new MqttCloud(broker.url(), null, null, null), MqttSettings.of(broker.url(),
                    DEVICE).withTimeout(TIMEOUT));
        }

        @Override
        public Transport transport() {
            return new MqttTransport(settings, DEVICE);
        }

        @Override
        public Transport transportToNowhere() {
            return new MqttTransport(MqttSettings.of("tcp://127.0.0.1:" + FreePorts.next(), DEVICE).withTimeout(
                    Duration.ofSeconds(2)), DEVICE);
        }

        @Override
        public List<Received> received() {
            return cloud.received();
        }

        @Override
        public void failTransiently() {
            broker.stop();
        }

        /** Nothing a broker refuses: a message over the protocol's size limit, which the transport refuses itself. */
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

        @Override
        public Optional<MethodReply> call(Transport transport, String methodName, byte[] payload, Duration timeout) {
            // A call published before the relay subscribed (or had a session) would go nowhere.
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(transport::reachable);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                return Optional.empty();
            }
            return cloud.call(DEVICE, methodName, payload, Duration.ofNanos(Math.max(1, deadline - System
                    .nanoTime())));
        }

        @Override
        public void close() {
            cloud.close();
            broker.close();
        }
    }

    @Override
    protected Peer startPeer() throws MqttException {
        return MqttPeer.plain(dir.resolve("broker"));
    }

    private MqttPeer mqtt() {
        return (MqttPeer) peer;
    }

    @Test
    void aMessageIsReleasedOnlyOnItsPuback() throws IOException {
        try (SilentBroker silent = new SilentBroker();
                Transport t = new MqttTransport(MqttSettings.of(silent.url(),
                        DEVICE).withTimeout(Duration.ofSeconds(2)), DEVICE)) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(t::reachable);
            Transport.Result r = t.send(envelope(), BODY);
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Transport.Outcome.RETRY);
            // It was published, connected all along: only the PUBACK was missing.
            assertThat(silent.published()).contains(MqttTopicCodec.encode(DEVICE, envelope()));
            assertThat(t.reachable()).isTrue();
        }
    }

    @Test
    void theBrokerGoingAwayInFlightIsRetriedAndTheMessageArrivesWhenResent() {
        try (Transport t = peer.transport()) {
            assertThat(t.send(envelope(0), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
            mqtt().broker.kill();
            assertThat(t.send(envelope(1), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !t.reachable());
            mqtt().broker.start();
            // A killed broker may have lost the cloud's fresh subscription too: let the cloud subscribe again first.
            mqtt().cloud.received();
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> t
                    .send(envelope(1), BODY).outcome() == Transport.Outcome.ACKED);
        }
        assertThat(peer.received()).extracting(Received::envelope).contains(envelope(1));
    }

    @Test
    void thePropertyBagIsOnTheWireAsTheDeviceSdkWritesIt() {
        Envelope e = envelope();
        try (Transport t = peer.transport()) {
            assertThat(t.send(e, BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
        }
        MqttCloud.Wire w = mqtt().cloud.wire().get(0);
        assertThat(w.topic()).isEqualTo(MqttTopicCodec.encode(DEVICE, e)).startsWith("devices/" + DEVICE
                + "/messages/events/$.mid=" + e.messageId() + "&$.ct=application%2Fjson&").contains("&batchId=line-1&",
                        "&messageType=batch", "&protocolVersion=1", "&isBackfill=false", "&backlogFrom=");
        assertThat(w.qos()).isEqualTo(1);
        assertThat(w.retained()).isFalse();
        assertThat(w.payload()).isEqualTo(BODY);
    }

    @Test
    void theSizeLimitCountsTheBodyAndEveryProperty() {
        Envelope e = envelope();
        int fits = Envelope.MAX_MESSAGE_BYTES - e.propertiesSize();
        try (Transport t = peer.transport()) {
            assertThat(t.send(e, new byte[fits]).outcome()).isEqualTo(Transport.Outcome.ACKED);
            Transport.Result over = t.send(envelope(1), new byte[Envelope.MAX_MESSAGE_BYTES - envelope(1)
                    .propertiesSize() + 1]);
            assertThat(over.outcome()).isEqualTo(Transport.Outcome.REJECTED);
            assertThat(over.reason()).isEqualTo("tooLarge");
        }
        assertThat(peer.received()).extracting(Received::envelope).containsExactly(e);
    }

    @Test
    void methodServingResumesAfterTheBrokerRestarts() throws IOException {
        try (Transport t = peer.transport()) {
            t.serveMethods((name, payload) -> MethodReply.of(new BackfillResponse("r", BackfillResponse.Result.ACCEPTED,
                    "ok")));
            assertThat(peer.call(t, BackfillRequest.METHOD_NAME, backfillPayload("r"), CALL_TIMEOUT))
                    .hasValueSatisfying(
                            r -> assertThat(r.status()).isEqualTo(202));
            mqtt().broker.restart();
            assertThat(peer.call(t, BackfillRequest.METHOD_NAME, backfillPayload("r"), CALL_TIMEOUT))
                    .hasValueSatisfying(
                            r -> assertThat(r.status()).isEqualTo(202));
            // A broker that lost every session (its store gone): only the relay's own re-subscription brings calls.
            mqtt().broker.kill();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !t.reachable());
            try (Stream<Path> files = Files.list(dir.resolve("broker").resolve("data"))) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            mqtt().broker.start();
            assertThat(peer.call(t, BackfillRequest.METHOD_NAME, backfillPayload("r"), CALL_TIMEOUT))
                    .hasValueSatisfying(
                            r -> assertThat(r.status()).isEqualTo(202));
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
        }
    }

    @Test
    void aMalformedMethodTopicIsIgnored() {
        AtomicInteger handled = new AtomicInteger();
        try (Transport t = peer.transport()) {
            t.serveMethods((name, payload) -> {
                handled.incrementAndGet();
                return new MethodReply(202, new byte[0]);
            });
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(t::reachable);
            String base = "devices/" + DEVICE + "/methods/POST/";
            mqtt().cloud.publish(base + "backfill", backfillPayload("a"));
            mqtt().cloud.publish(base + "backfill/?$rid=", backfillPayload("b"));
            mqtt().cloud.publish(base + "/?$rid=1", backfillPayload("c"));
            mqtt().cloud.publish(base + "back fill/?$rid=2", backfillPayload("d"));
            assertThat(peer.call(t, BackfillRequest.METHOD_NAME, backfillPayload("e"), CALL_TIMEOUT)).isPresent();
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
        }
        assertThat(handled).hasValue(1);
    }

    @Test
    void aBlockedHandlerHoldsUpNeitherAcknowledgementsNorOtherCalls() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Transport t = peer.transport()) {
            t.serveMethods((name, payload) -> {
                if (new String(payload, StandardCharsets.UTF_8).contains("slow")) {
                    entered.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new MethodReply(202, payload);
            });
            CompletableFuture<Optional<MethodReply>> slow = CompletableFuture.supplyAsync(() -> peer.call(t,
                    BackfillRequest.METHOD_NAME, backfillPayload("slow"), CALL_TIMEOUT));
            assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
            assertThat(peer.call(t, BackfillRequest.METHOD_NAME, backfillPayload("quick"), CALL_TIMEOUT)).isPresent();
            release.countDown();
            assertThat(slow.get(30, TimeUnit.SECONDS)).hasValueSatisfying(r -> assertThat(new String(r.payload(),
                    StandardCharsets.UTF_8)).contains("slow"));
        }
    }

    @Test
    void tlsWithTheConfiguredCa() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        try (Mosquitto tls = Mosquitto.builder(dir.resolve("tls")).tls(pki).start();
                MqttCloud cloud = new MqttCloud(
                        tls.url(), pki.clientSslContext(), null, null)) {
            assertThat(tls.url()).startsWith("ssl://");
            MqttSettings settings = MqttSettings.of(tls.url(), DEVICE).withTimeout(TIMEOUT);
            try (Transport t = new MqttTransport(settings.withTrustStore(pki.caCertificate()), DEVICE)) {
                assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
                assertThat(t.reachable()).isTrue();
            }
            // The JVM's own trust does not know the test CA: the handshake fails, nothing is sent.
            try (Transport t = new MqttTransport(settings, DEVICE)) {
                assertThat(t.send(envelope(1), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
                assertThat(t.reachable()).isFalse();
            }
            assertThat(cloud.received()).extracting(Received::envelope).containsExactly(envelope());
        }
    }

    @Test
    void usernameAndPassword() throws Exception {
        try (Mosquitto secured = Mosquitto.builder(dir.resolve("users")).user(DEVICE, "device-secret").user("cloud",
                "cloud-secret").start();
                MqttCloud cloud = new MqttCloud(secured.url(), null, "cloud", "cloud-secret")) {
            MqttSettings settings = MqttSettings.of(secured.url(), DEVICE).withTimeout(TIMEOUT);
            try (Transport t = new MqttTransport(settings.withCredentials(DEVICE, "device-secret"), DEVICE)) {
                assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
            }
            try (Transport t = new MqttTransport(settings.withCredentials(DEVICE, "wrong"), DEVICE)) {
                assertThat(t.send(envelope(1), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
                assertThat(t.reachable()).isFalse();
            }
            try (Transport t = new MqttTransport(settings, DEVICE)) {
                assertThat(t.send(envelope(2), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
            }
            assertThat(cloud.received()).extracting(Received::envelope).containsExactly(envelope());
        }
    }

    @Test
    void callsQueuedWhileTheRelayWasOfflineAreAnsweredOnReconnect() throws Exception {
        MqttSettings settings = MqttSettings.of(mqtt().broker.url(), DEVICE).withTimeout(TIMEOUT);
        try (Transport t = new MqttTransport(settings, DEVICE)) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(t::reachable);
        }
        // The relay is offline; its persistent session (client id = device id) holds the call until it is back.
        CompletableFuture<MethodReply> queued = mqtt().cloud.request(DEVICE, BackfillRequest.METHOD_NAME, "queued",
                backfillPayload("queued"));
        try (Transport t = new MqttTransport(settings, DEVICE)) {
            t.serveMethods((name, payload) -> new MethodReply(202, payload));
            // Delivered on connect, possibly before serveMethods: then it is answered busy, which the cloud retries.
            assertThat(queued.get(30, TimeUnit.SECONDS).status()).isIn(202, 503);
        }
    }
}
