package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.fixtures.FreePorts;
import com.reliableedge.protocol.auth.ConnectionString;

class HttpTransportTest extends TransportContractTest {

    static final ConnectionString DEVICE_CS = ConnectionString.forDevice("hub.example.net", DEVICE, Base64
            .getEncoder().encodeToString("a device key of 32 bytes, really".getBytes()));
    private RecordingHttpSink sink;

    @BeforeEach
    void startSink() throws IOException {
        sink = new RecordingHttpSink(DEVICE_CS);
    }

    @AfterEach
    void stopSink() {
        sink.close();
    }

    @Override
    protected Transport transport() {
        return new HttpTransport(URI.create(sink.url() + "/"), DEVICE_CS, Duration.ofSeconds(5), Duration.ofHours(1),
                Clock.systemUTC());
    }

    @Override
    protected Transport transportToNowhere() {
        return new HttpTransport(URI.create("http://127.0.0.1:" + FreePorts.next()), DEVICE_CS, Duration.ofSeconds(2),
                Duration
                        .ofHours(1),
                Clock.systemUTC());
    }

    @Override
    protected List<RecordingHttpSink.Received> acknowledged() {
        return sink.acknowledged();
    }

    @Override
    protected void receiverFails(boolean transientFailure) {
        sink.answer(() -> transientFailure ? 503 : 413);
    }

    @Test
    void requestsAreSignedForThisDevice() {
        try (Transport t = transport()) {
            t.send(envelope(), BODY);
        }
        assertThat(sink.refused()).isEmpty();
        ConnectionString other = ConnectionString.forDevice("hub.example.net", DEVICE, Base64.getEncoder()
                .encodeToString("another key, not the device's one".getBytes()));
        try (Transport t = new HttpTransport(URI.create(sink.url()), other, Duration.ofSeconds(5), Duration.ofHours(
                1), Clock.systemUTC())) {
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
        }
        assertThat(sink.refused()).containsExactly("401 BAD_SIGNATURE");
    }

    @Test
    void aRefusalIsLabelledByTheFieldTheCloudNamed() {
        receiverFails(false);
        try (Transport t = transport()) {
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
