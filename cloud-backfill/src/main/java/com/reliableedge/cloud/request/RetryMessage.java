package com.reliableedge.cloud.request;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.Identifiers;

/**
 * The body of a retry queue message: {@code (requestId, attempt)}, written {@code v1|requestId|attempt} ({@code |}
 * cannot occur in a request id). A message that no longer matches its request row is discarded.
 */
public record RetryMessage(String requestId, int attempt) {

    private static final String PREFIX = "v1|";

    public String format() {
        return PREFIX + requestId + "|" + attempt;
    }

    /** @throws ProtocolException when the body is not a retry message */
    public static RetryMessage parse(String body) {
        if (body == null || !body.startsWith(PREFIX)) {
            throw new ProtocolException("retryMessage", body, "is not a v1 retry message");
        }
        int bar = body.lastIndexOf('|');
        try {
            String requestId = Identifiers.require("requestId", body.substring(PREFIX.length(), bar));
            return new RetryMessage(requestId, Integer.parseInt(body.substring(bar + 1)));
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new ProtocolException("retryMessage", body, "is not a v1 retry message", e);
        }
    }
}
