package com.reliableedge.protocol.index;

import com.reliableedge.protocol.ProtocolException;

/** The identifier rule shared by device ids, stream names ({@code batchId}) and request ids. */
public final class Identifiers {

    /** Longest identifier, in characters. */
    public static final int MAX_LENGTH = 128;

    private Identifiers() {
    }

    /**
     * Checks that {@code value} is 1-128 characters of {@code [A-Za-z0-9._:-]}.
     *
     * @param field the property or JSON field, named in the error
     * @return the value, for chaining
     */
    public static String require(String field, String value) {
        if (value == null) {
            throw ProtocolException.missing(field);
        }
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new ProtocolException(field, value, "must be 1-128 characters of [A-Za-z0-9._:-]");
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isAllowed(value.charAt(i))) {
                throw new ProtocolException(field, value, "must be 1-128 characters of [A-Za-z0-9._:-]");
            }
        }
        return value;
    }

    /** Whether {@code value} follows the identifier rule. */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isAllowed(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAllowed(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == ':' || c == '-';
    }
}
