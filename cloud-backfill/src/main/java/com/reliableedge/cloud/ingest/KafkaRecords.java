package com.reliableedge.cloud.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.header.Header;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.message.Envelope;

/**
 * How a Kafka record carries a device message: the key is the device id (UTF-8), the headers are named as on HTTP
 * ({@code iothub-app-*}, {@code iothub-messageid}, {@code Content-Type}, {@code Content-Encoding}; names in any
 * case), the value is the body as sent. A record that cannot be read so is a {@link Skip} with its reason; the body
 * is not looked at here ({@link MessageIntake} checks it).
 */
final class KafkaRecords {

    /** A record without a key (or an empty one): no device to attribute it to. */
    static final String NO_KEY = "no-key";
    /** A key or header value that is not UTF-8, a header given twice with different values, or bad properties. */
    static final String MALFORMED = "malformed";

    /** What a record maps to. */
    sealed interface Mapped {
    }

    /** A device message, to be checked and recorded with its value as body. */
    record Message(String deviceId, Envelope envelope) implements Mapped {
    }

    /** Can never be ingested: counted under {@code reason} and committed past. */
    record Skip(String reason, String detail) implements Mapped {
    }

    private KafkaRecords() {
    }

    static Mapped map(byte[] key, Iterable<Header> headers) {
        if (key == null || key.length == 0) {
            return new Skip(NO_KEY, "the record has no key (the device id)");
        }
        String deviceId = utf8(key);
        if (deviceId == null) {
            return new Skip(MALFORMED, "the key is not UTF-8");
        }
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : headers) {
            String name = h.key();
            String value = h.value() == null ? null : utf8(h.value());
            if (value == null) {
                return new Skip(MALFORMED, "header " + name + " has no UTF-8 value");
            }
            String before = byName.putIfAbsent(name, value);
            if (before != null && !before.equals(value)) {
                return new Skip(MALFORMED, "header " + name + " is given twice with different values");
            }
        }
        try {
            return new Message(deviceId, HttpHeaderCodec.decode(byName));
        } catch (ProtocolException e) {
            return new Skip(MALFORMED, e.getMessage());
        }
    }

    /** {@code bytes} as strict UTF-8, or null when they are not. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
