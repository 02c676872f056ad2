package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;

/**
 * The contract of {@link Transport}, the same for every binding: a message arrives with its envelope and body intact
 * and is {@code ACKED} only once the receiver confirmed it; a refusal for good is {@code REJECTED}; trouble and an
 * absent receiver are {@code RETRY}; a restarted receiver is reached again; concurrent sends all arrive; a method call
 * reaches the one handler and its reply, whatever its status, goes back to the caller unchanged. Each binding's test
 * extends this class with a {@link Peer} that plays the cloud's side of that binding.
 */
public abstract class TransportContractTest {

    protected static final String DEVICE = "site-7";
    protected static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    /** One message as the receiver got it. */
    public record Received(Envelope envelope, byte[] body) {
    }

    /**
     * The cloud's side of one binding, started by {@link #startPeer()} for each test: what receives the messages and
     * calls the methods (an HTTP sink, a broker and a subscriber, a hub stand-in).
     */
    protected interface Peer extends AutoCloseable {

        /** A transport of this binding for {@link #DEVICE}, pointed at this peer. */
        Transport transport();

        /** A transport of this binding whose peer does not exist (nothing listens there). */
        Transport transportToNowhere();

        /** Every message the receiver got and acknowledged, in arrival order. */
        List<Received> received();

        /** From now on the receiver fails transiently (a server error, a broker that went away). */
        void failTransiently();

        /** Sends, through {@code transport}, a message this binding's receiver refuses for good, and says what came of it. */
        Transport.Result sendRefused(Transport transport);

        /** Stops the receiver (in-flight connections drop). */
        void stop();

        /** Starts the receiver again on the same address, keeping what it received. */
        void start();

        /**
         * Calls a method on {@link #DEVICE} through this binding, as the cloud would (over the wire where the binding
         * has one).
         *
         * @return the device's reply, or empty when none came within {@code timeout}
         */
        Optional<MethodReply> call(Transport transport, String methodName, byte[] payload, Duration timeout);

        @Override
        void close();
    }

    protected abstract Peer startPeer() throws Exception;

    protected Peer peer;

    @BeforeEach
    void startThePeer() throws Exception {
        peer = startPeer();
    }

    @AfterEach
    void stopThePeer() {
        peer.close();
    }

    protected static Envelope envelope() {
        return envelope(0);
    }

    /** The {@code n}th of a run of distinct live batches (each its own window and so its own message id). */
    protected static Envelope envelope(int n) {
        long start = 1_790_000_000_000L + n * 1_000L;
        MessageProperties p = MessageProperties.live("line-1", IndexKind.TIME, new Window(start, start + 1_000L), 1, 3,
                1_789_000_000_000L).withBacklogFrom(1_789_999_000_000L);
        return Envelope.of(DEVICE, p);
    }

    protected static final byte[] BODY = "[{\"index\":\"2026-09-21T12:53:20.000Z\",\"value\":1}]".getBytes(
            StandardCharsets.UTF_8);

    protected static byte[] backfillPayload(String requestId) {
        return new BackfillRequest(requestId, DEVICE, "line-1", "2026-11-26T10:00:00.000Z",
                "2026-11-26T10:05:00.000Z", 1).toJson();
    }

    @Test
    void aMessageArrivesIntactAndIsAcknowledged() {
        try (Transport t = peer.transport()) {
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
        }
        assertThat(peer.received()).hasSize(1);
        assertThat(peer.received().get(0).envelope()).isEqualTo(envelope());
        assertThat(peer.received().get(0).body()).isEqualTo(BODY);
    }

    @Test
    void aGzippedMessageKeepsItsEncoding() {
        Envelope gz = Envelope.of(DEVICE, envelope().properties().withContentEncoding(MessageProperties.GZIP));
        try (Transport t = peer.transport()) {
            assertThat(t.send(gz, new byte[]{31, -117, 8, 0}).outcome()).isEqualTo(Transport.Outcome.ACKED);
        }
        assertThat(peer.received().get(0).envelope()).isEqualTo(gz);
        assertThat(peer.received().get(0).envelope().properties().contentEncoding()).isEqualTo("gzip");
    }

    @Test
    void aRefusalIsFinalAndLabelled() {
        try (Transport t = peer.transport()) {
            Transport.Result r = peer.sendRefused(t);
            assertThat(r.outcome()).isEqualTo(Transport.Outcome.REJECTED);
            assertThat(r.reason()).matches("[A-Za-z0-9._-]{1,64}");
        }
        assertThat(peer.received()).isEmpty();
    }

    @Test
    void transientTroubleIsRetried() {
        try (Transport t = peer.transport()) {
            assertThat(t.send(envelope(0), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
            peer.failTransiently();
            assertThat(t.send(envelope(1), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
        }
    }

    @Test
    void anAbsentReceiverIsRetriedAndUnreachable() {
        try (Transport t = peer.transportToNowhere()) {
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
            assertThat(t.reachable()).isFalse();
        }
        try (Transport t = peer.transport()) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(t::reachable);
        }
    }

    @Test
    void aRestartedReceiverIsReachedAgain() {
        try (Transport t = peer.transport()) {
            assertThat(t.send(envelope(0), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
            peer.stop();
            assertThat(t.send(envelope(1), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
            peer.start();
            // The sender resends the same message until it is acknowledged; so does this test.
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> t
                    .send(envelope(1), BODY).outcome() == Transport.Outcome.ACKED);
            assertThat(t.reachable()).isTrue();
        }
        assertThat(peer.received()).extracting(Received::envelope).contains(envelope(0), envelope(1));
    }

    @Test
    void concurrentSendsAllArrive() throws Exception {
        int threads = 4;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Transport t = peer.transport()) {
            List<Future<List<Transport.Outcome>>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                int first = thread * perThread;
                Callable<List<Transport.Outcome>> sends = () -> {
                    List<Transport.Outcome> outcomes = new ArrayList<>();
                    for (int i = first; i < first + perThread; i++) {
                        outcomes.add(t.send(envelope(i), BODY).outcome());
                    }
                    return outcomes;
                };
                futures.add(pool.submit(sends));
            }
            for (Future<List<Transport.Outcome>> f : futures) {
                assertThat(f.get()).containsOnly(Transport.Outcome.ACKED);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> ids = ConcurrentHashMap.newKeySet();
        peer.received().forEach(r -> ids.add(r.envelope().messageId()));
        assertThat(ids).hasSize(threads * perThread);
    }

    @Test
    void aMethodCallIsAnsweredWithEachStatusOfTheProtocol() {
        List<String> names = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        try (Transport t = peer.transport()) {
            for (BackfillResponse.Result result : BackfillResponse.Result.values()) {
                String requestId = "req-" + result.wireName();
                MethodReply reply = MethodReply.of(new BackfillResponse(requestId, result, "answered " + result
                        .wireName()));
                t.serveMethods((name, payload) -> {
                    synchronized (names) {
                        names.add(name);
                        payloads.add(payload);
                    }
                    return reply;
                });
                Optional<MethodReply> answer = peer.call(t, BackfillRequest.METHOD_NAME, backfillPayload(requestId),
                        CALL_TIMEOUT);
                assertThat(answer).as("the reply to a call answered %d", result.status()).contains(reply);
                assertThat(BackfillResponse.fromJson(answer.get().payload()).result()).isEqualTo(result);
            }
        }
        synchronized (names) {
            assertThat(names).containsOnly(BackfillRequest.METHOD_NAME)
                    .hasSize(BackfillResponse.Result.values().length);
            assertThat(payloads).extracting(p -> new String(p, StandardCharsets.UTF_8)).first().isEqualTo(new String(
                    backfillPayload("req-accepted"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aMethodCallBeforeServingIsAnsweredBusyOrNotAtAll() {
        try (Transport t = peer.transport()) {
            Optional<MethodReply> answer = peer.call(t, BackfillRequest.METHOD_NAME, backfillPayload("early"),
                    Duration.ofSeconds(3));
            answer.ifPresent(reply -> assertThat(reply.status()).isEqualTo(503));
        }
    }
}
