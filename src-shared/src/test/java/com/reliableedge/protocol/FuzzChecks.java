package com.reliableedge.protocol;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The property every {@code @FuzzTest} target checks: a parser given any input either returns a value (which the
 * target then checks against the protocol's invariants) or throws {@link ProtocolException} naming a field, with a
 * message of bounded length that cannot carry a large part of the input. Any other throwable escapes and is a
 * finding.
 */
public final class FuzzChecks {

    /** Longest error message a parser may produce, whatever the input's size (inputs go up to many KB). */
    public static final int MAX_MESSAGE_LENGTH = 600;

    private FuzzChecks() {
    }

    /** Runs {@code parser}: its value, or {@code null} when it refused the input cleanly. */
    public static <T> T parseOrReject(Supplier<T> parser) {
        try {
            return parser.get();
        } catch (ProtocolException e) {
            requireClean(e);
            return null;
        }
    }

    /** Checks a refusal: it names a field, and its message is short. */
    public static void requireClean(ProtocolException e) {
        if (e.field() == null || e.field().isBlank()) {
            throw new AssertionError("a ProtocolException without a field name: " + e.getMessage(), e);
        }
        String message = e.getMessage();
        if (message == null || message.length() > MAX_MESSAGE_LENGTH) {
            throw new AssertionError("an error message of " + (message == null ? "no" : message.length())
                    + " characters, past " + MAX_MESSAGE_LENGTH + ": " + abbreviate(message), e);
        }
    }

    /** A check of a value the parser accepted; a failure is a finding. */
    public static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    /** The input as text, as a server decodes a header or a topic: malformed UTF-8 becomes U+FFFD. */
    public static String utf8(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
