package com.reliableedge.cloud;

/**
 * A request the service refuses, thrown by the domain (ingest, security, store, scan, request) and turned into an
 * answer by whichever adapter received the request: the operator API and HTTP ingest map {@link Kind} to a status
 * code and an error body naming {@link #field()} and {@link #value()}; other ingest adapters count it and drop the
 * message. Nothing is written when it is thrown.
 */
public class Refusal extends RuntimeException {

    /** Why a request is refused; {@link #status} is the HTTP status code that says the same. */
    public enum Kind {
        INVALID(400), UNAUTHENTICATED(401), NOT_FOUND(404), CONFLICT(409), TOO_LARGE(413), UNSUPPORTED_MEDIA_TYPE(415);

        public final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;
    private final String field;
    private final String value;

    public Refusal(Kind kind, String error, String field, String value) {
        super(error, null, false, false);
        this.kind = kind;
        this.field = field;
        this.value = value;
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }

    public String value() {
        return value;
    }
}
