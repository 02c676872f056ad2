package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * The contract of {@link Transport}: a message arrives with its envelope and body intact and is {@code ACKED} only
 * when the receiver confirmed it; a refusal for good is {@code REJECTED}; server errors and an absent receiver are
 * {@code RETRY}. Each binding's test extends this class and provides a receiver it controls.
 */
public abstract class TransportContractTest {

    protected static final String DEVICE = "site-7";

    /** A transport whose receiver is up and acknowledges. */
    protected abstract Transport transport();

    /** A transport whose receiver does not exist. */
    protected abstract Transport transportToNowhere();

    /** The envelopes and bodies the receiver acknowledged, in arrival order. */
    protected abstract java.util.List<RecordingHttpSink.Received> acknowledged();

    /** Makes the receiver answer with a transient failure (true) or refuse for good (false) from now on. */
    protected abstract void receiverFails(boolean transientFailure);

    protected static Envelope envelope() {
        MessageProperties p = MessageProperties.live("line-1", IndexKind.TIME, new Window(1_790_000_000_000L,
                1_790_000_001_000L), 1, 3, 1_789_000_000_000L).withBacklogFrom(1_789_999_000_000L);
        return Envelope.of(DEVICE, p);
    }

    protected static final byte[] BODY = "[{\"index\":\"2026-09-21T12:53:20.000Z\",\"value\":1}]".getBytes(
            StandardCharsets.UTF_8);

    @Test
    void aMessageArrivesIntactAndIsAcknowledged() {
        try (Transport t = transport()) {
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.ACKED);
        }
        assertThat(acknowledged()).hasSize(1);
        assertThat(acknowledged().get(0).envelope()).isEqualTo(envelope());
        assertThat(acknowledged().get(0).body()).isEqualTo(BODY);
    }

    @Test
    void aGzippedMessageKeepsItsEncoding() {
        Envelope gz = Envelope.of(DEVICE, envelope().properties().withContentEncoding(MessageProperties.GZIP));
        try (Transport t = transport()) {
            assertThat(t.send(gz, new byte[]{31, -117, 8, 0}).outcome()).isEqualTo(Transport.Outcome.ACKED);
        }
        assertThat(acknowledged().get(0).envelope().properties().contentEncoding()).isEqualTo("gzip");
    }

    @Test
    void serverTroubleIsRetriedAndRefusalIsFinal() {
        try (Transport t = transport()) {
            receiverFails(true);
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
            receiverFails(false);
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.REJECTED);
        }
    }

    @Test
    void anAbsentReceiverIsRetriedAndUnreachable() {
        try (Transport t = transportToNowhere()) {
            assertThat(t.send(envelope(), BODY).outcome()).isEqualTo(Transport.Outcome.RETRY);
            assertThat(t.reachable()).isFalse();
        }
        try (Transport t = transport()) {
            assertThat(t.reachable()).isTrue();
        }
    }
}
