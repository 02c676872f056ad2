package com.reliableedge.protocol.method;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.Identifiers;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * The body of a {@code backfillStatus} message: the outcome of one maximal sub-range of a backfill request
 * (PROTOCOL.md section 5).
 *
 * @param reason why, for {@code unavailable} and {@code failed} (for example {@code horizon}, {@code oversize},
 *        {@code pastLiveCursor}); may be {@code null}
 */
public record BackfillStatus(String requestId, String batchId, String startWindow, String endWindow, Outcome status,
        String reason) {

    /** Largest accepted body. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    /** What became of a sub-range. */
    public enum Outcome {
        /** Every batch of the sub-range was sent and acknowledged. */
        COMPLETED("completed"),
        /** The source no longer holds that data: terminal. */
        UNAVAILABLE("unavailable"),
        /** Transient, or past the live cursor: the cloud may ask again. */
        FAILED("failed");

        private final String wireName;

        Outcome(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Outcome fromWire(String value) {
            for (Outcome o : values()) {
                if (o.wireName.equals(value)) {
                    return o;
                }
            }
            throw new ProtocolException("status", value, "must be completed, unavailable or failed");
        }
    }

    public BackfillStatus {
        Identifiers.require("requestId", requestId);
        Identifiers.require("batchId", batchId);
        if (startWindow == null) {
            throw ProtocolException.missing(Window.START_FIELD);
        }
        if (endWindow == null) {
            throw ProtocolException.missing(Window.END_FIELD);
        }
        if (status == null) {
            throw ProtocolException.missing("status");
        }
    }

    public static BackfillStatus of(String requestId, String batchId, IndexKind kind, Window window, Outcome status,
            String reason) {
        return new BackfillStatus(requestId, batchId, window.startWire(kind), window.endWire(kind), status, reason);
    }

    /** The sub-range, parsed in the stream's index kind. */
    public Window window(IndexKind kind) {
        return Window.parse(kind, startWindow, endWindow);
    }

    public byte[] toJson() {
        ObjectNode node = MethodJson.object();
        node.put("requestId", requestId);
        node.put("batchId", batchId);
        node.put(Window.START_FIELD, startWindow);
        node.put(Window.END_FIELD, endWindow);
        node.put("status", status.wireName());
        if (reason == null) {
            node.putNull("reason");
        } else {
            node.put("reason", reason);
        }
        return MethodJson.write(node);
    }

    public static BackfillStatus fromJson(byte[] json) {
        JsonNode node = MethodJson.readObject("body", json, MAX_BODY_BYTES);
        return new BackfillStatus(MethodJson.requiredText(node, "requestId"), MethodJson.requiredText(node, "batchId"),
                MethodJson.requiredText(node, Window.START_FIELD), MethodJson.requiredText(node, Window.END_FIELD),
                Outcome
                        .fromWire(MethodJson.requiredText(node, "status")),
                MethodJson.optionalText(node, "reason"));
    }
}
