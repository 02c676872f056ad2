package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

/** The skip reasons of {@link KafkaRecords}, each naming what is wrong. */
class KafkaRecordsTest {

    private static RecordHeaders headersOf(Envelope envelope) {
        RecordHeaders headers = new RecordHeaders();
        HttpHeaderCodec.encode(envelope).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    private static Envelope envelope() {
        return Envelope.of("dev-1", MessageProperties.live("line-1", IndexKind.SEQUENCE, new Window(0, 10), 10, 1,
                0));
    }

    @Test
    void aRecordWithoutAKeyIsSkippedAsNoKey() {
        assertThat(KafkaRecords.map(null, headersOf(envelope()))).isInstanceOfSatisfying(KafkaRecords.Skip.class,
                s -> assertThat(s.reason()).isEqualTo("no-key"));
        assertThat(KafkaRecords.map(new byte[0], headersOf(envelope()))).isInstanceOfSatisfying(
                KafkaRecords.Skip.class, s -> assertThat(s.reason()).isEqualTo("no-key"));
    }

    @Test
    void missingOrContradictoryOrNonUtf8HeadersAreMalformedNamingTheHeader() {
        byte[] key = "dev-1".getBytes(StandardCharsets.UTF_8);
        assertThat(KafkaRecords.map(key, new RecordHeaders())).isInstanceOfSatisfying(KafkaRecords.Skip.class,
                s -> assertThat(s.reason()).isEqualTo("malformed"));

        RecordHeaders twice = headersOf(envelope());
        twice.add("IOTHUB-MESSAGEID", "other".getBytes(StandardCharsets.UTF_8));
        assertThat(KafkaRecords.map(key, twice)).isEqualTo(new KafkaRecords.Skip("malformed",
                "header IOTHUB-MESSAGEID is given twice with different values"));

        RecordHeaders binary = headersOf(envelope());
        binary.add("iothub-app-x", new byte[]{(byte) 0xC3});
        assertThat(KafkaRecords.map(key, binary)).isEqualTo(new KafkaRecords.Skip("malformed",
                "header iothub-app-x has no UTF-8 value"));

        RecordHeaders noType = headersOf(envelope());
        noType.remove("Content-Type");
        assertThat(KafkaRecords.map(key, noType)).isInstanceOfSatisfying(KafkaRecords.Skip.class, s -> assertThat(s
                .detail()).contains("Content-Type"));
    }

    @Test
    void theKeyIsTheDeviceIdAndTheHeadersTheEnvelope() {
        Envelope e = envelope();
        assertThat(KafkaRecords.map("dev-1".getBytes(StandardCharsets.UTF_8), headersOf(e))).isEqualTo(
                new KafkaRecords.Message("dev-1", e));
    }
}
