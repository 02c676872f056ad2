package com.reliableedge.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.reliableedge.protocol.ProtocolException;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** {@link Utf8Json} accepts exactly the well-formed UTF-8 that has no NUL byte and no byte-order mark. */
class Utf8JsonProperties {

    @Property
    void everyStringsUtf8FormIsAccepted(@ForAll String s) {
        String text = s.replace("\0", "").replace("\uFEFF", "");
        Utf8Json.require("body", text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 2000)
    void agreesWithTheStrictDecoder(@ForAll @Size(max = 12) byte[] bytes) {
        boolean strict = decodes(bytes) && !hasNul(bytes) && !startsWithMark(bytes);
        if (strict) {
            Utf8Json.require("body", bytes);
        } else {
            assertThatThrownBy(() -> Utf8Json.require("body", bytes)).isInstanceOf(ProtocolException.class)
                    .satisfies(e -> assertThat(((ProtocolException) e).value()).isEqualTo(bytes.length + " bytes"));
        }
    }

    @Property
    void utf16IsRefused(@ForAll @Size(min = 1) String s) {
        String text = s.replace("\0", "");
        Assume.that(!text.isEmpty());
        byte[] le = text.getBytes(StandardCharsets.UTF_16LE);
        boolean asciiOnly = text.chars().allMatch(c -> c < 0x80);
        if (asciiOnly) {
            // ASCII in UTF-16 holds a NUL byte for every character.
            assertThatThrownBy(() -> Utf8Json.require("body", le)).isInstanceOf(ProtocolException.class);
        }
        assertThatThrownBy(() -> Utf8Json.require("body", text.getBytes(StandardCharsets.UTF_16)))
                .isInstanceOf(ProtocolException.class);
    }

    private static boolean decodes(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean hasNul(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithMark(byte[] bytes) {
        return bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF
                || bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF
                        || (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE);
    }
}
