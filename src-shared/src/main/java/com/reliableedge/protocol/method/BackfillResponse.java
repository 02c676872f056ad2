package com.reliableedge.protocol.method;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.reliableedge.protocol.ProtocolException;

/**
 * The answer to a {@code backfill} method call: a status code and a JSON payload
 * {@code {"requestId", "result", "message"}}. The protocol fixes the codes and leaves the payload open; we name the
 * outcome in {@code result} so that a reader need not rely on the code alone, and explain it in {@code message}.
 *
 * @param requestId the request answered, {@code null} when the payload was too malformed to name one
 */
public record BackfillResponse(String requestId, Result result, String message) {

    /** The outcomes of PROTOCOL.md section 5, each with its status code. */
    public enum Result {
        /** Durably recorded on the edge; it will be served. */
        ACCEPTED(202, "accepted"),
        /** Malformed, {@code start >= end}, or addressed to another device. */
        REJECTED(400, "rejected"),
        /** The source does not know the stream. */
        UNKNOWN_STREAM(404, "unknownStream"),
        /** Too many requests in flight: retry with backoff. */
        BUSY(503, "busy");

        private final int status;
        private final String wireName;

        Result(int status, String wireName) {
            this.status = status;
            this.wireName = wireName;
        }

        public int status() {
            return status;
        }

        public String wireName() {
            return wireName;
        }

        public static Result fromWire(String value) {
            for (Result r : values()) {
                if (r.wireName.equals(value)) {
                    return r;
                }
            }
            throw new ProtocolException("result", value, "must be accepted, rejected, unknownStream or busy");
        }
    }

    public BackfillResponse {
        if (result == null) {
            throw ProtocolException.missing("result");
        }
    }

    /** The HTTP (or method) status code of this response. */
    public int status() {
        return result.status();
    }

    public byte[] toJson() {
        ObjectNode node = MethodJson.object();
        if (requestId != null) {
            node.put("requestId", requestId);
        }
        node.put("result", result.wireName());
        if (message != null) {
            node.put("message", message);
        }
        return MethodJson.write(node);
    }

    public static BackfillResponse fromJson(byte[] json) {
        JsonNode node = MethodJson.readObject("payload", json, BackfillRequest.MAX_PAYLOAD_BYTES);
        return new BackfillResponse(MethodJson.optionalText(node, "requestId"), Result.fromWire(MethodJson
                .requiredText(node, "result")), MethodJson.optionalText(node, "message"));
    }
}
