package com.reliableedge.protocol;

/**
 * The one exception the protocol library throws for bad input: a missing or malformed field, property,
 * header, token or payload. It names the field and the offending value, so that a service can answer with
 * a clear error (HTTP 400) and a log line says exactly what was wrong. Parsers in this library throw
 * nothing else for any input string.
 */
public class ProtocolException extends IllegalArgumentException {

    private static final int MAX_VALUE_IN_MESSAGE = 200;

    private final String field;
    private final String value;

    /**
     * @param field the property, header or JSON field at fault
     * @param value the offending value as received, {@code null} when it was missing
     * @param problem what is wrong with it, in a few words
     */
    public ProtocolException(String field, String value, String problem) {
        super(describe(field, value, problem));
        this.field = field;
        this.value = value;
    }

    public ProtocolException(String field, String value, String problem, Throwable cause) {
        this(field, value, problem);
        initCause(cause);
    }

    /** A missing required field. */
    public static ProtocolException missing(String field) {
        return new ProtocolException(field, null, "is required");
    }

    /** The name of the field at fault. */
    public String field() {
        return field;
    }

    /** The value as received, or {@code null} when the field was missing. */
    public String value() {
        return value;
    }

    private static String describe(String field, String value, String problem) {
        if (value == null) {
            return field + " " + problem;
        }
        String shown = value.length() > MAX_VALUE_IN_MESSAGE ? value.substring(0, MAX_VALUE_IN_MESSAGE) + "…" : value;
        return field + " '" + shown + "' " + problem;
    }
}
