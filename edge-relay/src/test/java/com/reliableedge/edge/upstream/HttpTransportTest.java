package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.reliableedge.fixtures.FreePorts;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.method.BackfillRequest;

class HttpTransportTest extends TransportContractTest {

    static final ConnectionString DEVICE_CS = ConnectionString.forDevice("hub.example.net", DEVICE, Base64
            .getEncoder().encodeToString("a device key of 32 bytes, really".getBytes()));

    /** The cloud's HTTP ingest played by a {@link RecordingHttpSink}; method calls go to the transport's receiver. */
    static final class HttpPeer implements Peer {

        private final List<Received> before = new ArrayList<>();
        private RecordingHttpSink sink;
        private final int port;

        HttpPeer() throws IOException {
            sink = new RecordingHttpSink(DEVICE_CS);
            port = sink.port();
        }

        RecordingHttpSink sink() {
            return sink;
        }

        @Override
        public Transport transport() {
            return new HttpTransport(URI.create("http://127.0.0.1:" + port + "/"), DEVICE_CS, Duration.ofSeconds(5),
                    Duration.ofHours(1), Clock.systemUTC());
        }

        @Override
        public Transport transportToNowhere() {
            return new HttpTransport(URI.create("http://127.0.0.1:" + FreePorts.next()), DEVICE_CS, Duration
                    .ofSeconds(2), Duration.ofHours(1), Clock.systemUTC());
        }

        @Override
        public List<Received> received() {
            List<Received> all = new ArrayList<>(before);
            if (sink != null) {
                sink.acknowledged().forEach(r -> all.add(new Received(r.envelope(), r.body())));
            }
            return all;
        }

        @Override
        public void failTransiently() {
            sink.answer(() -> 503);
        }

        @Override
        public Transport.Result sendRefused(Transport transport) {
            sink.answer(() -> 413);
            return transport.send(envelope(), BODY);
        }

        @Override
        public void stop() {
            before.clear();
            before.addAll(received());
            sink.close();
            sink = null;
        }

        @Override
        public void start() {
            try {
                sink = new RecordingHttpSink(DEVICE_CS, port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** What {@link HttpMethodResource} does with a request the cloud signed (the wire is HttpMethodResourceTest's). */
        @Override
        public Optional<MethodReply> call(Transport transport, String methodName, byte[] payload, Duration timeout) {
            String auth = SasToken.sign(DEVICE_CS, Instant.now(), Duration.ofMinutes(5));
            return Optional.of(((HttpTransport) transport).receive(methodName, auth, "application/json", payload));
        }

        @Override
        public void close() {
            if (sink != null) {
                sink.close();
            }
        }
    }

    @Override
    protected Peer startPeer() throws IOException {
        return new HttpPeer();
    }

    private RecordingHttpSink sink() {
        return ((HttpPeer) peer).sink();
    }

    @Test
    void requestsAreSignedForThisDevice() {
        try (Transport t = peer.transport()) {
            t.send(envelope(), BODY);
        }
        assertThat(sink().refused()).isEmpty();
        ConnectionString other = ConnectionString.forDevice("hub.example.net", DEVICE, Base64.getEncoder()
                .encodeToString("another key, not the device's one".getBytes()));
        try (Transport t = new HttpTransport(URI.create(sink().url()), other, Duration.ofSeconds(5), Duration.ofHours(
                1), Clock.systemUTC())) {
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
        }
        assertThat(sink().refused()).containsExactly("401 BAD_SIGNATURE");
    }

    @Test
    void aMethodCallNotSignedForThisDeviceIsRefusedAndNotHandled() {
        ConnectionString other = ConnectionString.forDevice("hub.example.net", DEVICE, Base64.getEncoder()
                .encodeToString("another key, not the device's one".getBytes()));
        try (HttpTransport t = (HttpTransport) peer.transport()) {
            List<String> handled = new ArrayList<>();
            t.serveMethods((name, payload) -> {
                handled.add(name);
                return new MethodReply(202, new byte[0]);
            });
            byte[] payload = backfillPayload("unsigned");
            assertThat(t.receive(BackfillRequest.METHOD_NAME, null, "application/json", payload).status()).isEqualTo(
                    401);
            assertThat(t.receive(BackfillRequest.METHOD_NAME, SasToken.sign(other, Instant.now(), Duration.ofMinutes(
                    5)), "application/json", payload).status()).isEqualTo(401);
            assertThat(t.receive(BackfillRequest.METHOD_NAME, SasToken.sign(DEVICE_CS, Instant.now(), Duration
                    .ofMinutes(5)), "application/json; charset=latin1", payload).status()).isEqualTo(415);
            assertThat(handled).isEmpty();
        }
    }

    @Test
    void aRefusalIsLabelledByTheFieldTheCloudNamed() {
        sink().answer(() -> 413);
        try (Transport t = peer.transport()) {
            Transport.Result r = t.send(envelope(), BODY);
            assertThat(r.outcome()).isEqualTo(Transport.Outcome.REJECTED);
            assertThat(r.reason()).isEqualTo("tooLarge");
        }
        assertThat(HttpTransport.rejectionReason(400, "{\"error\":\"lies more than 1d ahead\",\"field\":\"endWindow\","
                + "\"value\":\"9999-01-01T00:00:00.000Z\"}")).isEqualTo("endWindow");
        assertThat(HttpTransport.rejectionReason(400, "{\"error\":\"x\",\"field\":null,\"value\":null}")).isEqualTo(
                "malformed");
        assertThat(HttpTransport.rejectionReason(400, "{\"field\":\"not a name {}\"}")).isEqualTo("malformed");
        assertThat(HttpTransport.rejectionReason(400, "<html>bad request</html>")).isEqualTo("malformed");
        assertThat(HttpTransport.rejectionReason(413, "")).isEqualTo("tooLarge");
        assertThat(HttpTransport.rejectionReason(400, "{\"field\":\"" + "f".repeat(65) + "\"}")).isEqualTo(
                "malformed");
    }
}
