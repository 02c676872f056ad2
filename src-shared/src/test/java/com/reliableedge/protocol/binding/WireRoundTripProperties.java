package com.reliableedge.protocol.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every valid message survives each binding unchanged; arbitrary input parses or throws ProtocolException. */
class WireRoundTripProperties {

    @Property
    void propertiesRoundTrip(@ForAll("messages") MessageProperties p) {
        assertThat(MessageProperties.parse(p.toApplicationProperties(), p.contentEncoding())).isEqualTo(p);
    }

    @Property
    void httpHeadersRoundTripEvenWhenLowerCased(@ForAll("messages") MessageProperties p, @ForAll("ids") String device) {
        Envelope envelope = Envelope.of(device, p);
        Map<String, String> headers = HttpHeaderCodec.encode(envelope);
        assertThat(HttpHeaderCodec.decode(headers)).isEqualTo(envelope);
        // HTTP/2 and some proxies lower-case header names.
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        assertThat(HttpHeaderCodec.decode(lower)).isEqualTo(envelope);
    }

    @Property
    void mqttTopicsRoundTrip(@ForAll("messages") MessageProperties p, @ForAll("ids") String device) {
        Envelope envelope = Envelope.of(device, p);
        String topic = MqttTopicCodec.encode(device, envelope);
        assertThat(topic).doesNotContain("+", "#", " ");
        assertThat(MqttTopicCodec.decode(topic)).isEqualTo(new MqttTopicCodec.Decoded(device, envelope));
    }

    @Property
    void arbitraryPropertyMapsParseOrThrow(@ForAll("propertyMaps") Map<String, String> properties,
            @ForAll("encodings") String encoding) {
        try {
            MessageProperties p = MessageProperties.parse(properties, encoding);
            assertThat(MessageProperties.parse(p.toApplicationProperties(), p.contentEncoding())).isEqualTo(p);
        } catch (ProtocolException expected) {
            assertThat(expected.field()).isNotBlank();
        }
    }

    @Property
    void arbitraryTopicsParseOrThrow(@ForAll String tail, @ForAll("ids") String device) {
        for (String topic : new String[]{tail, "devices/" + device + "/messages/events/" + tail}) {
            try {
                MqttTopicCodec.decode(topic);
            } catch (ProtocolException expected) {
                assertThat(expected.field()).isNotBlank();
            }
        }
    }

    @Property
    void arbitraryHeadersParseOrThrow(@ForAll Map<String, String> headers) {
        Map<String, String> withJson = new LinkedHashMap<>(headers);
        withJson.put("Content-Type", "application/json");
        for (Map<String, String> h : java.util.List.of(headers, withJson)) {
            try {
                HttpHeaderCodec.decode(h);
            } catch (ProtocolException expected) {
                assertThat(expected.field()).isNotBlank();
            }
        }
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(1).ofMaxLength(128);
    }

    @Provide
    Arbitrary<String> encodings() {
        return Arbitraries.of("gzip", "", "identity", "GZIP").injectNull(0.5);
    }

    @Provide
    Arbitrary<MessageProperties> messages() {
        Arbitrary<IndexKind> kinds = Arbitraries.of(IndexKind.values());
        Arbitrary<Long> starts = Arbitraries.longs().between(IndexKind.MIN_TIME + 1_000,
                IndexKind.MAX_TIME - 1_000_000);
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

    @Provide
    Arbitrary<Map<String, String>> propertyMaps() {
        // Start from valid maps and mutate one value, or pass arbitrary strings: both halves of the input space.
        Arbitrary<Map<String, String>> mutated = Combinators.combine(messages(), Arbitraries.of(
                com.reliableedge.protocol.message.PropertyNames.APPLICATION),
                Arbitraries.strings().ofMaxLength(30)
                        .injectNull(0.3))
                .as((p, name, value) -> {
                    Map<String, String> m = new LinkedHashMap<>(p.toApplicationProperties());
                    if (value == null) {
                        m.remove(name);
                    } else {
                        m.put(name, value);
                    }
                    return m;
                });
        Arbitrary<Map<String, String>> random = Arbitraries.maps(Arbitraries.of(
                com.reliableedge.protocol.message.PropertyNames.APPLICATION), Arbitraries.strings().ofMaxLength(30));
        return Arbitraries.oneOf(mutated, random);
    }
}
