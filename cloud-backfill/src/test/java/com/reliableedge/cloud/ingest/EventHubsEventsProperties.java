package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.reliableedge.cloud.ingest.EventHubsEvents.Ingestible;
import com.reliableedge.cloud.ingest.EventHubsEvents.Skip;
import com.reliableedge.cloud.ingest.EventHubsEvents.SkipReason;
import com.reliableedge.cloud.testing.IotHubEvents;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.message.PropertyNames;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The mapping of events as the SDK delivers them ({@link IotHubEvents}: proton-j message, over the wire, the SDK's
 * deserializer): every protocol message a device sends comes out as sent, whatever else the hub or the device adds;
 * without the hub's device annotation nothing is ingestible.
 */
class EventHubsEventsProperties {

    @Property(tries = 300)
    void everyDeviceMessageComesOutAsSent(@ForAll("ids") String deviceId, @ForAll("messages") MessageProperties p,
            @ForAll byte[] body, @ForAll("extras") Map<String, String> extras, @ForAll("sequences") long seq) {
        Envelope envelope = Envelope.of(deviceId, p);
        IotHubEvents.Builder message = IotHubEvents.message(seq).device(deviceId).envelope(envelope).body(body);
        // Properties this protocol does not know (a later version's, a device SDK's) are ignored.
        extras.forEach(message::property);

        assertThat(EventHubsEvents.map(message.delivered())).isInstanceOfSatisfying(Ingestible.class, m -> {
            assertThat(m.deviceId()).isEqualTo(deviceId);
            assertThat(m.envelope()).isEqualTo(envelope);
            assertThat(m.body()).isEqualTo(body);
        });
    }

    @Property(tries = 200)
    void withoutTheHubsDeviceAnnotationNothingIsIngestible(@ForAll("ids") String deviceId,
            @ForAll("messages") MessageProperties p, @ForAll byte[] body, @ForAll("sequences") long seq) {
        Envelope envelope = Envelope.of(deviceId, p);
        // Even when the device names itself in an application property.
        var event = IotHubEvents.message(seq).envelope(envelope).property(EventHubsEvents.DEVICE_ID, deviceId).body(
                body).delivered();
        assertThat(EventHubsEvents.map(event)).isInstanceOfSatisfying(Skip.class, s -> assertThat(s.reason())
                .isEqualTo(SkipReason.NO_DEVICE));
    }

    @Property(tries = 200)
    void aMessageWhoseIdDoesNotMatchItsDeviceStillMapsAndIsLeftToTheIngestPathToRefuse(
            @ForAll("ids") String deviceId, @ForAll("ids") String other, @ForAll("messages") MessageProperties p,
            @ForAll("sequences") long seq) {
        // The mapping reads; the ingest path checks the id against the device (a refusal, counted as such).
        Envelope foreign = Envelope.of(other, p);
        var event = IotHubEvents.message(seq).device(deviceId).envelope(foreign).delivered();
        assertThat(EventHubsEvents.map(event)).isInstanceOfSatisfying(Ingestible.class, m -> {
            assertThat(m.deviceId()).isEqualTo(deviceId);
            assertThat(m.envelope()).isEqualTo(foreign);
        });
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(1).ofMaxLength(128);
    }

    @Provide
    Arbitrary<Long> sequences() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE / 1024);
    }

    @Provide
    Arbitrary<Map<String, String>> extras() {
        Arbitrary<String> names = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).map(n -> "x" + n)
                .filter(n -> !PropertyNames.APPLICATION.contains(n));
        return Arbitraries.maps(names, Arbitraries.strings().ascii().ofMaxLength(20)).ofMaxSize(4);
    }

    @Provide
    Arbitrary<MessageProperties> messages() {
        Arbitrary<IndexKind> kinds = Arbitraries.of(IndexKind.values());
        Arbitrary<Long> starts = Arbitraries.longs().between(IndexKind.MIN_TIME + 1_000, IndexKind.MAX_TIME
                - 1_000_000);
        Arbitrary<Long> lengths = Arbitraries.longs().between(1, 1_000_000);
        Arbitrary<Integer> shapes = Arbitraries.integers().between(0, 3);
        return Combinators.combine(kinds, starts, lengths, shapes, ids(), Arbitraries.integers().between(0, 100_000),
                Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.of(true, false))
                .as((kind, start, length, shape, id, count, n, gzip) -> {
                    Window w = new Window(start, start + length);
                    MessageProperties p = switch (shape) {
                        case 0 -> MessageProperties.live(id, kind, w, count, n, start - (n % 1000))
                                .withBacklogFrom(n % 2 == 0 ? null : start);
                        case 1 -> MessageProperties.backfill(id, kind, w, count, id);
                        case 2 -> MessageProperties.late(id, kind, w, count, n);
                        default -> MessageProperties.backfillStatus(id, kind, w, id);
                    };
                    return gzip && shape != 3 ? p.withContentEncoding("gzip") : p;
                });
    }
}
