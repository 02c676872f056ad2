package com.reliableedge.protocol.message;

import com.reliableedge.protocol.ProtocolException;

/**
 * The protocol's JSON bodies are UTF-8 (PROTOCOL.md section 2), without a byte-order mark. Jackson would otherwise
 * detect UTF-16 or UTF-32 by itself and accept them; this check refuses them, and any byte sequence that is not
 * well-formed UTF-8, before parsing.
 */
public final class Utf8Json {

    private Utf8Json() {
    }

    /**
     * @throws ProtocolException naming {@code what} and the body's size (never its content) when {@code json} starts
     *     with a byte-order mark, holds a NUL byte (never valid in JSON text; a sign of UTF-16 or UTF-32) or is not
     *     well-formed UTF-8
     */
    public static void require(String what, byte[] json) {
        int n = json.length;
        if (n >= 3 && (json[0] & 0xFF) == 0xEF && (json[1] & 0xFF) == 0xBB && (json[2] & 0xFF) == 0xBF) {
            throw new ProtocolException(what, n + " bytes", "must not start with a byte-order mark");
        }
        if (n >= 2 && ((json[0] & 0xFF) == 0xFE && (json[1] & 0xFF) == 0xFF
                || (json[0] & 0xFF) == 0xFF && (json[1] & 0xFF) == 0xFE)) {
            throw new ProtocolException(what, n + " bytes", "must be UTF-8, not UTF-16 or UTF-32");
        }
        int i = 0;
        while (i < n) {
            int b = json[i] & 0xFF;
            if (b >= 0x01 && b < 0x80) {
                i++;
                continue;
            }
            int length = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
            if (length == 0 || i + length > n || !continuation(json, i, length, b)) {
                throw new ProtocolException(what, n + " bytes", "is not well-formed UTF-8 (at byte " + i + ")");
            }
            i += length;
        }
    }

    /** The continuation bytes of a sequence starting with {@code b}, with the ranges that exclude overlong forms, surrogates and code points past U+10FFFF. */
    private static boolean continuation(byte[] json, int i, int length, int b) {
        int second = json[i + 1] & 0xFF;
        int low = 0x80;
        int high = 0xBF;
        if (b == 0xE0) {
            low = 0xA0;
        } else if (b == 0xED) {
            high = 0x9F;
        } else if (b == 0xF0) {
            low = 0x90;
        } else if (b == 0xF4) {
            high = 0x8F;
        }
        if (second < low || second > high) {
            return false;
        }
        for (int k = 2; k < length; k++) {
            int c = json[i + k] & 0xFF;
            if (c < 0x80 || c > 0xBF) {
                return false;
            }
        }
        return true;
    }
}
