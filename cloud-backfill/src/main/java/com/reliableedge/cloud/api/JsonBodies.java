package com.reliableedge.cloud.api;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.reliableedge.protocol.ProtocolException;

/** Reads operator request bodies as JSON trees, so that every malformed body gets a 400 naming the field. */
final class JsonBodies {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonBodies() {
    }

    static JsonNode object(byte[] body) {
        if (body == null || body.length == 0) {
            throw ProtocolException.missing("body");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ProtocolException("body", null, "is not valid JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException("body", null, "must be a JSON object");
        }
        return node;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ProtocolException.missing(field);
        }
        if (!value.isTextual()) {
            throw new ProtocolException(field, value.toString(), "must be a JSON string");
        }
        return value.textValue();
    }
}
