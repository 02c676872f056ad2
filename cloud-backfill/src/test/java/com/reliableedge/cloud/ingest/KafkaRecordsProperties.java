package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;

import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link KafkaRecords}: a record keyed by its device with the HTTP-named headers of an envelope (names in any case,
 * a header repeated with the same value) maps back to that device and envelope; a record that cannot be read so is a
 * skip with its reason, never an exception.
 */
class KafkaRecordsProperties {

    @Provide
    Arbitrary<String> deviceIds() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-._:äöü").ofMinLength(1)
                .ofMaxLength(64);
    }

    @Property
    void theHttpHeadersOfAnEnvelopeInAnyCaseMapBackToItsDeviceAndEnvelope(@ForAll("deviceIds") String deviceId,
            @ForAll @LongRange(min = 0, max = 1_000_000) long start, @ForAll @IntRange(min = 1, max = 1000) int span,
            @ForAll @LongRange(min = 1, max = 1_000_000) long seq, @ForAll boolean gzip, @ForAll boolean upper,
            @ForAll boolean repeat) {
        MessageProperties p = MessageProperties.live("line-1", IndexKind.SEQUENCE, new Window(start, start + span),
                span, seq, 0);
        if (gzip) {
            p = MessageProperties.parse(p.toApplicationProperties(), MessageProperties.GZIP);
        }
        Envelope envelope = Envelope.of(deviceId, p);
        RecordHeaders headers = new RecordHeaders();
        for (Map.Entry<String, String> h : HttpHeaderCodec.encode(envelope).entrySet()) {
            String name = upper ? h.getKey().toUpperCase(Locale.ROOT) : h.getKey().toLowerCase(Locale.ROOT);
            headers.add(name, h.getValue().getBytes(StandardCharsets.UTF_8));
            if (repeat) {
                headers.add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        KafkaRecords.Mapped mapped = KafkaRecords.map(deviceId.getBytes(StandardCharsets.UTF_8), headers);
        assertThat(mapped).isEqualTo(new KafkaRecords.Message(deviceId, envelope));
    }

    @Property
    void anyKeyAndHeadersMapToAMessageOrASkipWithAKnownReasonNeverAnException(
            @ForAll @Size(max = 40) byte[] key,
            @ForAll @Size(max = 6) Map<@Size(max = 20) String, @Size(max = 20) byte[]> raw) {
        RecordHeaders headers = new RecordHeaders();
        raw.forEach(headers::add);
        KafkaRecords.Mapped mapped = KafkaRecords.map(key, headers);
        if (mapped instanceof KafkaRecords.Skip skip) {
            assertThat(skip.reason()).isIn(KafkaRecords.NO_KEY, KafkaRecords.MALFORMED);
            assertThat(skip.detail()).isNotBlank();
            if (key.length == 0) {
                assertThat(skip.reason()).isEqualTo(KafkaRecords.NO_KEY);
            }
        } else {
            assertThat(((KafkaRecords.Message) mapped).deviceId()).isEqualTo(new String(key,
                    StandardCharsets.UTF_8));
        }
    }

    @Property
    void aKeyThatIsNotUtf8IsMalformed(@ForAll @Size(min = 0, max = 10) byte[] prefix) {
        byte[] key = new byte[prefix.length + 1];
        System.arraycopy(prefix, 0, key, 0, prefix.length);
        // 0xFF never occurs in UTF-8.
        key[prefix.length] = (byte) 0xFF;
        KafkaRecords.Mapped mapped = KafkaRecords.map(key, new RecordHeaders());
        assertThat(mapped).isEqualTo(new KafkaRecords.Skip(KafkaRecords.MALFORMED, "the key is not UTF-8"));
    }
}
