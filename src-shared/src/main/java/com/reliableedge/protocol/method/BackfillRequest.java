package com.reliableedge.protocol.method;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.Identifiers;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * The payload of the {@code backfill} direct method (PROTOCOL.md section 5): re-send stream {@code batchId}'s
 * events in {@code [startWindow, endWindow)}. The windows stay in wire form here because their index kind is the
 * stream's, which the receiving edge knows; {@link #window(IndexKind)} parses them.
 */
public record BackfillRequest(String requestId, String deviceId, String batchId, String startWindow, String endWindow,
        int attempt) {

    public static final String METHOD_NAME = "backfill";
    /** Largest accepted payload. */
    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    private static final String PAYLOAD = "payload";

    public BackfillRequest {
        Identifiers.require("requestId", requestId);
        Identifiers.require("deviceId", deviceId);
        Identifiers.require("batchId", batchId);
        if (startWindow == null) {
            throw ProtocolException.missing(Window.START_FIELD);
        }
        if (endWindow == null) {
            throw ProtocolException.missing(Window.END_FIELD);
        }
        if (attempt < 1) {
            throw new ProtocolException("attempt", Integer.toString(attempt), "must be at least 1");
        }
    }

    /** A request for {@code window} of a stream of kind {@code kind}. */
    public static BackfillRequest of(String requestId, String deviceId, String batchId, IndexKind kind, Window window,
            int attempt) {
        return new BackfillRequest(requestId, deviceId, batchId, window.startWire(kind), window.endWire(kind), attempt);
    }

    /** The requested window, parsed in the stream's index kind; {@code start >= end} is an error. */
    public Window window(IndexKind kind) {
        return Window.parse(kind, startWindow, endWindow);
    }

    public byte[] toJson() {
        ObjectNode node = MethodJson.object();
        node.put("requestId", requestId);
        node.put("deviceId", deviceId);
        node.put("batchId", batchId);
        node.put(Window.START_FIELD, startWindow);
        node.put(Window.END_FIELD, endWindow);
        node.put("attempt", attempt);
        return MethodJson.write(node);
    }

    /**
     * Reads a request payload of at most {@link #MAX_PAYLOAD_BYTES}.
     *
     * @throws ProtocolException naming the payload or the missing or malformed field
     */
    public static BackfillRequest fromJson(byte[] json) {
        JsonNode node = MethodJson.readObject(PAYLOAD, json, MAX_PAYLOAD_BYTES);
        return new BackfillRequest(MethodJson.requiredText(node, "requestId"), MethodJson.requiredText(node,
                "deviceId"), MethodJson.requiredText(node, "batchId"),
                MethodJson.requiredText(node, Window.START_FIELD),
                MethodJson.requiredText(node, Window.END_FIELD), MethodJson.requiredInt(node, "attempt"));
    }
}
